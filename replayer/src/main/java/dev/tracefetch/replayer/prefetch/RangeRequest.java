package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.oci.image.Digest;
import java.util.List;

/**
 * One coalesced range request: a contiguous piece of one layer blob and the planned chunks it
 * holds, which are decoded out of it after one GET.
 *
 * @param layer layer index
 * @param offset first blob byte fetched
 * @param length bytes fetched
 * @param chunks the chunks inside, in blob order
 */
public record RangeRequest(int layer, long offset, int length, List<PlannedChunk> chunks) {
  public RangeRequest {
    chunks = List.copyOf(chunks);
    if (chunks.isEmpty()) {
      throw new IllegalArgumentException("a range request needs at least one chunk");
    }
    for (PlannedChunk c : chunks) {
      if (c.layer() != layer || c.offset() < offset || c.end() > offset + length) {
        throw new IllegalArgumentException(
            c.chunk().describe()
                + " is not inside layer "
                + layer
                + " ["
                + offset
                + ", +"
                + length
                + ")");
      }
    }
  }

  public List<Digest> digests() {
    return chunks.stream().map(PlannedChunk::digest).toList();
  }
}
