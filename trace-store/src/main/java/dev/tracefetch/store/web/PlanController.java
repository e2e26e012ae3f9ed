package dev.tracefetch.store.web;

import dev.tracefetch.api.v1.Provenance;
import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.plan.PlanMetrics;
import dev.tracefetch.store.plan.PlanService;
import dev.tracefetch.store.plan.StoredPlan;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;

/**
 * The replay plan of an image, as a replay file ({@code application/x-protobuf}, what nodes use) or
 * as protobuf JSON ({@code application/json}, the default for {@code * / *}). Served from memory;
 * the ETag carries the version so pollers get 304 until the plan changes.
 */
@RestController
@Tag(name = "plans", description = "Replay plans merged from the best traces")
class PlanController {
  static final MediaType PROTOBUF = MediaType.parseMediaType("application/x-protobuf");
  static final String VERSION_HEADER = "Tracefetch-Plan-Version";

  /** Set on plans mapped from another image: the image whose traces the plan was merged from. */
  static final String SOURCE_HEADER = "Tracefetch-Plan-Source";

  /** Set on plans mapped from another image: the share of plan bytes carried over (0..1). */
  static final String COVERAGE_HEADER = "Tracefetch-Plan-Coverage";

  private final PlanService plans;
  private final PlanMetrics metrics;

  PlanController(PlanService plans, PlanMetrics metrics) {
    this.plans = plans;
    this.metrics = metrics;
  }

  @GetMapping(
      path = "/api/v1/apps/{app}/images/{digest}/plan",
      produces = {MediaType.APPLICATION_JSON_VALUE, "application/x-protobuf"})
  @RequiresScope(Scope.READ)
  @Operation(summary = "Current replay plan of an image (protobuf replay file or JSON)")
  ResponseEntity<?> plan(
      @PathVariable String app,
      @PathVariable String digest,
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
      @Parameter(
              description =
                  "Where the image can be pulled (registry/repository[:tag][@digest]). When the"
                      + " image has no traces of its own, the plan of the app's newest other"
                      + " image is mapped onto it using both images' eStargz TOCs.")
          @RequestParam(name = "image_reference", required = false)
          String imageReference,
      WebRequest request) {
    long started = System.nanoTime();
    boolean protobuf = prefersProtobuf(accept);
    String format = protobuf ? "protobuf" : "json";
    String outcome = "error";
    try {
      StoredPlan plan = plans.current(app, digest, Optional.ofNullable(imageReference));
      String etag = plan.etag(format);
      if (request.checkNotModified(etag)) {
        outcome = "not_modified";
        return null;
      }
      HttpHeaders headers = new HttpHeaders();
      headers.setContentType(protobuf ? PROTOBUF : MediaType.APPLICATION_JSON);
      headers.setETag(etag);
      headers.set(HttpHeaders.VARY, HttpHeaders.ACCEPT);
      headers.set(VERSION_HEADER, Long.toString(plan.version()));
      Provenance provenance = plan.plan().getProvenance();
      if (!provenance.getSourceManifestDigest().isEmpty()
          && !provenance.getSourceManifestDigest().equals(plan.manifestDigest())) {
        headers.set(SOURCE_HEADER, provenance.getSourceManifestDigest());
        headers.set(COVERAGE_HEADER, String.format(Locale.ROOT, "%.4f", provenance.getCoverage()));
      }
      ResponseEntity<?> response =
          protobuf
              ? new ResponseEntity<>(plan.fileResource(), headers, HttpStatus.OK)
              : new ResponseEntity<>(plan.json(), headers, HttpStatus.OK);
      outcome = "ok";
      return response;
    } catch (NotFoundException e) {
      outcome = "not_found";
      throw e;
    } finally {
      metrics.request("rest", format, outcome, System.nanoTime() - started);
    }
  }

  /** Protobuf when the client ranks it at least as high as JSON; JSON for wildcards. */
  static boolean prefersProtobuf(String accept) {
    if (accept == null || accept.isBlank()) {
      return false;
    }
    double protobuf = 0;
    double json = 0;
    for (MediaType type : MediaType.parseMediaTypes(accept)) {
      double q = type.getQualityValue();
      if (type.isWildcardType() || type.isWildcardSubtype()) {
        continue;
      }
      if (type.isCompatibleWith(PROTOBUF)) {
        protobuf = Math.max(protobuf, q);
      } else if (type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
        json = Math.max(json, q);
      }
    }
    return protobuf > 0 && protobuf >= json;
  }
}
