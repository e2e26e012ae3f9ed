package dev.tracefetch.store.insight;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.catalog.AppOverview;
import dev.tracefetch.store.catalog.Catalog;
import dev.tracefetch.store.catalog.ImageOverview;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.plan.PlanService;
import dev.tracefetch.store.plan.StoredPlan;
import dev.tracefetch.store.trace.TraceRecord;
import dev.tracefetch.store.trace.TraceService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Loads what the insight views are built from through the store's own services, so the views see
 * exactly what the API serves: the catalog, the stored trace files, and the current (cached) plans.
 */
@Service
public class InsightService {
  /** The most timeline events a trace view carries; a browser draws this many points easily. */
  public static final int MAX_TIMELINE_EVENTS = 20_000;

  private final Catalog catalog;
  private final TraceService traces;
  private final PlanService plans;

  public InsightService(Catalog catalog, TraceService traces, PlanService plans) {
    this.catalog = catalog;
    this.traces = traces;
    this.plans = plans;
  }

  /** Every app with its images and plan coverage. */
  public List<AppSummary> apps() {
    List<AppSummary> apps = new ArrayList<>();
    for (AppOverview app : catalog.apps()) {
      List<AppSummary.ImageSummary> images = new ArrayList<>();
      int planned = 0;
      for (ImageOverview image : catalog.images(app.name())) {
        Double coverage = null;
        if (image.planVersion().isPresent()) {
          Optional<StoredPlan> plan = currentPlan(app.name(), image.manifestDigest());
          if (plan.isPresent()) {
            planned++;
            coverage = plan.get().plan().getProvenance().getCoverage();
          }
        }
        images.add(
            new AppSummary.ImageSummary(
                image.manifestDigest(),
                image.imageReference(),
                image.traceCount(),
                image.lastUploadAt().orElse(null),
                image.planVersion().orElse(null),
                coverage));
      }
      apps.add(
          new AppSummary(
              app.name(),
              app.imageCount(),
              app.traceCount(),
              app.lastUploadAt().orElse(null),
              planned,
              images));
    }
    return apps;
  }

  /**
   * The summary of the current plan of an image.
   *
   * @throws NotFoundException unknown app or image, or no plan yet
   */
  public PlanSummary plan(String app, String manifestDigest) {
    StoredPlan plan = plans.current(app, manifestDigest);
    return PlanSummaries.of(plan.plan(), imageLayers(app, manifestDigest));
  }

  /**
   * The view of one trace.
   *
   * @throws NotFoundException no such trace
   */
  public TraceView trace(String id) {
    TraceRecord record = traces.find(id);
    return TraceViews.of(record, parse(id), MAX_TIMELINE_EVENTS);
  }

  /**
   * Two traces compared.
   *
   * @throws NotFoundException either trace does not exist
   */
  public TraceComparison compare(String leftId, String rightId) {
    TraceRecord left = traces.find(leftId);
    TraceRecord right = traces.find(rightId);
    return TraceComparisons.compare(left, parse(leftId), right, parse(rightId));
  }

  private Optional<StoredPlan> currentPlan(String app, String manifestDigest) {
    try {
      return Optional.of(plans.current(app, manifestDigest));
    } catch (NotFoundException e) {
      // The trace count changed between listing and reading (e.g. a delete); no plan to show.
      return Optional.empty();
    }
  }

  /** The image's layers as its best-ranked trace lists them; empty when it has no traces. */
  private List<LayerDescriptor> imageLayers(String app, String manifestDigest) {
    List<TraceRecord> ranked = traces.ranked(app, manifestDigest);
    for (TraceRecord record : ranked) {
      Trace trace = parse(record.id().toString());
      if (trace.getLayersCount() > 0) {
        return trace.getLayersList();
      }
    }
    return List.of();
  }

  private Trace parse(String id) {
    byte[] file = traces.file(id);
    try {
      return TraceFiles.read(file, ReadLimits.defaults());
    } catch (IOException e) {
      // Uploads are parsed before they are stored, so this is damage in the database.
      throw new IllegalStateException("stored trace " + id + " is no longer readable", e);
    }
  }
}
