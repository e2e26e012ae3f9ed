package dev.tracefetch.planner;

import java.util.Locale;

/** Number formatting for reasons: fixed locale, so reasons read the same on every server. */
final class Formats {
  private Formats() {}

  static String bytes(double bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    double value = bytes;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    if (unit == 0) {
      return String.format(Locale.ROOT, "%.0f B", value);
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  static String duration(long micros) {
    if (micros < 1_000_000) {
      return String.format(Locale.ROOT, "%d ms", micros / 1000);
    }
    return String.format(Locale.ROOT, "%.1f s", micros / 1e6);
  }

  static String age(long micros) {
    double seconds = micros / 1e6;
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    if (seconds < 2 * 86400) {
      return String.format(Locale.ROOT, "%.0f h", seconds / 3600);
    }
    return String.format(Locale.ROOT, "%.0f d", seconds / 86400);
  }

  static String fraction(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
