package dev.tracefetch.store.plan;

import dev.tracefetch.planner.RankingState;
import java.util.Map;

/**
 * What the store knows about the traces of one image between recomputations: the ranking state of
 * the traces that fit together, and the traces left out with the reason.
 *
 * @param ranked profiles of the image's traces that ranking and merging use
 * @param leftOut trace id to reason, for traces whose profile could not join the state (recorded
 *     with other layers, contradicting the others about a chunk, or unreadable)
 */
record ImageState(RankingState ranked, Map<String, String> leftOut) {
  static final ImageState EMPTY = new ImageState(RankingState.empty(), Map.of());

  ImageState {
    leftOut = Map.copyOf(leftOut);
  }

  int traceCount() {
    return ranked.size() + leftOut.size();
  }
}
