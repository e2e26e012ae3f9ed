package dev.tracefetch.store.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageStatesTest {
  private static PlanProperties capacity(int images) {
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
        org.springframework.util.unit.DataSize.ofMegabytes(1));
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
