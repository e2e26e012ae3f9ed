package dev.tracefetch.replayer.control;

import dev.tracefetch.api.v1.ReplayPlan;

/**
 * What the node process that owns one mount lets others do with its prefetch engine: start a replay
 * of a plan, cancel it, and look at it. The local control API (gRPC over a Unix socket) and the OCI
 * hook go through this interface, so they never depend on how the engine schedules fetches.
 * Implementations must be thread-safe and must never block a caller on network work: {@link #start}
 * returns as soon as the replay is queued.
 */
public interface ReplayControl {

  /**
   * Starts replaying {@code plan} for this mount, replacing (cancelling) a replay in progress.
   *
   * @param plan the plan; its manifest digest must be the mounted image's
   * @param source where the plan came from, for status and logs (e.g. {@code file:/x.tfr}, {@code
   *     referrer:sha256:..}, {@code store:https://..})
   * @throws IllegalArgumentException if the plan is for another image or names unknown layers
   */
  void start(ReplayPlan plan, String source);

  /** Cancels the replay in progress, if any; demand reads go on as plain lazy loading. */
  void cancel();

  /** A consistent snapshot of the current (or last) replay and the mount's cache counters. */
  ReplayStatus status();
}
