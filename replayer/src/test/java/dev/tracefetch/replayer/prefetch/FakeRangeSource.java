package dev.tracefetch.replayer.prefetch;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * Serves ranges of in-memory blobs and records every request; can hold requests until released,
 * fail them, or corrupt them. The network boundary of the engine, faked.
 */
final class FakeRangeSource implements RangeSource {
  record Request(int layer, long offset, int length) {}

  private final List<byte[]> blobs;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  volatile Semaphore gate; // when set, each request takes a permit first
  final CountDownLatch firstRequestArrived = new CountDownLatch(1);
  volatile IOException failure;
  volatile boolean corrupt;

  FakeRangeSource(byte[]... blobs) {
    this.blobs = List.of(blobs);
  }

  /** Requests block until {@link #release} lets them through. */
  FakeRangeSource gated() {
    gate = new Semaphore(0);
    return this;
  }

  void release(int n) {
    gate.release(n);
  }

  @Override
  public byte[] read(int layer, long offset, int length) throws IOException {
    requests.add(new Request(layer, offset, length));
    firstRequestArrived.countDown();
    Semaphore g = gate;
    if (g != null) {
      try {
        g.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
    }
    if (failure != null) {
      throw failure;
    }
    byte[] out = Arrays.copyOfRange(blobs.get(layer), (int) offset, (int) offset + length);
    if (corrupt) {
      for (int i = 20; i < out.length; i += 97) {
        out[i] ^= 0x5a;
      }
    }
    return out;
  }
}
