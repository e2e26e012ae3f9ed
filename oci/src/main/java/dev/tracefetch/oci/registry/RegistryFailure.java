package dev.tracefetch.oci.registry;

import java.util.List;
import java.util.Objects;

/**
 * The context of a failed registry call, kept apart from the message so callers can react to it
 * (e.g. "which digest was missing") without parsing text.
 *
 * @param action what was being done, e.g. {@code pull manifest}
 * @param registry the registry, {@code host[:port]}
 * @param repository the repository, or null for registry-wide calls (ping)
 * @param target the digest, tag or range involved, or null
 * @param statusCode the HTTP status, or -1 when no answer came
 * @param errorCodes the {@code errors[].code} values of the registry's error body (never null)
 */
public record RegistryFailure(
    String action,
    String registry,
    String repository,
    String target,
    int statusCode,
    List<String> errorCodes) {

  public RegistryFailure {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(registry, "registry");
    errorCodes = errorCodes == null ? List.of() : List.copyOf(errorCodes);
  }

  /** The failure of {@code action} without an HTTP answer. */
  public static RegistryFailure of(
      String action, String registry, String repository, String target) {
    return new RegistryFailure(action, registry, repository, target, -1, List.of());
  }

  /** This failure with the HTTP status and error codes of the answer. */
  public RegistryFailure withStatus(int status, List<String> codes) {
    return new RegistryFailure(action, registry, repository, target, status, codes);
  }

  String describe(String reason) {
    StringBuilder sb = new StringBuilder(action).append(" failed (registry ").append(registry);
    if (repository != null) {
      sb.append(", repository ").append(repository);
    }
    if (target != null) {
      sb.append(", ").append(target);
    }
    sb.append(')');
    if (statusCode > 0) {
      sb.append(": HTTP ").append(statusCode);
    }
    if (!errorCodes.isEmpty()) {
      sb.append(' ').append(errorCodes);
    }
    if (reason != null && !reason.isEmpty()) {
      sb.append(": ").append(reason);
    }
    return sb.toString();
  }
}
