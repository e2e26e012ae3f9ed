package dev.tracefetch.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses byte sizes such as {@code 512M}, {@code 10GiB} or {@code 4096} (binary multiples, as
 * {@code --cache-size} users expect from containerd and Docker).
 */
public final class SizeConverter implements ITypeConverter<Long> {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");

  @Override
  public Long convert(String value) {
    return parse(value);
  }

  public static long parse(String value) {
    Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException(
          "invalid size '" + value + "': expected a number with an optional K, M, G or T suffix");
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    long n = Long.parseLong(m.group(1));
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new TypeConversionException("size '" + value + "' is too large");
    }
    return n << shift;
  }
}
