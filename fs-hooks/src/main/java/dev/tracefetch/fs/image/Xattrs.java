package dev.tracefetch.fs.image;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Extended attributes of one entry (for example {@code security.capability}, which a binary needs
 * to keep its file capabilities). Values are binary; the map and its arrays are copied in and out,
 * so an instance is immutable and safe to share between FUSE threads.
 */
public final class Xattrs {
  /** No extended attributes. */
  public static final Xattrs NONE = new Xattrs(new TreeMap<>());

  /** Longest attribute name Linux accepts ({@code XATTR_NAME_MAX}). */
  public static final int MAX_NAME_LENGTH = 255;

  /** Largest attribute value Linux accepts ({@code XATTR_SIZE_MAX}). */
  public static final int MAX_VALUE_LENGTH = 65536;

  private final SortedMap<String, byte[]> values;

  private Xattrs(SortedMap<String, byte[]> values) {
    this.values = values;
  }

  /** Copies {@code values}; rejects empty or over-long names and over-long values. */
  public static Xattrs of(Map<String, byte[]> values) {
    Objects.requireNonNull(values, "values");
    if (values.isEmpty()) {
      return NONE;
    }
    TreeMap<String, byte[]> copy = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "xattr name");
      byte[] value = Objects.requireNonNull(e.getValue(), "value of xattr " + name);
      if (name.isEmpty() || name.indexOf('\0') >= 0 || name.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException("invalid xattr name '" + name + "'");
      }
      if (value.length > MAX_VALUE_LENGTH) {
        throw new IllegalArgumentException(
            "xattr " + name + " has " + value.length + " bytes, more than " + MAX_VALUE_LENGTH);
      }
      copy.put(name, value.clone());
    }
    return new Xattrs(copy);
  }

  /** The value of attribute {@code name} (a copy), if present. */
  public Optional<byte[]> get(String name) {
    byte[] v = values.get(name);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  /** All attributes, sorted by name (copies of the values). */
  public SortedMap<String, byte[]> asMap() {
    TreeMap<String, byte[]> copy = new TreeMap<>();
    values.forEach((k, v) -> copy.put(k, v.clone()));
    return Collections.unmodifiableSortedMap(copy);
  }

  /** Attribute names in sorted order. */
  public java.util.Set<String> names() {
    return Collections.unmodifiableSet(values.keySet());
  }

  public boolean isEmpty() {
    return values.isEmpty();
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
    return "Xattrs" + values.keySet();
  }
}
