package dev.tracefetch.store.auth;

import dev.tracefetch.store.error.InvalidInputException;
import java.util.Locale;

/**
 * What a token may do. Nodes and recorders get {@code upload} (optionally for some apps only),
 * dashboards and replayers {@code read}; {@code admin} manages tokens, deletes traces and implies
 * the other two.
 */
public enum Scope {
  UPLOAD,
  READ,
  ADMIN;

  /** The lower-case name used on the command line, in JSON and in the database. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Scope parse(String text) {
    for (Scope scope : values()) {
      if (scope.wireName().equalsIgnoreCase(text.strip())) {
        return scope;
      }
    }
    throw new InvalidInputException(
        "Unknown scope", "unknown scope '" + text + "'; expected upload, read or admin");
  }
}
