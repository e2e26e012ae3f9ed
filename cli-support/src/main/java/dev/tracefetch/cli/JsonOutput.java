package dev.tracefetch.cli;

import java.io.PrintWriter;
import java.lang.reflect.Array;
import java.util.Map;

/**
 * Writes what a command prints for {@code --json}: one compact JSON document per line on standard
 * output, so scripts can pipe it to {@code jq}. Every tracefetch command builds its result from
 * maps, lists and scalars and prints it with this class; it exists so that cli-support needs no
 * JSON library and all commands escape strings the same (RFC 8259) way.
 *
 * <p>Supported values: {@code null}, {@link Boolean}, {@link Number} (finite), {@link
 * CharSequence}, {@link Enum} (its name), {@link Map} (keys via {@code toString}, insertion order
 * kept, so pass a {@code LinkedHashMap} for stable output), {@link Iterable} and arrays. Anything
 * else is a programming error and throws {@link IllegalArgumentException}.
 */
public final class JsonOutput {
  private JsonOutput() {}

  /** Prints {@code value} as one line of compact JSON and flushes. */
  public static void print(PrintWriter out, Object value) {
    out.println(toJson(value));
    out.flush();
  }

  /** The compact JSON text of {@code value}. */
  public static String toJson(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object value) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no representation for " + d);
      }
      sb.append(value);
    } else if (value instanceof Number n) {
      sb.append(n);
    } else if (value instanceof CharSequence s) {
      string(sb, s);
    } else if (value instanceof Enum<?> e) {
      string(sb, e.name());
    } else if (value instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        if (e.getKey() == null) {
          throw new IllegalArgumentException("JSON object keys must not be null");
        }
        string(sb, e.getKey().toString());
        sb.append(':');
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (value instanceof Iterable<?> it) {
      sb.append('[');
      boolean first = true;
      for (Object o : it) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        write(sb, o);
      }
      sb.append(']');
    } else if (value.getClass().isArray()) {
      sb.append('[');
      for (int i = 0, n = Array.getLength(value); i < n; i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(sb, Array.get(value, i));
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException(
          "cannot write a " + value.getClass().getName() + " as JSON; convert it to a map first");
    }
  }

  private static void string(StringBuilder sb, CharSequence s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
