package dev.tracefetch.store.plan;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.planner.ChunkDigestTable;
import dev.tracefetch.planner.ImagePlanner;
import dev.tracefetch.planner.InconsistentTraceException;
import dev.tracefetch.planner.PlanHeader;
import dev.tracefetch.planner.PlanResult;
import dev.tracefetch.planner.ProfileFormatException;
import dev.tracefetch.planner.RankingState;
import dev.tracefetch.planner.ScoredTrace;
import dev.tracefetch.planner.TraceProfile;
import dev.tracefetch.planner.TraceProfileCodec;
import dev.tracefetch.store.catalog.Catalog;
import dev.tracefetch.store.catalog.CatalogRepository;
import dev.tracefetch.store.catalog.ImageRef;
import dev.tracefetch.store.digest.ImageDigestTables;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.trace.StoredProfile;
import dev.tracefetch.store.trace.TraceMetadata;
import dev.tracefetch.store.trace.TraceRepository;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Serves the current replay plan of an image and computes new versions. Reads come from {@link
 * PlanCache} or the newest stored version; they never trigger a computation. Computation runs when
 * the traces of an image change (see {@link PlanRecomputer}): the image's ranking state is brought
 * up to date incrementally (only added traces' profiles are decoded, deleted ones dropped), ranked
 * and merged by the {@code ranking} package, and stored as the next version together with every
 * trace's score, in one transaction.
 */
@Service
public class PlanService {
  private static final Logger log = LoggerFactory.getLogger(PlanService.class);

  private final Catalog catalog;
  private final CatalogRepository catalogRepository;
  private final TraceRepository traces;
  private final ImageDigestTables digestTables;
  private final PlanRepository plans;
  private final PlanCache cache;
  private final ImageStates states;
  private final ImagePlanner planner;
  private final PlanProperties properties;
  private final PlanMetrics metrics;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final HandedOverProfiles handedOver;
  private final CrossImagePlans crossImage;

  public PlanService(
      Catalog catalog,
      CatalogRepository catalogRepository,
      TraceRepository traces,
      ImageDigestTables digestTables,
      PlanRepository plans,
      PlanCache cache,
      ImageStates states,
      ImagePlanner planner,
      PlanProperties properties,
      PlanMetrics metrics,
      TransactionTemplate tx,
      Clock clock,
      CrossImagePlans crossImage) {
    this.catalog = catalog;
    this.catalogRepository = catalogRepository;
    this.traces = traces;
    this.digestTables = digestTables;
    this.plans = plans;
    this.cache = cache;
    this.states = states;
    this.planner = planner;
    this.properties = properties;
    this.metrics = metrics;
    this.tx = tx;
    this.clock = clock;
    this.handedOver = new HandedOverProfiles(properties.handOverBytes().toBytes());
    this.crossImage = crossImage;
  }

  /** Keeps the profile of a trace just added to the image for its next recomputation. */
  void handOver(long imageId, StoredProfile profile) {
    handedOver.offer(imageId, profile);
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
    Optional<StoredPlan> expired = cache.expired(app, manifestDigest);
    if (expired.isPresent()) {
      StoredPlan plan = expired.get();
      if (plans.latestVersion(plan.imageId()).orElse(-1L) == plan.version()) {
        cache.put(plan); // still current: keep serving it for another ttl
        return plan;
      }
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

  /**
   * The plan for image {@code manifestDigest} of {@code app}: its own when traces of it were merged
   * into one, else, when {@code imageReference} says where the image is, the plan of the app's
   * newest other image mapped onto it (see {@link CrossImagePlans}).
   *
   * @throws NotFoundException no own plan and nothing to map from (or no reference given)
   */
  public StoredPlan current(String app, String manifestDigest, Optional<String> imageReference) {
    if (imageReference.isEmpty() || imageReference.get().isBlank()) {
      return current(app, manifestDigest);
    }
    TraceMetadata.checkDigest(manifestDigest);
    try {
      StoredPlan own = current(app, manifestDigest);
      if (own.plan().getProvenance().getTracesCount() > 0) {
        return own;
      }
    } catch (NotFoundException e) {
      // No traces of this image yet: carry a plan over from another image.
    }
    return crossImage.plan(app, manifestDigest, imageReference.get().strip(), this::current);
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
      states.evict(imageId);
      digestTables.evict(imageId);
      return;
    }
    ImageRef image = found.get();
    Instant snapshot = clock.instant().truncatedTo(ChronoUnit.MICROS);
    long createdMicros = ChronoUnit.MICROS.between(Instant.EPOCH, snapshot);
    long started = System.nanoTime();
    ImageState state = update(imageId, states.get(imageId).orElse(ImageState.EMPTY));
    PlanResult result =
        metrics.timeRanking(
            () -> planner.plan(state.ranked(), snapshot, new PlanHeader(0, createdMicros)));
    List<TraceJudgement> judgements = judgements(result, state);
    long rankingMillis = (System.nanoTime() - started) / 1_000_000;
    StoredPlan stored =
        tx.execute(
            status -> {
              if (!plans.lockImage(imageId)) {
                return null;
              }
              long version = plans.nextVersion(imageId);
              ReplayPlan plan =
                  result.plan().toBuilder()
                      .setApp(image.app())
                      .setManifestDigest(image.manifestDigest())
                      .setVersion(version)
                      .setCreatedUnixMicros(createdMicros)
                      .build();
              byte[] bytes = ReplayFiles.toBytes(plan);
              plans.insert(imageId, version, bytes, state.traceCount(), snapshot);
              plans.saveScores(judgements, version, snapshot);
              plans.prune(imageId, version, properties.keepVersions());
              return new StoredPlan(imageId, version, snapshot, plan, bytes);
            });
    if (stored == null) {
      metrics.recomputed("image_gone");
      states.evict(imageId);
      cache.evict(image.app(), image.manifestDigest());
      return;
    }
    states.put(imageId, state);
    metrics.recomputed("stored");
    cache.put(stored);
    log.info(
        "plan computed app={} image={} version={} traces={} merged={} leftOut={} layers={}"
            + " rankingMillis={}",
        image.app(),
        image.manifestDigest(),
        stored.version(),
        state.traceCount(),
        result.merged().size(),
        state.leftOut().size(),
        stored.plan().getLayersCount(),
        rankingMillis);
  }

  /**
   * Brings {@code previous} in line with the traces the image has now: drops deleted traces,
   * decodes and adds the profiles of new ones. A profile that does not fit the others is left out
   * with its reason instead of failing the whole image.
   */
  private ImageState update(long imageId, ImageState previous) {
    Set<String> current = new HashSet<>();
    for (UUID id : traces.ids(imageId)) {
      current.add(id.toString());
    }
    // Read after the trace ids: a trace's digests commit with it, so every trace seen has them.
    ChunkDigestTable digests = digestTables.refreshed(imageId);
    RankingState ranked = previous.ranked();
    for (TraceProfile held : ranked.profiles()) {
      if (!current.contains(held.traceId())) {
        ranked = ranked.minus(held.traceId());
      }
    }
    Map<String, String> leftOut = new HashMap<>(previous.leftOut());
    leftOut.keySet().retainAll(current);
    Map<UUID, byte[]> inMemory = handedOver.take(imageId);
    List<StoredProfile> added = new ArrayList<>();
    List<UUID> missing = new ArrayList<>();
    for (String id : current) {
      if (ranked.profile(id).isEmpty() && !leftOut.containsKey(id)) {
        UUID uuid = UUID.fromString(id);
        byte[] bytes = inMemory.get(uuid);
        if (bytes != null) {
          added.add(new StoredProfile(uuid, bytes));
        } else {
          missing.add(uuid);
        }
      }
    }
    added.addAll(traces.profiles(imageId, missing));
    for (StoredProfile stored : added) {
      String id = stored.id().toString();
      try {
        ranked = ranked.plus(TraceProfileCodec.decode(stored.bytes(), ranked.catalog(), digests));
      } catch (InconsistentTraceException e) {
        log.info("trace left out of ranking id={} reason={}", id, e.getMessage());
        leftOut.put(id, "left out of ranking: " + e.getMessage());
      } catch (ProfileFormatException e) {
        log.warn("stored profile unreadable id={} reason={}", id, e.getMessage());
        leftOut.put(id, "left out of ranking: stored profile unreadable: " + e.getMessage());
      }
    }
    return new ImageState(ranked, leftOut);
  }

  private static List<TraceJudgement> judgements(PlanResult result, ImageState state) {
    List<TraceJudgement> judgements = new ArrayList<>();
    for (ScoredTrace scored : result.ranking().traces()) {
      judgements.add(
          new TraceJudgement(
              UUID.fromString(scored.traceId()),
              scored.score(),
              scored.reasons(),
              result.inPlan(scored.traceId())));
    }
    state
        .leftOut()
        .forEach(
            (id, reason) ->
                judgements.add(new TraceJudgement(UUID.fromString(id), 0, List.of(reason), false)));
    return judgements;
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
