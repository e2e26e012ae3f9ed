package dev.tracefetch.builder.plan;

import dev.tracefetch.api.files.FileFormatException;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.planner.ImagePlanner;
import dev.tracefetch.planner.InconsistentTraceException;
import dev.tracefetch.planner.InvalidTraceException;
import dev.tracefetch.planner.MappedPlan;
import dev.tracefetch.planner.MappedProfile;
import dev.tracefetch.planner.MappingReport;
import dev.tracefetch.planner.PlanHeader;
import dev.tracefetch.planner.PlanMapper;
import dev.tracefetch.planner.PlanMappingException;
import dev.tracefetch.planner.RankingSettings;
import dev.tracefetch.planner.RankingState;
import dev.tracefetch.planner.TraceProfile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns trace files or a trace-store plan into a verified replay plan for one image: what every
 * builder command ships. Traces recorded on the image itself are checked chunk by chunk against its
 * TOCs, ranked and merged by the planner exactly as the store does. A trace (or store plan)
 * recorded on another image is accepted only when that image can be found and the recording carried
 * over by path + content digest ({@link PlanMapper}); the plan then reports its coverage.
 */
public final class ReplayPlanBuilder {
  private final RankingSettings settings;
  private final SourceImages sources;
  private final Clock clock;
  private final Duration storeTimeout;

  public ReplayPlanBuilder(RankingSettings settings, SourceImages sources, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.sources = Objects.requireNonNull(sources, "sources");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.storeTimeout = Duration.ofSeconds(30);
  }

  /**
   * Builds the plan for {@code target}.
   *
   * @param alsoRecordedOn for a store source, images (manifest digests) whose store plan may be
   *     mapped onto {@code target} when the store has none for it
   */
  public BuiltPlan build(IndexedImage target, PlanSource source, List<String> alsoRecordedOn)
      throws IOException, PlanBuildException {
    if (source instanceof PlanSource.TraceFiles files) {
      return fromTraces(target, files.files(), files.app());
    }
    PlanSource.Store store = (PlanSource.Store) source;
    return fromStore(target, store.url(), store.app(), store.token(), alsoRecordedOn);
  }

