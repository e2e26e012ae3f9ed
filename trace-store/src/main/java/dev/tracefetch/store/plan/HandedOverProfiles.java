package dev.tracefetch.store.plan;

import dev.tracefetch.store.trace.StoredProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Profiles of freshly uploaded traces, handed from the upload to the next recomputation of their
 * image in memory: at a hundred uploads a second, reading each profile back from the database (and
 * the database reading it from TOAST) would be a large share of the work. Bounded by bytes; a
 * profile that does not fit is simply read from the database as before.
 */
final class HandedOverProfiles {
  private final long capacityBytes;
  private final Map<Long, Map<UUID, byte[]>> byImage = new HashMap<>();
  private long bytes;

  HandedOverProfiles(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  synchronized void offer(long imageId, StoredProfile profile) {
    if (bytes + profile.bytes().length > capacityBytes) {
      return;
    }
    byte[] previous =
        byImage.computeIfAbsent(imageId, id -> new HashMap<>()).put(profile.id(), profile.bytes());
    bytes += profile.bytes().length - (previous == null ? 0 : previous.length);
  }

  /** Removes and returns every profile handed over for the image. */
  synchronized Map<UUID, byte[]> take(long imageId) {
    Map<UUID, byte[]> taken = byImage.remove(imageId);
    if (taken == null) {
      return Map.of();
    }
    for (byte[] profile : taken.values()) {
      bytes -= profile.length;
    }
    return taken;
  }

  synchronized long bytes() {
    return bytes;
  }
}
