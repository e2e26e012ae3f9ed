package dev.tracefetch.store.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.planner.ChunkKeys;
import dev.tracefetch.planner.RankingState;
import dev.tracefetch.planner.TraceFacts;
import dev.tracefetch.planner.TraceProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class ImageStatesTest {
  private static PlanProperties capacity(int images) {
    return budget(images, DataSize.ofGigabytes(1));
  }

  private static PlanProperties budget(int images, DataSize stateBytes) {
    return new PlanProperties(
        20,
        0.75,
        0.5,
        1,
        10,
        Duration.ofSeconds(5),
        images,
        true,
        0,
        Duration.ZERO,
        DataSize.ofMegabytes(1),
        stateBytes);
  }

  /** A state of one trace reading {@code chunks} chunks of one layer. */
  private static ImageState ranked(String traceId, int chunks) throws Exception {
    long[] keys = new long[chunks];
    int[] times = new int[chunks];
    int[] lengths = new int[chunks];
    for (int i = 0; i < chunks; i++) {
      keys[i] = ChunkKeys.of(0, 1000L * i);
      times[i] = i;
      lengths[i] = 100;
    }
    TraceProfile profile =
        TraceProfile.create(
            traceId,
            "app",
            "sha256:" + "a".repeat(64),
            List.of("sha256:" + "1".repeat(64)),
            new TraceFacts("http", true, 1_000_000, 0, false, 0, chunks),
            keys,
            times,
            lengths,
            null);
    return new ImageState(RankingState.of(List.of(profile)), Map.of());
  }

  private static ImageState state(String leftOutId) {
    return new ImageState(ImageState.EMPTY.ranked(), Map.of(leftOutId, "reason"));
  }

  @Test
  void dropsTheLeastRecentlyUsedImageBeyondCapacity() {
    ImageStates states = new ImageStates(capacity(2));
    states.put(1, state("a"));
    states.put(2, state("b"));
    assertThat(states.get(1)).isPresent();
    states.put(3, state("c"));
    assertThat(states.get(2)).isEmpty();
    assertThat(states.get(1)).isPresent();
    assertThat(states.get(3)).isPresent();
  }

  @Test
  void dropsTheLeastRecentlyUsedImagesBeyondTheByteBudgetButKeepsTheOneJustStored()
      throws Exception {
    ImageState small = ranked("s", 1_000);
    ImageState big = ranked("b", 40_000);
    long smallBytes = small.ranked().approximateBytes();
    long bigBytes = big.ranked().approximateBytes();
    ImageStates states = new ImageStates(budget(64, DataSize.ofBytes(3 * smallBytes)));
    states.put(1, small);
    states.put(2, small);
    states.put(3, small);
    assertThat(states.bytes()).isEqualTo(3 * smallBytes);
    states.get(1); // 2 is now the least recently used
    states.put(4, small);
    assertThat(states.get(2)).isEmpty();
    assertThat(states.get(1)).isPresent();
    assertThat(states.bytes()).isEqualTo(3 * smallBytes);

    // over the budget on its own: everything else goes, the big one stays
    states.put(5, big);
    assertThat(states.get(5)).isPresent();
    assertThat(states.get(1)).isEmpty();
    assertThat(states.get(3)).isEmpty();
    assertThat(states.get(4)).isEmpty();
    assertThat(states.bytes()).isEqualTo(bigBytes);

    // replacing an image's state counts only the new one; evicting returns its bytes
    states.put(5, small);
    assertThat(states.bytes()).isEqualTo(smallBytes);
    states.evict(5);
    assertThat(states.bytes()).isZero();
  }

  @Test
  void theCountBoundReturnsTheBytesOfWhatItDrops() throws Exception {
    ImageState small = ranked("s", 100);
    ImageStates states = new ImageStates(capacity(2));
    states.put(1, small);
    states.put(2, small);
    states.put(3, small);
    assertThat(states.get(1)).isEmpty();
    assertThat(states.bytes()).isEqualTo(2 * small.ranked().approximateBytes());
  }

  @Test
  void zeroCapacityKeepsNothing() {
    ImageStates states = new ImageStates(capacity(0));
    states.put(1, state("a"));
    assertThat(states.get(1)).isEmpty();
  }

  @Test
  void evictForgetsAnImage() {
    ImageStates states = new ImageStates(capacity(4));
    states.put(1, state("a"));
    states.evict(1);
    assertThat(states.get(1)).isEmpty();
  }
}
