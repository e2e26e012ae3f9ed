package dev.tracefetch.fs.hooks;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A bounded lock-free queue for many producers (FUSE threads) and one consumer (the recorder).
 * {@link #offer} never blocks and never waits for the consumer: when the ring is full the element
 * is dropped and counted, so a slow consumer can lose events but can never slow a read down, and
 * the loss is always visible in {@link #dropped()}.
 *
 * <p>Producers claim a slot by advancing {@code tail} with a CAS (only while the slot is free),
 * then publish the element into it; the consumer takes published elements in claim order and frees
 * their slots by advancing {@code head}.
 */
public final class EventRing<T> {
  private final AtomicReferenceArray<T> slots;
  private final int capacity;
  private final int mask;
  private final AtomicLong tail = new AtomicLong();
  private final AtomicLong head = new AtomicLong();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder offered = new LongAdder();

  /** A ring of at least {@code minCapacity} slots (rounded up to a power of two). */
  public EventRing(int minCapacity) {
    if (minCapacity < 1 || minCapacity > (1 << 30)) {
      throw new IllegalArgumentException("capacity must be in 1..2^30, got " + minCapacity);
    }
    int cap = 1;
    while (cap < minCapacity) {
      cap <<= 1;
    }
    this.capacity = cap;
    this.mask = capacity - 1;
    this.slots = new AtomicReferenceArray<>(capacity);
  }

  public int capacity() {
    return capacity;
  }

  /** Adds {@code element} unless the ring is full; returns false (and counts a drop) if full. */
  public boolean offer(T element) {
    Objects.requireNonNull(element, "element");
    offered.increment();
    while (true) {
      long t = tail.get();
      if (t - head.get() >= capacity) {
        dropped.increment();
        return false;
      }
      if (tail.compareAndSet(t, t + 1)) {
        slots.setRelease((int) t & mask, element);
        return true;
      }
    }
  }

  /**
   * Hands up to {@code max} published elements to {@code sink} in order and returns how many. An
   * element claimed but not yet published stops the drain; it comes with the next call.
   */
  public synchronized int drain(Consumer<? super T> sink, int max) {
    long h = head.get();
    int n = 0;
    while (n < max) {
      int i = (int) h & mask;
      T e = slots.getAcquire(i);
      if (e == null) {
        break;
      }
      slots.setPlain(i, null);
      head.set(++h);
      n++;
      sink.accept(e);
    }
    return n;
  }

  /** Drains everything published so far. */
  public int drain(Consumer<? super T> sink) {
    return drain(sink, Integer.MAX_VALUE);
  }

  /** Elements waiting to be drained (approximate while producers run). */
  public long size() {
    return Math.max(0, tail.get() - head.get());
  }

  /** Elements dropped because the ring was full. */
  public long dropped() {
    return dropped.sum();
  }

  /** Elements offered in total (accepted + dropped). */
  public long offered() {
    return offered.sum();
  }
}
