package dev.tracefetch.replayer.metrics;

import java.util.HashMap;
import java.util.Map;

/** Parses the samples of a Prometheus text exposition: {@code name{labels}} to value. */
final class PrometheusSamples {
  private PrometheusSamples() {}

  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }
}
