package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.insight.AppSummary;
import dev.tracefetch.store.insight.InsightService;
import dev.tracefetch.store.insight.PlanSummary;
import dev.tracefetch.store.insight.TraceComparison;
import dev.tracefetch.store.insight.TraceView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only views for people, which the web UI draws: apps with plan coverage, a plan's cost and
 * share of its image, a trace's accesses over time, and two traces compared. Same tokens and scope
 * ({@code read}) as the rest of the API.
 */
@RestController
@RequestMapping(path = "/api/v1/insight", produces = MediaType.APPLICATION_JSON_VALUE)
@RequiresScope(Scope.READ)
@Tag(name = "insight", description = "Views of apps, plans and traces for the web UI")
class InsightController {
  private final InsightService insight;

  InsightController(InsightService insight) {
    this.insight = insight;
  }

  @GetMapping("/apps")
  @Operation(summary = "Apps with their images, trace counts and plan coverage")
  List<AppSummary> apps() {
    return insight.apps();
  }

  @GetMapping("/apps/{app}/images/{digest}/plan")
  @Operation(
      summary = "Current replay plan of an image summarised",
      description = "Bytes, chunks, range requests after coalescing, share of the image, per layer")
  PlanSummary plan(@PathVariable String app, @PathVariable String digest) {
    return insight.plan(app, digest);
  }

  @GetMapping("/traces/{id}")
  @Operation(
      summary = "One trace for people",
      description =
          "Recording context, readiness, score, bytes per layer, files by first access and by"
              + " bytes, and the accesses over time (at most 20,000, thinned evenly)")
  TraceView trace(@PathVariable String id) {
    return insight.trace(id);
  }

  @GetMapping("/traces/{left}/compare/{right}")
  @Operation(summary = "What two traces both read, and what each read that the other did not")
  TraceComparison compare(@PathVariable String left, @PathVariable String right) {
    return insight.compare(left, right);
  }
}
