/**
 * What operators look at before they trust a replay plan: views of traces, plans and apps derived
 * from what the store keeps, for the web UI.
 *
 * <p>The ranking and merging code answers "which chunks, in which order"; people also need to see
 * "when did this start read what, from which layer", "what does the plan cost", and "how do two
 * starts differ". Those answers are computed here from the stored trace files and plans, never
 * stored, so they always agree with the data. Builders ({@link
 * dev.tracefetch.store.insight.TraceViews}, {@link dev.tracefetch.store.insight.PlanSummaries},
 * {@link dev.tracefetch.store.insight.TraceComparisons}) are pure functions; {@link
 * dev.tracefetch.store.insight.InsightService} loads their input through the store's services.
 */
package dev.tracefetch.store.insight;
