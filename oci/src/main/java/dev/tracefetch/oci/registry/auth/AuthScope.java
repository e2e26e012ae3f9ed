package dev.tracefetch.oci.registry.auth;

import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The access a request needs, in the token protocol's terms ({@code repository:<name>:pull,push}).
 * Bearer tokens are granted per scope, so the client caches them per scope: a token for pulling one
 * repository does not let it push to another.
 *
 * @param entries the scope strings, sorted (so equal scopes are equal keys)
 */
public record AuthScope(Set<String> entries) {
  private static final Pattern ACTIONS = Pattern.compile("[a-z*]+(,[a-z*]+)*");

  public AuthScope {
    entries = Collections.unmodifiableSortedSet(new TreeSet<>(entries));
  }

  /** No scope: enough for the {@code /v2/} ping. */
  public static AuthScope none() {
    return new AuthScope(Set.of());
  }

  /** {@code repository:<name>:<actions>}, e.g. {@code repository("app", "pull", "push")}. */
  public static AuthScope repository(String name, String... actions) {
    String joined = String.join(",", Arrays.asList(actions));
    if (!ACTIONS.matcher(joined).matches()) {
      throw new IllegalArgumentException("invalid scope actions '" + joined + "'");
    }
    return new AuthScope(Set.of("repository:" + name + ":" + joined));
  }

  /** Space-separated scopes as a challenge's {@code scope} parameter carries them. */
  public static AuthScope parse(String spaceSeparated) {
    Set<String> s = new TreeSet<>();
    for (String part : spaceSeparated.trim().split("\\s+")) {
      if (!part.isEmpty()) {
        s.add(part);
      }
    }
    return new AuthScope(s);
  }

  public AuthScope plus(AuthScope other) {
    Set<String> s = new TreeSet<>(entries);
    s.addAll(other.entries);
    return new AuthScope(s);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public String toString() {
    return String.join(" ", entries);
  }
}
