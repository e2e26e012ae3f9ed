package dev.tracefetch.replayer.metrics;

import java.util.Locale;

/**
 * Writes the Prometheus text exposition format (0.0.4) by hand: the node process exports a few
 * dozen series, not worth a metrics library on the FUSE path.
 */
final class PrometheusWriter {
  private final StringBuilder b = new StringBuilder();

  PrometheusWriter counter(String name, String help, String labels, long v) {
    header(name, help, "counter");
    return sample(name, labels, v);
  }

  PrometheusWriter gauge(String name, String help, String labels, double v) {
    header(name, help, "gauge");
    return sample(name, labels, v);
  }

  PrometheusWriter header(String name, String help, String type) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  PrometheusWriter sample(String name, String labels, double v) {
    b.append(name).append('{').append(labels).append("} ");
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      b.append((long) v);
    } else {
      b.append(String.format(Locale.ROOT, "%.6g", v));
    }
    b.append('\n');
    return this;
  }

  /** {@code name="value"} with the value escaped as the format requires. */
  static String label(String name, String value) {
    return name
        + "=\""
        + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
        + "\"";
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
