package dev.tracefetch.replayer.prefetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.oci.image.Digest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FetchQueueTest {
  private static PlannedChunk chunk(String name, long offset, long end) {
    return chunk(name, offset, end, 0);
  }

  private static PlannedChunk chunk(String name, long offset, long end, long inner) {
    return new PlannedChunk(
        0, new EstargzChunk(name, 0, offset, end, inner, 0, 10, Digest.of(name.getBytes())));
  }

  private static List<String> names(RangeRequest r) {
    return r.chunks().stream().map(c -> c.chunk().path()).toList();
  }

  private static List<List<String>> drain(FetchQueue q) {
    List<List<String>> out = new ArrayList<>();
    Optional<RangeRequest> r;
    while ((r = q.next(d -> false, c -> {})).isPresent()) {
      out.add(names(r.get()));
    }
    return out;
  }

  @Test
  void farApartChunksAreRequestedOneByOneInPlanOrder() {
    FetchQueue q =
        new FetchQueue(
            List.of(chunk("c", 30_000, 30_100), chunk("a", 0, 100), chunk("b", 10_000, 10_100)),
            1000,
            1 << 20);
    assertThat(drain(q)).containsExactly(List.of("c"), List.of("a"), List.of("b"));
    assertThat(q.remaining()).isZero();
  }

  @Test
  void nearChunksShareOneRequestWithinTheGapThreshold() {
    FetchQueue q =
        new FetchQueue(
            List.of(
                chunk("a", 0, 100),
                chunk("b", 100, 200),
                chunk("c", 250, 300), // 50-byte gap: joined
                chunk("d", 400, 500), // 100-byte gap: not joined
                chunk("e", 500, 600)),
            64,
            1 << 20);
    Optional<RangeRequest> first = q.next(d -> false, c -> {});
    assertThat(names(first.orElseThrow())).containsExactly("a", "b", "c");
    assertThat(first.get().offset()).isZero();
    assertThat(first.get().length()).isEqualTo(300);
    assertThat(drain(q)).containsExactly(List.of("d", "e"));
  }

  @Test
  void requestsStayUnderTheSizeLimit() {
    List<PlannedChunk> plan = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      plan.add(chunk("c" + i, i * 100L, i * 100L + 100));
    }
    FetchQueue q = new FetchQueue(plan, 1000, 250);
    assertThat(drain(q))
        .containsExactly(
            List.of("c0", "c1"), List.of("c2", "c3"), List.of("c4", "c5"), List.of("c6"));
  }

  @Test
  void aRequestAlsoGrowsBackwardsOverEarlierBlobBytesPlannedLater() {
    FetchQueue q =
        new FetchQueue(
            List.of(
                chunk("late-in-blob", 100, 200), chunk("x", 9000, 9100), chunk("early", 0, 100)),
            0,
            1 << 20);
    assertThat(drain(q)).containsExactly(List.of("early", "late-in-blob"), List.of("x"));
  }

  @Test
  void chunksSharingAGzipMemberComeInTheSameRequest() {
    FetchQueue q =
        new FetchQueue(
            List.of(chunk("a", 0, 100, 0), chunk("z", 5000, 5100), chunk("b", 0, 100, 10)),
            0,
            1 << 20);
    assertThat(drain(q)).containsExactly(List.of("a", "b"), List.of("z"));
  }

  @Test
  void cachedChunksAreReportedAndNeverRequested() {
    PlannedChunk a = chunk("a", 0, 100);
    PlannedChunk b = chunk("b", 100, 200);
    PlannedChunk c = chunk("c", 200, 300);
    FetchQueue q = new FetchQueue(List.of(a, b, c), 0, 1 << 20);
    Set<Digest> cached = Set.of(a.digest(), c.digest());
    List<String> skipped = new ArrayList<>();
    RangeRequest r = q.next(cached::contains, s -> skipped.add(s.chunk().path())).orElseThrow();
    assertThat(names(r)).containsExactly("b");
    assertThat(r.offset()).isEqualTo(100);
    assertThat(r.length()).isEqualTo(100);
    assertThat(skipped).containsExactlyInAnyOrder("a", "c");
    assertThat(q.next(cached::contains, s -> {})).isEmpty();
  }

  @Test
  void aDemandReadTakesItsChunkAndMovesWhatFollowsItToTheFront() {
    List<PlannedChunk> plan = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      plan.add(chunk("c" + i, i * 10_000L, i * 10_000L + 100));
    }
    FetchQueue q = new FetchQueue(plan, 0, 250);
    assertThat(names(q.next(d -> false, c -> {}).orElseThrow())).containsExactly("c0");
    assertThat(q.demanded(plan.get(6).digest())).isTrue();
    assertThat(q.demanded(plan.get(6).digest())).as("only once").isFalse();
    assertThat(q.demanded(Digest.of("not planned".getBytes()))).isFalse();
    List<List<String>> rest = drain(q);
    // c7..c9 (about one request's worth of bytes) jump the queue; then the plan order resumes.
    assertThat(rest)
        .containsExactly(
            List.of("c7"),
            List.of("c8"),
            List.of("c9"),
            List.of("c1"),
            List.of("c2"),
            List.of("c3"),
            List.of("c4"),
            List.of("c5"));
  }

  @Test
  void everyChunkIsHandedOutExactlyOnceUnderConcurrency() throws Exception {
    List<PlannedChunk> plan = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      plan.add(chunk("c" + i, i * 150L, i * 150L + 100));
    }
    FetchQueue q = new FetchQueue(plan, 64, 1000);
    Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<String> dup = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      int id = t;
      threads.add(
          new Thread(
              () -> {
                Optional<RangeRequest> r;
                int k = 0;
                while ((r = q.next(d -> false, c -> {})).isPresent()) {
                  for (String n : names(r.get())) {
                    if (!seen.add(n)) {
                      dup.add(n);
                    }
                  }
                  if (id == 0 && k++ % 3 == 0) {
                    q.demanded(plan.get((k * 37) % plan.size()).digest());
                  }
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(dup).isEmpty();
    Set<String> all = new HashSet<>();
    plan.forEach(c -> all.add(c.chunk().path()));
    all.removeAll(seen);
    // What is not handed out was taken by demand reads.
    assertThat(q.remaining()).isZero();
    assertThat(all.size()).isLessThan(plan.size() / 3);
  }
}
