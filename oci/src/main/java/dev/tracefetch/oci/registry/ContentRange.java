package dev.tracefetch.oci.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Range: bytes first-last/total} header of a 206 answer, checked against what was
 * asked for, so a storage host that returns another range is caught rather than trusted.
 *
 * @param first first byte position
 * @param last last byte position (inclusive)
 * @param total complete length, or -1 for {@code *}
 */
record ContentRange(long first, long last, long total) {
  private static final Pattern P = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

  static ContentRange parse(String header, RegistryFailure failure)
      throws RegistryProtocolException {
    Matcher m = header == null ? null : P.matcher(header.trim());
    if (m == null || !m.matches()) {
      throw new RegistryProtocolException(
          failure, "206 answer with a missing or malformed Content-Range '" + header + "'");
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
    if (last < first || (total >= 0 && last >= total)) {
      throw new RegistryProtocolException(failure, "inconsistent Content-Range '" + header + "'");
    }
    return new ContentRange(first, last, total);
  }

  long length() {
    return last - first + 1;
  }

  @Override
  public String toString() {
    return "bytes " + first + "-" + last + "/" + (total < 0 ? "*" : total);
  }
}
