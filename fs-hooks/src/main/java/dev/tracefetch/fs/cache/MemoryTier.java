package dev.tracefetch.fs.cache;

import dev.tracefetch.oci.image.Digest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Byte-bounded LRU of chunks that were verified recently. Arrays inside are never modified. */
final class MemoryTier {
  private final long maxBytes;
  private final LinkedHashMap<Digest, byte[]> chunks = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  MemoryTier(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(Digest digest) {
    return chunks.get(digest);
  }

  synchronized void put(Digest digest, byte[] data) {
    if (data.length > maxBytes) {
      return;
    }
    byte[] previous = chunks.put(digest, data);
    bytes += data.length - (previous == null ? 0 : previous.length);
    Iterator<Map.Entry<Digest, byte[]>> it = chunks.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Digest, byte[]> eldest = it.next();
      bytes -= eldest.getValue().length;
      it.remove();
    }
  }

  synchronized void remove(Digest digest) {
    byte[] previous = chunks.remove(digest);
    if (previous != null) {
      bytes -= previous.length;
    }
  }

  synchronized void clear() {
    chunks.clear();
    bytes = 0;
  }
}
