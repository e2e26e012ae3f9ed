package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a replay can fetch from one mounted image: per layer its blob digest and, for eStargz
 * layers, every chunk in blob order (layers downloaded whole have nothing to prefetch). Plans are
 * checked against it, so a plan for another image or with ranges that are not in the blob is
 * refused before any request is made.
 */
public final class ImageChunks {
  private final Digest manifestDigest;
  private final List<Layer> layers;

  /**
   * One layer: its digest, its blob size, its chunks in blob order (empty when not eStargz) and its
   * landmark offset.
   */
  public record Layer(
      int index,
      Digest digest,
      long blobSize,
      boolean estargz,
      List<EstargzChunk> chunks,
      OptionalLong landmarkOffset) {
    public Layer {
      Objects.requireNonNull(digest, "digest");
      chunks = List.copyOf(chunks);
      Objects.requireNonNull(landmarkOffset, "landmarkOffset");
    }

    /** Chunks whose gzip member starts in {@code [offset, offset+length)}, in blob order. */
    public List<EstargzChunk> chunksStartingIn(long offset, long length) {
      int from = lowerBound(offset);
      List<EstargzChunk> out = new ArrayList<>();
      for (int i = from;
          i < chunks.size() && chunks.get(i).compressedOffset() < offset + length;
          i++) {
        out.add(chunks.get(i));
      }
      return out;
    }

    private int lowerBound(long offset) {
      int lo = 0;
      int hi = chunks.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (chunks.get(mid).compressedOffset() < offset) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  public ImageChunks(Digest manifestDigest, List<Layer> layers) {
    this.manifestDigest = Objects.requireNonNull(manifestDigest, "manifestDigest");
    this.layers = List.copyOf(layers);
    for (int i = 0; i < this.layers.size(); i++) {
      if (this.layers.get(i).index() != i) {
        throw new IllegalArgumentException(
            "layer at position " + i + " says it is layer " + this.layers.get(i).index());
      }
    }
  }

  /**
   * From a mounted image's layer descriptors and eStargz indexes ({@code null} for a layer that was
   * downloaded whole), as {@code RemoteImage} gives them.
   */
  public static ImageChunks of(
      Digest manifestDigest, List<Descriptor> layers, List<EstargzIndex> indexes) {
    if (layers.size() != indexes.size()) {
      throw new IllegalArgumentException(
          layers.size() + " layer descriptors but " + indexes.size() + " indexes");
    }
    List<Layer> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Descriptor d = layers.get(i);
      EstargzIndex idx = indexes.get(i);
      out.add(
          idx == null
              ? new Layer(i, d.digest(), d.size(), false, List.of(), OptionalLong.empty())
              : new Layer(
                  i,
                  d.digest(),
                  d.size(),
                  true,
                  idx.chunksInBlobOrder(),
                  idx.hasNoPrefetchLandmark()
                      ? OptionalLong.empty()
                      : idx.prefetchLandmarkOffset()));
    }
    return new ImageChunks(manifestDigest, out);
  }

  public Digest manifestDigest() {
    return manifestDigest;
  }

  public List<Layer> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** Every chunk of every eStargz layer. */
  public long chunkCount() {
    return layers.stream().mapToLong(l -> l.chunks().size()).sum();
  }
}
