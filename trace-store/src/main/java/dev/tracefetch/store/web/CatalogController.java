package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.catalog.Catalog;
import dev.tracefetch.store.trace.TraceService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Browse apps, their images, and the ranked traces of an image. */
@RestController
@RequestMapping(path = "/api/v1/apps", produces = MediaType.APPLICATION_JSON_VALUE)
@RequiresScope(Scope.READ)
@Tag(name = "catalog", description = "Apps, images and ranked traces")
class CatalogController {
  private final Catalog catalog;
  private final TraceService traces;

  CatalogController(Catalog catalog, TraceService traces) {
    this.catalog = catalog;
    this.traces = traces;
  }

  @GetMapping
  @Operation(summary = "Apps with traces")
  List<AppResponse> apps() {
    return catalog.apps().stream().map(AppResponse::of).toList();
  }

  @GetMapping("/{app}/images")
  @Operation(summary = "Images of an app, newest first")
  List<ImageResponse> images(@PathVariable String app) {
    return catalog.images(app).stream().map(ImageResponse::of).toList();
  }

  @GetMapping("/{app}/images/{digest}/traces")
  @Operation(summary = "Traces of an image, best ranked first, with scores and reasons")
  List<TraceResponse> traces(@PathVariable String app, @PathVariable String digest) {
    return traces.ranked(app, digest).stream().map(TraceResponse::of).toList();
  }
}
