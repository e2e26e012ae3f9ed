package dev.tracefetch.layer.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * PAX extended-header records of an entry that the tar model does not interpret itself (for example
 * {@code atime}, {@code ctime}, {@code LIBARCHIVE.*}). They are carried through a conversion
 * unchanged so that re-writing a layer loses nothing a later reader might care about. Values are
 * raw bytes: PAX values are nominally UTF-8 but real archives put binary data in them.
 */
public final class PaxRecords {
  private static final PaxRecords EMPTY = new PaxRecords(new TreeMap<>());

  private final SortedMap<String, byte[]> records;

  private PaxRecords(SortedMap<String, byte[]> records) {
    this.records = records;
  }

  public static PaxRecords empty() {
    return EMPTY;
  }

  /** Copies {@code records}; keys must be non-empty and free of NUL and '='. */
  public static PaxRecords of(Map<String, byte[]> records) {
    if (records.isEmpty()) {
      return EMPTY;
    }
    TreeMap<String, byte[]> copy = new TreeMap<>();
    records.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, "PAX key");
          Objects.requireNonNull(value, "value of PAX record " + key);
          if (key.isEmpty() || key.indexOf('\0') >= 0 || key.indexOf('=') >= 0) {
            throw new IllegalArgumentException("invalid PAX record key '" + key + "'");
          }
          copy.put(key, value.clone());
        });
    return new PaxRecords(copy);
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }

  public SortedSet<String> keys() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(records.keySet()));
  }

  /** A copy of the value of {@code key}, or null when absent. */
  public byte[] value(String key) {
    byte[] v = records.get(key);
    return v == null ? null : v.clone();
  }

  /** A mutable copy, sorted by key. */
  public SortedMap<String, byte[]> toMap() {
    TreeMap<String, byte[]> copy = new TreeMap<>();
    records.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PaxRecords other) || other.records.size() != records.size()) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : records.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.records.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<String, byte[]> e : records.entrySet()) {
      h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    records.forEach(
        (k, v) -> {
          if (sb.length() > 1) {
            sb.append(", ");
          }
          sb.append(k).append('=').append(new String(v, StandardCharsets.UTF_8));
        });
    return sb.append('}').toString();
  }
}
