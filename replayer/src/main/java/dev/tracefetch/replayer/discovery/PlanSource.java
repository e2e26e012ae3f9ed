package dev.tracefetch.replayer.discovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The places a node looks for a replay plan. They differ in cost and trust (a local file is free
 * and chosen by the operator; the store needs the network and an app name), so the order in which
 * they are tried is configurable, with {@link #DEFAULT_ORDER} as the issue defines it.
 */
public enum PlanSource {
  /** A replay file on the node ({@code --replay FILE}). */
  FILE("file"),
  /** The image's trace top layer. */
  LAYER("layer"),
  /** An OCI 1.1 referrer artifact attached to the image. */
  REFERRER("referrer"),
  /** The central trace store ({@code --store URL --app NAME}). */
  STORE("store");

  /** File, layer, referrer, store. */
  public static final List<PlanSource> DEFAULT_ORDER = List.of(FILE, LAYER, REFERRER, STORE);

  private final String label;

  PlanSource(String label) {
    this.label = label;
  }

  /** The name used on the command line and in logs. */
  public String label() {
    return label;
  }

  /** The source named {@code label} (case-insensitive). */
  public static PlanSource of(String label) {
    String wanted = label.strip().toLowerCase(Locale.ROOT);
    for (PlanSource s : values()) {
      if (s.label.equals(wanted)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown plan source '"
            + label
            + "'; expected one of "
            + String.join(", ", Arrays.stream(values()).map(PlanSource::label).toList()));
  }

  /**
   * Parses a comma-separated order such as {@code store,file}: at least one source, each at most
   * once. Sources left out are not consulted.
   */
  public static List<PlanSource> parseOrder(String csv) {
    if (csv == null || csv.isBlank()) {
      throw new IllegalArgumentException("the plan source order is empty");
    }
    List<PlanSource> order = new ArrayList<>();
    for (String part : csv.split(",", -1)) {
      if (part.isBlank()) {
        throw new IllegalArgumentException("empty entry in plan source order '" + csv + "'");
      }
      PlanSource s = of(part);
      if (order.contains(s)) {
        throw new IllegalArgumentException(
            "plan source '" + s.label + "' appears twice in '" + csv + "'");
      }
      order.add(s);
    }
    return List.copyOf(order);
  }

  @Override
  public String toString() {
    return label;
  }
}
