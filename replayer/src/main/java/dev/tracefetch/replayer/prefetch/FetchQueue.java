package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.oci.image.Digest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The order in which one replay fetches its chunks. Requests start from the earliest chunk in plan
 * order still waiting and grow into one range over planned chunks of the same layer that lie near
 * it in the blob (gap threshold, size limit), so the plan order decides what is fetched first and
 * blob locality decides how much one request carries. When the application reads a planned chunk
 * before the replay got to it, that read fetches it itself and the chunks planned right after it
 * jump the queue: the application is there now. Thread-safe (one lock; every operation is cheap so
 * a FUSE thread reporting a demand read never waits long).
 */
public final class FetchQueue {
  private final List<PlannedChunk> order;
  private final Map<Digest, Integer> indexOf = new HashMap<>();
  private final boolean[] taken;
  private final Map<Integer, NavigableMap<Long, List<Integer>>> byOffset = new HashMap<>();
  private final Deque<Integer> urgent = new ArrayDeque<>();
  private final long gapBytes;
  private final long maxRequestBytes;
  private final long compressedBytes;
  private int cursor;
  private int remaining;

  /** What {@link #next} found to skip: chunks already cached or being fetched by someone else. */
  public interface SkipCounter {
    void skipped(PlannedChunk chunk);
  }

  public FetchQueue(List<PlannedChunk> plan, long gapBytes, long maxRequestBytes) {
    this.order = List.copyOf(plan);
    this.taken = new boolean[order.size()];
    this.gapBytes = gapBytes;
    this.maxRequestBytes = maxRequestBytes;
    for (int i = 0; i < order.size(); i++) {
      PlannedChunk c = order.get(i);
      if (indexOf.putIfAbsent(c.digest(), i) != null) {
        throw new IllegalArgumentException("chunk " + c.digest() + " is planned twice");
      }
      byOffset
          .computeIfAbsent(c.layer(), k -> new TreeMap<>())
          .computeIfAbsent(c.offset(), k -> new ArrayList<>())
          .add(i);
    }
    this.remaining = order.size();
    this.compressedBytes = order.stream().mapToLong(c -> c.chunk().compressedLength()).sum();
  }

  /** Chunks not yet handed out or dropped. */
  public synchronized int remaining() {
    return remaining;
  }

  public int size() {
    return order.size();
  }

  /** Sum of the planned chunks' compressed ranges (chunks sharing a member count each). */
  public long compressedBytes() {
    return compressedBytes;
  }

  /**
   * The next request, or empty when every chunk was handed out. Chunks for which {@code skip} is
   * true are dropped (and reported to {@code skipped}) instead of fetched.
   */
  public synchronized Optional<RangeRequest> next(Predicate<Digest> skip, SkipCounter skipped) {
    while (true) {
      int head = pollHead();
      if (head < 0) {
        return Optional.empty();
      }
      PlannedChunk first = order.get(head);
      take(head);
      if (skip.test(first.digest())) {
        skipped.skipped(first);
        continue;
      }
      return Optional.of(grow(first, skip, skipped));
    }
  }

  /**
   * A demand read is fetching {@code digest} itself: drop it from the queue and move the chunks
   * planned after it to the front. Returns false if the chunk was not waiting in this queue.
   */
  public synchronized boolean demanded(Digest digest) {
    Integer i = indexOf.get(digest);
    if (i == null || taken[i]) {
      return false;
    }
    take(i);
    // The application reads in plan order from here on: what follows it is needed next, ahead of
    // earlier planned chunks it has apparently skipped or not reached on this path.
    List<Integer> following = new ArrayList<>();
    long bytes = 0;
    for (int j = i + 1; j < order.size() && bytes < maxRequestBytes; j++) {
      if (!taken[j]) {
        following.add(j);
        bytes += order.get(j).chunk().compressedLength();
      }
    }
    for (int k = following.size() - 1; k >= 0; k--) {
      urgent.addFirst(following.get(k));
    }
    return true;
  }

  private int pollHead() {
    while (!urgent.isEmpty()) {
      int u = urgent.pollFirst();
      if (!taken[u]) {
        return u;
      }
    }
    while (cursor < order.size() && taken[cursor]) {
      cursor++;
    }
    return cursor < order.size() ? cursor : -1;
  }

  private void take(int i) {
    taken[i] = true;
    remaining--;
    PlannedChunk c = order.get(i);
    NavigableMap<Long, List<Integer>> layer = byOffset.get(c.layer());
    List<Integer> at = layer.get(c.offset());
    at.remove(Integer.valueOf(i));
    if (at.isEmpty()) {
      layer.remove(c.offset());
    }
  }

  /** Grows a request around {@code first} over near planned chunks of its layer. */
  private RangeRequest grow(PlannedChunk first, Predicate<Digest> skip, SkipCounter skipped) {
    NavigableMap<Long, List<Integer>> layer = byOffset.get(first.layer());
    List<PlannedChunk> chunks = new ArrayList<>();
    chunks.add(first);
    long start = first.offset();
    long end = first.end();
    // Forward first (plan order usually follows blob order), then backward.
    while (true) {
      // Chunks sharing a gzip member with one already in the request come for free.
      var inside = layer.subMap(start, true, end, false);
      if (!inside.isEmpty()) {
        for (List<Integer> at : List.copyOf(inside.values())) {
          for (int i : List.copyOf(at)) {
            end = Math.max(end, addOrSkip(i, chunks, skip, skipped));
          }
        }
        continue;
      }
      var e = layer.ceilingEntry(end);
      if (e == null || e.getKey() - end > gapBytes) {
        break;
      }
      long newEnd = end;
      for (int i : e.getValue()) {
        newEnd = Math.max(newEnd, order.get(i).end());
      }
      if (newEnd - start > maxRequestBytes) {
        break;
      }
      for (int i : List.copyOf(e.getValue())) {
        end = Math.max(end, addOrSkip(i, chunks, skip, skipped));
      }
    }
    while (true) {
      var e = layer.lowerEntry(start);
      if (e == null) {
        break;
      }
      long memberEnd = 0;
      for (int i : e.getValue()) {
        memberEnd = Math.max(memberEnd, order.get(i).end());
      }
      if (start - memberEnd > gapBytes || end - e.getKey() > maxRequestBytes) {
        break;
      }
      for (int i : List.copyOf(e.getValue())) {
        addOrSkip(i, chunks, skip, skipped);
      }
      start = e.getKey();
    }
    // Trim: skipped chunks at the edges need not be fetched.
    chunks.sort(Comparator.comparingLong(PlannedChunk::offset));
    long from = chunks.get(0).offset();
    long to = chunks.stream().mapToLong(PlannedChunk::end).max().orElseThrow();
    return new RangeRequest(first.layer(), from, Math.toIntExact(to - from), chunks);
  }

  /** Takes chunk {@code i} into the request unless it is to be skipped; returns its end. */
  private long addOrSkip(
      int i, List<PlannedChunk> chunks, Predicate<Digest> skip, SkipCounter skipped) {
    PlannedChunk c = order.get(i);
    take(i);
    if (skip.test(c.digest())) {
      skipped.skipped(c);
      return Long.MIN_VALUE;
    }
    chunks.add(c);
    return c.end();
  }
}
