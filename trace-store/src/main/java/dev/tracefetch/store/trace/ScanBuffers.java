package dev.tracefetch.store.trace;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The per-event and per-chunk-reference arrays of a {@link ScannedTrace}, reused from a small pool.
 *
 * <p>Why: a 20,000-event trace needs about 1.7 MB of them, and an upload path that allocates
 * megabytes per request spends much of its CPU zeroing fresh memory (and, on a young heap, taking
 * page faults) rather than reading traces. The pool is bounded in count and in the size of what it
 * keeps, so it holds at most a few tens of megabytes however large or many the uploads.
 *
 * <p>An instance belongs to one scan from {@link #take} to {@link #release}; every slot a scan
 * reads was written by that scan, so reused arrays need no clearing.
 */
final class ScanBuffers {
  /** Larger buffers (traces of more events or references) are left to the garbage collector. */
  static final int MAX_POOLED_ENTRIES = 1 << 16;

  private static final ArrayBlockingQueue<ScanBuffers> POOL =
      new ArrayBlockingQueue<>(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));

  // Per event.
  long[] eventTimes;
  int[] eventFiles;
  boolean[] eventNegative; // negative offset or length
  // Per chunk reference, in trace order.
  int[] refEvents;
  int[] refChunks;
  int[] refLayers;
  long[] refOffsets;
  long[] refLengths;
  int[] refDigestOffsets;
  int[] refDigestLengths;
  boolean[] refRawDigest; // digest decoded into rawDigests[32 * r]
  byte[] rawDigests;

  private ScanBuffers() {
    allocateEvents(0);
    allocateReferences(0);
  }

  /** Buffers with room for at least {@code entries} events and references. */
  static ScanBuffers take(int entries) {
    ScanBuffers buffers = POOL.poll();
    if (buffers == null) {
      buffers = new ScanBuffers();
    }
    if (buffers.eventTimes.length < entries) {
      buffers.allocateEvents(entries);
    }
    if (buffers.refEvents.length < entries) {
      buffers.allocateReferences(entries);
    }
    return buffers;
  }

  /** Hands the buffers back; the caller must not touch them afterwards. */
  void release() {
    if (eventTimes.length <= MAX_POOLED_ENTRIES && refEvents.length <= MAX_POOLED_ENTRIES) {
      POOL.offer(this);
    }
  }

  private void allocateEvents(int capacity) {
    eventTimes = new long[capacity];
    eventFiles = new int[capacity];
    eventNegative = new boolean[capacity];
  }

  private void allocateReferences(int capacity) {
    refEvents = new int[capacity];
    refChunks = new int[capacity];
    refLayers = new int[capacity];
    refOffsets = new long[capacity];
    refLengths = new long[capacity];
    refDigestOffsets = new int[capacity];
    refDigestLengths = new int[capacity];
    refRawDigest = new boolean[capacity];
    rawDigests = new byte[32 * capacity];
  }

  /** Doubles the event arrays, keeping their first {@code count} entries. */
  void growEvents(int count) {
    int capacity = Math.max(16, count * 2);
    eventTimes = Arrays.copyOf(eventTimes, capacity);
    eventFiles = Arrays.copyOf(eventFiles, capacity);
    eventNegative = Arrays.copyOf(eventNegative, capacity);
  }

  /** Doubles the reference arrays, keeping their first {@code count} entries. */
  void growReferences(int count) {
    int capacity = Math.max(16, count * 2);
    refEvents = Arrays.copyOf(refEvents, capacity);
    refChunks = Arrays.copyOf(refChunks, capacity);
    refLayers = Arrays.copyOf(refLayers, capacity);
    refOffsets = Arrays.copyOf(refOffsets, capacity);
    refLengths = Arrays.copyOf(refLengths, capacity);
    refDigestOffsets = Arrays.copyOf(refDigestOffsets, capacity);
    refDigestLengths = Arrays.copyOf(refDigestLengths, capacity);
    refRawDigest = Arrays.copyOf(refRawDigest, capacity);
    rawDigests = Arrays.copyOf(rawDigests, 32 * capacity);
  }
}
