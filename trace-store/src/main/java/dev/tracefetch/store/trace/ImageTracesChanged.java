package dev.tracefetch.store.trace;

import java.util.Objects;
import java.util.Optional;

/**
 * Published inside the transaction that added or removed a trace of an image; listeners that act
 * after commit (plan recomputation) see only changes that really happened.
 *
 * @param imageId the image whose set of traces changed
 * @param added the profile of the trace that was added, so that re-ranking can fold it in without
 *     reading it back from the database; empty for a removal
 */
public record ImageTracesChanged(long imageId, Optional<StoredProfile> added) {
  public ImageTracesChanged {
    Objects.requireNonNull(added, "added");
  }

  public static ImageTracesChanged added(long imageId, StoredProfile profile) {
    return new ImageTracesChanged(imageId, Optional.of(profile));
  }

  public static ImageTracesChanged removed(long imageId) {
    return new ImageTracesChanged(imageId, Optional.empty());
  }
}
