package dev.tracefetch.store.auth;

import dev.tracefetch.store.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A shell-style glob over app names ({@code web-*}, {@code api-?}) that limits an upload token to
 * some apps, so a leaked node token cannot poison the plans of every application.
 *
 * @param glob the pattern; {@code *} matches any run of characters, {@code ?} exactly one
 */
public record AppPattern(String glob) {
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._*?-]{1,128}");

  public AppPattern {
    if (glob == null || !ALLOWED.matcher(glob).matches()) {
      throw new InvalidInputException(
          "Invalid app pattern",
          "app pattern '"
              + glob
              + "' must be 1-128 characters of letters, digits, '.', '_', '-', '*' or '?'");
    }
  }

  public boolean matches(String app) {
    return toRegex().matcher(app).matches();
  }

  private Pattern toRegex() {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  @Override
  public String toString() {
    return glob;
  }
}
