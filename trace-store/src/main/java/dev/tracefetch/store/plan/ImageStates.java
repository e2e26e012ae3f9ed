package dev.tracefetch.store.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The {@link ImageState} of recently recomputed images, so that a new trace costs one profile
 * decode and one {@code RankingState.plus} instead of decoding every stored profile again. Least
 * recently used images are dropped beyond {@code tracestore.plan.cached-images}; their state is
 * rebuilt from the stored profiles when needed.
 */
@Component
class ImageStates {
  private final int capacity;
  private final Map<Long, ImageState> states;

  ImageStates(PlanProperties properties) {
    this.capacity = properties.cachedImages();
    this.states =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, ImageState> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized Optional<ImageState> get(long imageId) {
    return Optional.ofNullable(states.get(imageId));
  }

  synchronized void put(long imageId, ImageState state) {
    if (capacity > 0) {
      states.put(imageId, state);
    }
  }

  synchronized void evict(long imageId) {
    states.remove(imageId);
  }
}
