package dev.tracefetch.store.insight;

import java.util.List;

/**
 * The accesses of a start in time order, thinned evenly when there are more than a browser can
 * draw; every other figure of a {@link TraceView} counts all events.
 *
 * @param eventsTotal events in the trace
 * @param spanMicros time of the last event or of readiness, whichever is later
 * @param events the events to draw, at most the limit the view was built with
 */
public record Timeline(long eventsTotal, long spanMicros, List<TimelineEvent> events) {
  public Timeline {
    events = List.copyOf(events);
  }

  /** True when {@link #events} is a sample, not every event. */
  public boolean sampled() {
    return events.size() < eventsTotal;
  }
}
