package dev.tracefetch.fs.cache;

import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Chunks one range fetch has promised to deliver to the {@link ChunkCache}. While a chunk is
 * claimed, a read of it waits for this fetch rather than starting a second one; the claim either
 * delivers each chunk (verified, stored, handed to the waiting readers) or abandons it, and then
 * the waiting readers fetch it themselves. Closing abandons whatever was not delivered, so a fetch
 * that fails half way can never leave a reader waiting on it. Thread-safe.
 */
public final class ChunkClaim implements AutoCloseable {
  private final ChunkCache cache;
  private final Set<Digest> claimed;
  private final Set<Digest> pending; // guarded by this
  private final long started = System.nanoTime();

  ChunkClaim(ChunkCache cache, Set<Digest> claimed) {
    this.cache = cache;
    this.claimed = Collections.unmodifiableSet(new LinkedHashSet<>(claimed));
    this.pending = new LinkedHashSet<>(claimed);
  }

  /** The chunks this claim holds: the asked-for ones that were neither cached nor in flight. */
  public Set<Digest> digests() {
    return claimed;
  }

  public boolean isEmpty() {
    return claimed.isEmpty();
  }

  /** Whether {@code digest} is claimed and not yet delivered or abandoned. */
  public synchronized boolean isPending(Digest digest) {
    return pending.contains(digest);
  }

  /**
   * Stores {@code data} as chunk {@code digest} and wakes its readers.
   *
   * @param verified true if the caller already checked {@code data} against {@code digest} (the
   *     eStargz decoder does); otherwise the cache hashes it
   * @throws IllegalStateException if the chunk is not pending in this claim
   * @throws IOException if the bytes do not match the digest (the chunk is then abandoned)
   */
  public void deliver(Digest digest, byte[] data, boolean verified) throws IOException {
    Objects.requireNonNull(data, "data");
    take(digest);
    cache.deliverClaimed(digest, data, verified, started);
  }

  /** Gives chunk {@code digest} up; a reader waiting for it fetches it itself. */
  public void abandon(Digest digest) {
    take(digest);
    cache.abandonClaimed(digest);
  }

  private synchronized void take(Digest digest) {
    if (!pending.remove(Objects.requireNonNull(digest, "digest"))) {
      throw new IllegalStateException("chunk " + digest + " is not pending in this claim");
    }
  }

  /** Abandons every chunk not delivered yet. */
  @Override
  public void close() {
    Set<Digest> rest;
    synchronized (this) {
      rest = new LinkedHashSet<>(pending);
      pending.clear();
    }
    for (Digest d : rest) {
      cache.abandonClaimed(d);
    }
  }
}
