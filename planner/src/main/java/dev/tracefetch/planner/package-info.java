/**
 * Judging recorded starts and turning the good ones into one replay plan.
 *
 * <p>Pure Java with no framework types, so the trace store, the builder and tests can use it alike.
 * The flow is: {@link dev.tracefetch.planner.TraceProfile#of extract} each uploaded trace once into
 * a compact profile (stored with the trace, see {@link dev.tracefetch.planner.TraceProfileCodec});
 * keep the profiles of one (app, image) in an immutable {@link dev.tracefetch.planner.RankingState}
 * that grows with {@code plus}; {@link dev.tracefetch.planner.TraceRanker rank} the state; {@link
 * dev.tracefetch.planner.PlanMerger merge} the best traces into a {@code ReplayPlan}; and {@link
 * dev.tracefetch.planner.PlanMapper map} plans or profiles recorded on one image onto a newer image
 * of the same app.
 */
package dev.tracefetch.planner;