  /** Ranks and merges trace files into a plan for {@code target}. */
  public BuiltPlan fromTraces(IndexedImage target, List<Path> files, String app)
      throws IOException, PlanBuildException {
    PlanVerifier targetVerifier = new PlanVerifier(target);
    List<TraceProfile> profiles = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Set<String> recordedElsewhere = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    Totals totals = new Totals();
    String expectedApp = app;
    for (Path file : files) {
      Trace read = readTrace(file);
      String id = file.getFileName().toString();
      while (!seen.add(id)) {
        id = id + "'";
      }
      String what = "trace file " + file;
      int refs = 0;
      for (AccessEvent e : read.getEventsList()) {
        refs += e.getChunksCount();
      }
      if (refs == 0) {
        throw new PlanBuildException(
            what
                + " is empty: it records no chunk reads (was the application started on a lazy"
                + " eStargz mount?)");
      }
      if (expectedApp != null && !read.getApp().isEmpty() && !read.getApp().equals(expectedApp)) {
        throw new PlanBuildException(
            what + " belongs to app '" + read.getApp() + "', not '" + expectedApp + "'");
      }
      if (expectedApp == null) {
        expectedApp = read.getApp();
      }
      Trace trace = read.toBuilder().setApp(expectedApp).build();
      String recordedOn = trace.getManifestDigest();
      if (!recordedOn.isEmpty() && !recordedOn.matches("sha256:[0-9a-f]{64}")) {
        throw new PlanBuildException(
            what + ": manifest_digest '" + recordedOn + "' is not a sha256 digest");
      }
      if (recordedOn.isEmpty() || recordedOn.equals(target.digest().toString())) {
        checkLayers(trace, target, what);
        checkChunks(trace, targetVerifier, what);
        TraceProfile profile = profile(id, normalized(trace, target), what);
        totals.direct(profile);
        profiles.add(profile);
      } else {
        IndexedImage source =
            sources
                .find(recordedOn, trace.getImageReference())
                .orElseThrow(
                    () ->
                        new PlanBuildException(
                            what
                                + " was recorded on image "
                                + recordedOn
                                + describeRef(trace.getImageReference())
                                + ", not on "
                                + target.name()
                                + " ("
                                + target.digest()
                                + "), and that image cannot be found to map the trace by path"
                                + " and content digest; record the trace on "
                                + target.name()
                                + " or make "
                                + recordedOn
                                + " readable in the same repository"));
        checkLayers(trace, source, what);
        checkChunks(trace, new PlanVerifier(source), what);
        TraceProfile onSource = profile(id, normalized(trace, source), what);
        MappedProfile mapped;
        try {
          mapped = new PlanMapper(settings).map(onSource, source.chunkTable(), target.chunkTable());
        } catch (PlanMappingException e) {
          throw new PlanBuildException(what + ": " + e.getMessage(), e);
        }
        if (mapped.report().mappedBytes() == 0 || mapped.profile().chunkCount() == 0) {
          throw new PlanBuildException(
              what
                  + " was recorded on image "
                  + recordedOn
                  + " and none of the "
                  + mapped.report().totalChunks()
                  + " chunks it read exist in "
                  + target.name()
                  + " ("
                  + target.digest()
                  + ") by path and content digest: it is a trace for a different image");
        }
        totals.mapped(mapped.report());
        recordedElsewhere.add(recordedOn);
        profiles.add(mapped.profile());
      }
      ids.add(id);
    }
    RankingState state;
    try {
      state = RankingState.of(profiles);
    } catch (InconsistentTraceException e) {
      throw new PlanBuildException("the traces do not agree: " + e.getMessage(), e);
    }
    Instant now = clock.instant();
    long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    ReplayPlan plan = new ImagePlanner(settings).plan(state, now, new PlanHeader(1, micros)).plan();
    MappingReport mapping = null;
    if (!recordedElsewhere.isEmpty()) {
      mapping = totals.report();
      var provenance = plan.getProvenance().toBuilder().setCoverage(mapping.coverage());
      if (recordedElsewhere.size() == 1 && totals.directChunks == 0) {
        provenance.setSourceManifestDigest(recordedElsewhere.iterator().next());
      }
      plan = plan.toBuilder().setProvenance(provenance).build();
    }
    if (plan.getLayersCount() == 0) {
      throw new PlanBuildException(
          "the traces given agree on no chunk that "
              + target.name()
              + " could prefetch; the plan would be empty");
    }
    targetVerifier.verify(plan, "the merged plan");
    String source =
        files.size() == 1 ? "trace file " + files.get(0) : files.size() + " trace files";
    return new BuiltPlan(plan, source, ids, mapping);
  }

  /** Fetches the store's plan for {@code target} (or maps one for {@code alsoRecordedOn}). */
  public BuiltPlan fromStore(
      IndexedImage target, URI url, String app, String token, List<String> alsoRecordedOn)
      throws IOException, PlanBuildException {
    StoreClient store;
    try {
      store = new StoreClient(url, token, storeTimeout);
    } catch (IllegalArgumentException e) {
      throw new PlanBuildException(e.getMessage(), e);
    }
    String what = "the trace store's plan for app '" + app + "'";
    String digest = target.digest().toString();
    Optional<ReplayPlan> direct = store.fetchPlan(app, digest);
    if (direct.isPresent()) {
      ReplayPlan plan = direct.get();
      if (plan.getManifestDigest().isEmpty()) {
        plan = plan.toBuilder().setManifestDigest(digest).build();
      }
      new PlanVerifier(target).verify(plan, what);
      return new BuiltPlan(
          plan,
          "trace store " + url + " (plan version " + plan.getVersion() + ")",
          traceIds(plan),
          null);
    }
    for (String other : alsoRecordedOn) {
      if (other.equals(digest)) {
        continue;
      }
      Optional<ReplayPlan> found = store.fetchPlan(app, other);
      if (found.isEmpty()) {
        continue;
      }
      IndexedImage source =
          sources
              .find(other, "")
              .orElseThrow(
                  () ->
                      new PlanBuildException(
                          what
                              + " is for image "
                              + other
                              + ", which cannot be found to map it onto "
                              + target.name()));
      ReplayPlan plan = found.get();
      if (plan.getManifestDigest().isEmpty()) {
        plan = plan.toBuilder().setManifestDigest(other).build();
      }
      MappedPlan mapped;
      try {
        mapped = new PlanMapper(settings).map(plan, source.chunkTable(), target.chunkTable());
      } catch (PlanMappingException e) {
        throw new PlanBuildException(what + " for image " + other + ": " + e.getMessage(), e);
      }
      if (mapped.report().mappedBytes() == 0 || mapped.plan().getLayersCount() == 0) {
        throw new PlanBuildException(
            what
                + " is for image "
                + other
                + " and none of its chunks exist in "
                + target.name()
                + " by path and content digest");
      }
      new PlanVerifier(target).verify(mapped.plan(), what + " mapped from " + other);
      return new BuiltPlan(
          mapped.plan(),
          "trace store " + url + " (plan version " + plan.getVersion() + " of image " + other + ")",
          traceIds(plan),
          mapped.report());
    }
    throw new PlanBuildException(
        "the trace store at "
            + url
            + " has no plan for app '"
            + app
            + "' and image "
            + digest
            + " ("
            + target.name()
            + ")"
            + (alsoRecordedOn.isEmpty() ? "" : " nor for " + String.join(", ", alsoRecordedOn))
            + "; upload traces recorded on it first, or name the image they were recorded on"
            + " with --recorded-on");
  }

