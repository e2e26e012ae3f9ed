package dev.tracefetch.recorder.session;

import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.recorder.readiness.Readiness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything one build-time recording needs, validated: which image and application, what to run
 * (overrides of the image config), when the start counts as done, and where scratch data goes.
 *
 * @param cacheDir chunk cache to use, or null for a cold private one that is deleted afterwards
 * @param tempParent where the mount point, private cache and sandbox scratch are created
 * @param output receives the application's output lines
 * @param record false runs the same start without the recording decorator (benchmark baseline)
 */
public record RecordRequest(
    ImageReference image,
    String app,
    Readiness readiness,
    Duration timeout,
    Duration grace,
    List<String> env,
    String workdir,
    String user,
    List<String> command,
    Path cacheDir,
    List<String> insecureRegistries,
    Path tempParent,
    Duration fetchTimeout,
    java.util.function.Consumer<String> output,
    boolean record) {
  public RecordRequest {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(tempParent, "tempParent");
    Objects.requireNonNull(output, "output");
    if (app == null || app.isBlank()) {
      throw new IllegalArgumentException("--app is required: traces belong to an application");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--timeout must be positive, got " + timeout);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("--grace must not be negative, got " + grace);
    }
    env = List.copyOf(env);
    command = List.copyOf(command);
    insecureRegistries = List.copyOf(insecureRegistries);
  }
}
