package dev.tracefetch.store.plan;

import java.util.HashMap;
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
  private final Map<Long, ImageState> states;
  private final Map<Long, Long> bytes = new HashMap<>();
  private long total;

  ImageStates(PlanProperties properties) {
    this.capacity = properties.cachedImages();
    this.budget = properties.cachedStateBudget();
    this.states =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, ImageState> eldest) {
            if (size() > capacity) {
              forget(eldest.getKey());
              return true;
            }
            return false;
          }
        };
  }

  synchronized Optional<ImageState> get(long imageId) {
    return Optional.ofNullable(states.get(imageId));
  }

  synchronized void put(long imageId, ImageState state) {
    if (capacity == 0) {
      return;
    }
    forget(imageId);
    long size = state.ranked().approximateBytes();
    bytes.put(imageId, size);
    total += size;
    states.put(imageId, state);
    Iterator<Long> eldestFirst = states.keySet().iterator();
    while (total > budget && eldestFirst.hasNext()) {
      long id = eldestFirst.next();
      if (id != imageId) {
        forget(id);
        eldestFirst.remove();
      }
    }
  }

  synchronized void evict(long imageId) {
    forget(imageId);
    states.remove(imageId);
  }

  /** Approximate heap bytes of the states held. */
  synchronized long bytes() {
    return total;
  }

  private void forget(long imageId) {
    Long size = bytes.remove(imageId);
    if (size != null) {
      total -= size;
    }
  }
}
