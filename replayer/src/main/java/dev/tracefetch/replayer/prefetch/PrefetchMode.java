package dev.tracefetch.replayer.prefetch;

import java.util.Locale;

/**
 * What a mount prefetches: one enum for the command line, the node daemon's mount requests and the
 * mount session that acts on it.
 */
public enum PrefetchMode {
  /** Replay the plan given (or found); plain lazy loading without one. */
  PLAN,
  /** Each eStargz layer's prioritized files (bytes before the landmark), as stargz does. */
  LANDMARK,
  /** Every chunk of the image. */
  ALL,
  /** Nothing: plain lazy loading. */
  NONE;

  /** The lower-case name used on the command line and in mount requests. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a lower-case (or any case) mode name.
   *
   * @throws IllegalArgumentException naming the valid modes
   */
  public static PrefetchMode parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "invalid prefetch mode '" + value + "': expected plan, landmark, all or none");
    }
  }
}
