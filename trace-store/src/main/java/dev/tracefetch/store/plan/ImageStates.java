package dev.tracefetch.store.plan;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The {@link ImageState} of recently recomputed images, so that a new trace costs one profile
 * decode and one {@code RankingState.plus} instead of decoding every stored profile again. Least
 * recently used images are dropped beyond {@code tracestore.plan.cached-images} and beyond {@code
 * tracestore.plan.cached-state-bytes} (one image with thousands of traces weighs as much as
 * hundreds of small ones); their state is rebuilt from the stored profiles when needed. The image
 * just stored stays even when it alone is over the budget: dropping it would make its next
 * recomputation decode every profile again, which costs more than the memory.
 */
@Component
class ImageStates {
  private final int capacity;
  private final long budget;
  private final Map<Long, Held> states;
  private long total;

  /** A cached state with the bytes it was counted as. */
  private record Held(ImageState state, long bytes) {}

  ImageStates(PlanProperties properties) {
    this.capacity = properties.cachedImages();
    this.budget = properties.cachedStateBudget();
    this.states =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Held> eldest) {
            if (size() > capacity) {
              total -= eldest.getValue().bytes();
              return true;
            }
            return false;
          }
        };
  }

  synchronized Optional<ImageState> get(long imageId) {
    return Optional.ofNullable(states.get(imageId)).map(Held::state);
  }

  synchronized void put(long imageId, ImageState state) {
    if (capacity == 0) {
      return;
    }
    evict(imageId);
    Held held = new Held(state, state.ranked().approximateBytes());
    total += held.bytes();
    states.put(imageId, held);
    Iterator<Map.Entry<Long, Held>> eldestFirst = states.entrySet().iterator();
    while (total > budget && eldestFirst.hasNext()) {
      Map.Entry<Long, Held> e = eldestFirst.next();
      if (e.getKey() != imageId) {
        total -= e.getValue().bytes();
        eldestFirst.remove();
      }
    }
  }

  synchronized void evict(long imageId) {
    Held gone = states.remove(imageId);
    if (gone != null) {
      total -= gone.bytes();
    }
  }

  /** Approximate heap bytes of the states held. */
  synchronized long bytes() {
    return total;
  }
}
