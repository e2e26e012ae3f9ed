package dev.tracefetch.replayer.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges several mounts' Prometheus expositions into one: each metric family once, with its HELP
 * and TYPE lines first and every mount's samples after them, as the text format requires.
 */
final class PrometheusText {
  private PrometheusText() {}

  static String merge(List<String> expositions) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    Map<String, List<String>> samples = new LinkedHashMap<>();
    for (String text : expositions) {
      String family = "";
      for (String line : text.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
          family = line.substring(7).split(" ", 2)[0];
          List<String> h = headers.computeIfAbsent(family, f -> new ArrayList<>());
          if (!h.contains(line)) {
            h.add(line);
          }
          continue;
        }
        samples.computeIfAbsent(family, f -> new ArrayList<>()).add(line);
      }
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      e.getValue().forEach(l -> b.append(l).append('\n'));
      samples.getOrDefault(e.getKey(), List.of()).forEach(l -> b.append(l).append('\n'));
    }
    return b.toString();
  }
}
