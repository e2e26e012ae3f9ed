package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the replay plan for a mounted image by asking the configured sources in order. Nothing it
 * meets is fatal: a source that is not configured, has nothing, cannot be reached or holds a plan
 * for another image is noted and the next one is asked; with no plan the mount stays a plain lazy
 * mount. Thread-safe if its lookups are.
 */
public final class PlanDiscovery {
  /**
   * Largest replay file read from any source: plans are a few hundred KiB; this bounds what a
   * hostile registry or store can make a node hold in memory.
   */
  public static final long MAX_PLAN_BYTES = 64L << 20;

  /** The limits every plan is read with. */
  public static final ReadLimits READ_LIMITS = new ReadLimits(MAX_PLAN_BYTES);

  private final Map<PlanSource, PlanLookup> lookups;

  /** Discovery with explicit lookups (tests, or a subset of sources). */
  public PlanDiscovery(Map<PlanSource, PlanLookup> lookups) {
    this.lookups = Map.copyOf(new EnumMap<>(lookups));
  }

  /**
   * All four sources: the file system, the image's registry through {@code client} (trace layer,
   * referrers) and the trace store over HTTP with {@code storeTimeout} per request.
   */
  public static PlanDiscovery standard(RegistryClient client, Duration storeTimeout) {
    Map<PlanSource, PlanLookup> all = new EnumMap<>(PlanSource.class);
    all.put(PlanSource.FILE, new ReplayFileLookup());
    all.put(PlanSource.LAYER, new TraceLayerLookup(client));
    all.put(PlanSource.REFERRER, new ReferrerLookup(client));
    all.put(PlanSource.STORE, new TraceStoreLookup(storeTimeout));
    return new PlanDiscovery(all);
  }

  /** The replay-file source alone (for processes without a registry client, and tests). */
  public static PlanLookup fileLookup() {
    return new ReplayFileLookup();
  }

  /** Tries the query's sources in order and returns the first plan that fits the image. */
  public DiscoveryResult discover(MountedImage image, PlanQuery query) {
    List<String> notes = new ArrayList<>();
    for (PlanSource source : query.order()) {
      PlanLookup lookup = lookups.get(source);
      if (lookup == null) {
        notes.add(source + ": not available in this process");
        continue;
      }
      LookupResult result;
      try {
        result = lookup.find(image, query);
      } catch (IOException | RuntimeException e) {
        notes.add(source + ": failed: " + message(e));
        continue;
      }
      if (result instanceof LookupResult.Absent absent) {
        notes.add(source + ": " + absent.reason());
        continue;
      }
      LookupResult.Found found = (LookupResult.Found) result;
      ReplayPlan accepted;
      try {
        accepted = PlanCheck.check(found.plan(), image, source, found.source());
      } catch (PlanRefusedException e) {
        notes.add(source + ": refused: " + e.getMessage());
        continue;
      }
      notes.add(source + ": found " + found.source());
      return new DiscoveryResult(Optional.of(new FoundPlan(accepted, found.source())), notes);
    }
    return new DiscoveryResult(Optional.empty(), notes);
  }

  private static String message(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
