package dev.tracefetch.replayer.discovery;

import java.io.IOException;

/** One place a plan may be found; {@link PlanDiscovery} asks them in the configured order. */
public interface PlanLookup {

  /**
   * Looks for a plan for {@code image}.
   *
   * @throws IOException when the source is configured but cannot be reached or read, or holds a
   *     malformed file; the message names the source
   */
  LookupResult find(MountedImage image, PlanQuery query) throws IOException;
}