  private static List<String> traceIds(ReplayPlan plan) {
    List<String> ids = new ArrayList<>();
    plan.getProvenance().getTracesList().forEach(t -> ids.add(t.getTraceId()));
    return ids;
  }

  private static Trace readTrace(Path file) throws IOException, PlanBuildException {
    try {
      return TraceFiles.read(file, ReadLimits.defaults());
    } catch (NoSuchFileException e) {
      throw new PlanBuildException("trace file " + file + " does not exist", e);
    } catch (FileFormatException e) {
      throw new PlanBuildException("trace file " + e.getMessage(), e);
    }
  }

  private static String describeRef(String reference) {
    return reference.isEmpty() ? "" : " (" + reference + ")";
  }

  private static void checkLayers(Trace trace, IndexedImage image, String what)
      throws PlanBuildException {
    if (trace.getLayersCount() == 0) {
      return;
    }
    List<String> traced = new ArrayList<>();
    for (LayerDescriptor l : trace.getLayersList()) {
      traced.add(l.getDigest());
    }
    if (!traced.equals(image.layerDigests())) {
      throw new PlanBuildException(
          what
              + " names layers "
              + traced
              + " but image "
              + image.name()
              + " ("
              + image.digest()
              + ") has "
              + image.layerDigests());
    }
  }

  private static void checkChunks(Trace trace, PlanVerifier verifier, String what)
      throws PlanBuildException {
    for (int e = 0; e < trace.getEventsCount(); e++) {
      AccessEvent event = trace.getEvents(e);
      for (int c = 0; c < event.getChunksCount(); c++) {
        verifier.verify(event.getChunks(c), what + ": event " + e);
      }
    }
  }

  /** The trace with the image's manifest digest and layer list, as the planner needs them. */
  private static Trace normalized(Trace trace, IndexedImage image) {
    Trace.Builder b = trace.toBuilder().setManifestDigest(image.digest().toString()).clearLayers();
    for (Descriptor d : image.layers()) {
      b.addLayers(
          LayerDescriptor.newBuilder()
              .setDigest(d.digest().toString())
              .setMediaType(d.mediaType())
              .setSize(d.size())
              .putAllAnnotations(d.annotations()));
    }
    return b.build();
  }

  private static TraceProfile profile(String id, Trace trace, String what)
      throws PlanBuildException {
    try {
      return TraceProfile.of(id, trace, 0);
    } catch (InvalidTraceException e) {
      throw new PlanBuildException(what + ": " + e.getMessage(), e);
    }
  }

  /** Chunks and bytes recorded vs carried over, summed over all traces. */
  private static final class Totals {
    int directChunks;
    long directBytes;
    int totalChunks;
    int mappedChunks;
    long totalBytes;
    long mappedBytes;
    int exactLayers;
    int remappedLayers;

    void direct(TraceProfile p) {
      directChunks += p.chunkCount();
      directBytes += p.bytesRead();
    }

    void mapped(MappingReport r) {
      totalChunks += r.totalChunks();
      mappedChunks += r.mappedChunks();
      totalBytes += r.totalBytes();
      mappedBytes += r.mappedBytes();
      exactLayers = Math.max(exactLayers, r.exactLayers());
      remappedLayers = Math.max(remappedLayers, r.remappedLayers());
    }

    MappingReport report() {
      return new MappingReport(
          totalChunks + directChunks,
          mappedChunks + directChunks,
          totalBytes + directBytes,
          mappedBytes + directBytes,
          exactLayers,
          remappedLayers);
    }
  }
}
