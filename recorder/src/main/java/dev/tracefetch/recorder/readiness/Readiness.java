package dev.tracefetch.recorder.readiness;

import dev.tracefetch.api.v1.Readiness.Kind;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * When an application counts as started: the end of a recording. Parsed from {@code --ready}
 * ({@code exit}, {@code log:REGEX}, {@code tcp:PORT}, {@code http:URL}) so each kind carries
 * exactly the value it needs.
 */
public sealed interface Readiness {
  /** The trace's readiness kind. */
  Kind kind();

  /** What the trace records as detail (regex, port, URL). */
  String detail();

  /** The process exited (with code 0, or it counts as a failure). */
  record Exit() implements Readiness {
    @Override
    public Kind kind() {
      return Kind.EXIT;
    }

    @Override
    public String detail() {
      return "";
    }
  }

  /** A line on stdout or stderr matched. */
  record Log(Pattern pattern) implements Readiness {
    @Override
    public Kind kind() {
      return Kind.LOG;
    }

    @Override
    public String detail() {
      return pattern.pattern();
    }
  }

  /** A TCP port on the loopback interface accepted a connection. */
  record Tcp(int port) implements Readiness {
    public Tcp {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("TCP port must be in 1..65535, got " + port);
      }
    }

    @Override
    public Kind kind() {
      return Kind.TCP;
    }

    @Override
    public String detail() {
      return Integer.toString(port);
    }
  }

  /** An HTTP GET answered 2xx. */
  record Http(URI url) implements Readiness {
    @Override
    public Kind kind() {
      return Kind.HTTP;
    }

    @Override
    public String detail() {
      return url.toString();
    }
  }

  /**
   * Parses a {@code --ready} value.
   *
   * @throws IllegalArgumentException naming the value and what was expected
   */
  static Readiness parse(String value) {
    String v = value.trim();
    int colon = v.indexOf(':');
    String kind = (colon < 0 ? v : v.substring(0, colon)).toLowerCase(Locale.ROOT);
    String arg = colon < 0 ? "" : v.substring(colon + 1);
    switch (kind) {
      case "exit":
        if (colon >= 0) {
          throw new IllegalArgumentException("--ready exit takes no value, got '" + value + "'");
        }
        return new Exit();
      case "log":
        try {
          if (arg.isEmpty()) {
            throw new IllegalArgumentException("--ready log: needs a regular expression");
          }
          return new Log(Pattern.compile(arg));
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "--ready log: '"
                  + arg
                  + "' is not a valid regular expression: "
                  + e.getDescription());
        }
      case "tcp":
        try {
          return new Tcp(Integer.parseInt(arg));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--ready tcp: needs a port number, got '" + arg + "'");
        }
      case "http":
      case "https":
        // Both "http:http://h/x" and the bare "http://h/x" are accepted.
        String url = kind.equals("http") && !arg.startsWith("//") ? arg : v;
        try {
          URI u = URI.create(url);
          if (u.getScheme() == null
              || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
              || u.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL");
          }
          return new Http(u);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "--ready http: needs an http(s) URL, got '" + url + "'");
        }
      default:
        throw new IllegalArgumentException(
            "unknown --ready '" + value + "': expected exit, log:REGEX, tcp:PORT or http:URL");
    }
  }
}
