package dev.tracefetch.fs.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EventRingTest {

  @Test
  void capacityIsRoundedUpToAPowerOfTwo() {
    assertThat(new EventRing<String>(1).capacity()).isEqualTo(1);
    assertThat(new EventRing<String>(5).capacity()).isEqualTo(8);
    assertThat(new EventRing<String>(1024).capacity()).isEqualTo(1024);
  }

  @Test
  void deliversInOrderAndCountsDropsWhenFull() {
    EventRing<Integer> ring = new EventRing<>(4);
    for (int i = 0; i < 6; i++) {
      ring.offer(i);
    }
    List<Integer> out = new ArrayList<>();
    assertThat(ring.drain(out::add)).isEqualTo(4);
    assertThat(out).containsExactly(0, 1, 2, 3);
    assertThat(ring.dropped()).isEqualTo(2);
    assertThat(ring.offered()).isEqualTo(6);

    ring.offer(10);
    ring.offer(11);
    out.clear();
    ring.drain(out::add, 1);
    assertThat(out).containsExactly(10);
    ring.drain(out::add);
    assertThat(out).containsExactly(10, 11);
    assertThat(ring.size()).isZero();
  }

  @Test
  void manyProducersLoseNothingUncountedAndKeepPerProducerOrder() throws Exception {
    int producers = 4;
    int perProducer = 200_000;
    EventRing<long[]> ring = new EventRing<>(1024);
    CyclicBarrier start = new CyclicBarrier(producers + 1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int id = p;
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                for (int i = 0; i < perProducer; i++) {
                  ring.offer(new long[] {id, i});
                }
              });
      t.start();
      threads.add(t);
    }
    long[] lastSeen = new long[producers];
    java.util.Arrays.fill(lastSeen, -1);
    long[] received = {0};
    AtomicBoolean outOfOrder = new AtomicBoolean();
    start.await();
    boolean running = true;
    while (running) {
      running = threads.stream().anyMatch(Thread::isAlive);
      ring.drain(
          e -> {
            int id = (int) e[0];
            if (e[1] <= lastSeen[id]) {
              outOfOrder.set(true);
            }
            lastSeen[id] = e[1];
            received[0]++;
          });
    }
    for (Thread t : threads) {
      t.join();
    }
    ring.drain(e -> received[0]++);

    assertThat(outOfOrder).isFalse();
    assertThat(received[0] + ring.dropped()).isEqualTo((long) producers * perProducer);
    assertThat(ring.offered()).isEqualTo((long) producers * perProducer);
  }
}
