package dev.tracefetch.store.plan;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.store.catalog.Catalog;
import dev.tracefetch.store.catalog.CatalogRepository;
import dev.tracefetch.store.catalog.ImageRef;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.trace.StoredFile;
import dev.tracefetch.store.trace.TraceRepository;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Serves the current replay plan of an image and computes new versions. Reads come from {@link
 * PlanCache} or the newest stored version; they never trigger a computation. Computation runs when
 * the traces of an image change (see {@link PlanRecomputer}) and stores a new version with the
 * scores of every trace in one transaction.
 */
@Service
public class PlanService {
  private static final Logger log = LoggerFactory.getLogger(PlanService.class);

  private final Catalog catalog;
  private final CatalogRepository catalogRepository;
  private final TraceRepository traces;
  private final PlanRepository plans;
  private final PlanCache cache;
  private final PlanComputer computer;
  private final PlanProperties properties;
  private final PlanMetrics metrics;
  private final TransactionTemplate tx;
  private final Clock clock;

  public PlanService(
      Catalog catalog,
      CatalogRepository catalogRepository,
      TraceRepository traces,
      PlanRepository plans,
      PlanCache cache,
      PlanComputer computer,
      PlanProperties properties,
      PlanMetrics metrics,
      TransactionTemplate tx,
      Clock clock) {
    this.catalog = catalog;
    this.catalogRepository = catalogRepository;
    this.traces = traces;
    this.plans = plans;
    this.cache = cache;
    this.computer = computer;
    this.properties = properties;
    this.metrics = metrics;
    this.tx = tx;
    this.clock = clock;
  }

  /**
   * The current plan for the image {@code manifestDigest} of {@code app}.
   *
   * @throws NotFoundException unknown app or image, or no plan computed yet
   */
  public StoredPlan current(String app, String manifestDigest) {
    Optional<StoredPlan> cached = cache.get(app, manifestDigest);
    if (cached.isPresent()) {
      return cached.get();
    }
    ImageRef image = catalog.image(app, manifestDigest);
    PlanRepository.PlanRow row =
        plans
            .latest(image.id())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "No plan yet",
                        "no replay plan has been computed yet for app '"
                            + app
                            + "' image "
                            + manifestDigest));
    StoredPlan plan = toStoredPlan(row);
    cache.put(plan);
    return plan;
  }

  /** Images whose plans missed a change of their traces. */
  List<Long> stalePlans() {
    return plans.stalePlans();
  }

  /**
   * Ranks all traces of the image, merges the best and stores the result as the next plan version.
   * Callers serialise calls per image ({@link PlanRecomputer}); across instances the row lock taken
   * while storing keeps versions unique.
   */
  void recompute(long imageId) {
    Optional<ImageRef> found = catalogRepository.findImage(imageId);
    if (found.isEmpty()) {
      return;
    }
    ImageRef image = found.get();
    Instant snapshot = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<LoadedTrace> loaded = new ArrayList<>();
    for (StoredFile file : traces.files(imageId)) {
      try {
        loaded.add(
            new LoadedTrace(
                file.id(),
                file.uploadedAt(),
                TraceFiles.read(file.bytes(), ReadLimits.defaults())));
      } catch (IOException e) {
        log.warn(
            "stored trace unreadable, left out of plan id={} reason={}", file.id(), e.getMessage());
      }
    }
    long started = System.nanoTime();
    PlanComputation computation =
        metrics.timeRanking(
            () ->
                computer.compute(
                    new PlanInput(
                        image.app(),
                        image.manifestDigest(),
                        loaded,
                        snapshot,
                        properties.topK(),
                        properties.minSupport())));
    long rankingMillis = (System.nanoTime() - started) / 1_000_000;
    StoredPlan stored =
        tx.execute(
            status -> {
              if (!plans.lockImage(imageId)) {
                return null;
              }
              long version = plans.nextVersion(imageId);
              ReplayPlan plan =
                  computation.plan().toBuilder()
                      .setApp(image.app())
                      .setManifestDigest(image.manifestDigest())
                      .setVersion(version)
                      .setCreatedUnixMicros(ChronoUnit.MICROS.between(Instant.EPOCH, snapshot))
                      .build();
              byte[] bytes = ReplayFiles.toBytes(plan);
              plans.insert(imageId, version, bytes, loaded.size(), snapshot);
              plans.saveScores(computation.ranking(), version, snapshot);
              plans.prune(imageId, version, properties.keepVersions());
              return new StoredPlan(imageId, version, snapshot, plan, bytes);
            });
    if (stored == null) {
      metrics.recomputed("image_gone");
      cache.evict(image.app(), image.manifestDigest());
      return;
    }
    metrics.recomputed("stored");
    cache.put(stored);
    log.info(
        "plan computed app={} image={} version={} traces={} merged={} layers={} rankingMillis={}",
        image.app(),
        image.manifestDigest(),
        stored.version(),
        loaded.size(),
        computation.ranking().stream().filter(TraceJudgement::inPlan).count(),
        stored.plan().getLayersCount(),
        rankingMillis);
  }

  private static StoredPlan toStoredPlan(PlanRepository.PlanRow row) {
    try {
      ReplayPlan plan = ReplayFiles.read(row.bytes(), ReadLimits.defaults());
      return new StoredPlan(row.imageId(), row.version(), row.createdAt(), plan, row.bytes());
    } catch (IOException e) {
      throw new IllegalStateException(
          "stored plan version " + row.version() + " of image " + row.imageId() + " is unreadable",
          e);
    }
  }
}
