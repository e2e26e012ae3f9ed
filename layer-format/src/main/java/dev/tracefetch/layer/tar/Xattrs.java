package dev.tracefetch.layer.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Extended attributes of a file: names to raw byte values. Values are binary (for example {@code
 * security.capability}), so they are kept as bytes end to end; this class exists because a {@code
 * Map<String, byte[]>} is neither immutable nor comparable by content. Names are kept sorted, which
 * is also the order in which tar PAX records and eStargz TOC JSON list them. The same class serves
 * the layer readers and writers and the mounted filesystem ({@code security.capability} must reach
 * {@code getxattr} unchanged), so it enforces the limits Linux puts on attributes: an entry the
 * kernel could never have written is rejected where it is read.
 */
public final class Xattrs {
  private static final Xattrs EMPTY = new Xattrs(new TreeMap<>());

  /** Longest attribute name Linux accepts ({@code XATTR_NAME_MAX}), in UTF-8 bytes. */
  public static final int MAX_NAME_LENGTH = 255;

  /** Largest attribute value Linux accepts ({@code XATTR_SIZE_MAX}). */
  public static final int MAX_VALUE_LENGTH = 65536;

  private final SortedMap<String, byte[]> values;

  private Xattrs(SortedMap<String, byte[]> values) {
    this.values = values;
  }

  public static Xattrs empty() {
    return EMPTY;
  }

  /**
   * Copies {@code values}; names must be non-empty, free of NUL and '=' and at most {@value
   * #MAX_NAME_LENGTH} bytes, values at most {@value #MAX_VALUE_LENGTH} bytes.
   */
  public static Xattrs of(Map<String, byte[]> values) {
    if (values.isEmpty()) {
      return EMPTY;
    }
    TreeMap<String, byte[]> copy = new TreeMap<>();
    values.forEach(
        (name, value) -> {
          Objects.requireNonNull(name, "xattr name");
          Objects.requireNonNull(value, "value of xattr " + name);
          if (name.isEmpty()
              || name.indexOf('\0') >= 0
              || name.indexOf('=') >= 0
              || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("invalid xattr name '" + name + "'");
          }
          if (value.length > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException(
                "xattr " + name + " has " + value.length + " bytes, more than " + MAX_VALUE_LENGTH);
          }
          copy.put(name, value.clone());
        });
    return new Xattrs(copy);
  }

  /** A single attribute. */
  public static Xattrs of(String name, byte[] value) {
    return of(Map.of(name, value));
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public int size() {
    return values.size();
  }

  /** Attribute names in sorted order. */
  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(values.keySet()));
  }

  /** A copy of the value of {@code name}, or null when absent. */
  public byte[] value(String name) {
    byte[] v = values.get(name);
    return v == null ? null : v.clone();
  }

  /** A copy of the value of {@code name}, if present. */
  public Optional<byte[]> get(String name) {
    return Optional.ofNullable(value(name));
  }

  /** A mutable copy, sorted by name. */
  public SortedMap<String, byte[]> toMap() {
    TreeMap<String, byte[]> copy = new TreeMap<>();
    values.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Xattrs other) || other.values.size() != values.size()) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.values.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    values.forEach(
        (k, v) -> {
          if (sb.length() > 1) {
            sb.append(", ");
          }
          sb.append(k).append('=').append(Base64.getEncoder().encodeToString(v));
        });
    return sb.append('}').toString();
  }
}
