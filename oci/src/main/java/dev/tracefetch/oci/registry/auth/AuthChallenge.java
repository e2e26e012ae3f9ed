package dev.tracefetch.oci.registry.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header, e.g. {@code Bearer
 * realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"}. The
 * registry tells the client this way how to authenticate; parsing it properly (quoted values with
 * commas, several challenges in one header) is what makes the token flow work against real
 * registries.
 *
 * @param scheme the scheme, e.g. {@code Bearer} or {@code Basic} (case as sent)
 * @param params the auth-params, keys lower-cased, in the order sent
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
  public AuthChallenge {
    Objects.requireNonNull(scheme, "scheme");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public boolean isBearer() {
    return scheme.equalsIgnoreCase("Bearer");
  }

  public boolean isBasic() {
    return scheme.equalsIgnoreCase("Basic");
  }

  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
  }

  /** All challenges in the given header values (a response may carry several headers). */
  public static List<AuthChallenge> parseAll(List<String> headerValues) {
    List<AuthChallenge> out = new ArrayList<>();
    for (String v : headerValues) {
      out.addAll(parse(v));
    }
    return List.copyOf(out);
  }

  /** All challenges in one header value; unparsable fragments are skipped. */
  public static List<AuthChallenge> parse(String header) {
    List<AuthChallenge> out = new ArrayList<>();
    Parser p = new Parser(header == null ? "" : header);
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (p.skipSeparators()) {
      String token = p.token();
      if (token.isEmpty()) {
        p.pos++;
        continue;
      }
      p.skipSpaces();
      if (scheme != null && p.peek() == '=') {
        p.pos++;
        p.skipSpaces();
        String value = p.peek() == '"' ? p.quoted() : p.token();
        params.put(token.toLowerCase(Locale.ROOT), value);
      } else {
        if (scheme != null) {
          out.add(new AuthChallenge(scheme, params));
        }
        scheme = token;
        params = new LinkedHashMap<>();
      }
    }
    if (scheme != null) {
      out.add(new AuthChallenge(scheme, params));
    }
    return out;
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    /** Skips blanks and commas; false at the end. */
    boolean skipSeparators() {
      while (pos < s.length() && (Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == ',')) {
        pos++;
      }
      return pos < s.length();
    }

    void skipSpaces() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    String token() {
      int start = pos;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isWhitespace(c) || c == ',' || c == '=' || c == '"') {
          break;
        }
        pos++;
      }
      return s.substring(start, pos);
    }

    String quoted() {
      StringBuilder sb = new StringBuilder();
      pos++; // opening quote
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '\\' && pos < s.length()) {
          sb.append(s.charAt(pos++));
        } else if (c == '"') {
          break;
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    }
  }
}
