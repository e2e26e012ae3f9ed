package dev.tracefetch.oci.image;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A registry image reference such as {@code localhost:5000/app:tag}, {@code
 * registry.example.com/ns/app@sha256:...} or {@code ubuntu}, parsed and normalised the way Docker
 * and the distribution reference grammar do: a first path component is a registry host only if it
 * contains {@code .} or {@code :}, is {@code localhost}, or is a bracketed IPv6 address; otherwise
 * the image lives on Docker Hub ({@code docker.io}, API host {@code registry-1.docker.io}), where
 * one-component names get the {@code library/} prefix. Without tag and digest the tag is {@code
 * latest}. Immutable and validated: an invalid repository, tag or digest never gets this far.
 */
public final class ImageReference implements ImageSource {
  /** The display name of Docker Hub. */
  public static final String DOCKER_HUB = "docker.io";

  /** The host that serves Docker Hub's registry API. */
  public static final String DOCKER_HUB_API = "registry-1.docker.io";

  private static final String DEFAULT_TAG = "latest";

  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:"
              + DOMAIN_COMPONENT
              + "(?:\\."
              + DOMAIN_COMPONENT
              + ")*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY =
      Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
  private static final int MAX_NAME_LENGTH = 255;

  private final String domain;
  private final String repository;
  private final String tag;
  private final Digest digest;

  private ImageReference(String domain, String repository, String tag, Digest digest) {
    this.domain = domain;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
  }

  /**
   * Parses {@code [registry[:port]/]repository[:tag][@digest]}.
   *
   * @throws IllegalArgumentException naming the input and what is wrong with it
   */
  public static ImageReference parse(String input) {
    if (input == null || input.isEmpty()) {
      throw new IllegalArgumentException("invalid image reference: empty");
    }
    String rest = input;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String d = rest.substring(at + 1);
      rest = rest.substring(0, at);
      try {
        digest = Digest.parse(d);
      } catch (IllegalArgumentException e) {
        throw invalid(input, e.getMessage());
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/') && colon > rest.lastIndexOf(']')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(
            input,
            "tag '"
                + tag
                + "' must be 1-128 characters of [A-Za-z0-9_.-], not starting with '.' or '-'");
      }
    }
    if (rest.isEmpty()) {
      throw invalid(input, "repository name is empty");
    }
    String domain = DOCKER_HUB;
    String path = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".")
          || first.contains(":")
          || first.startsWith("[")
          || first.equals("localhost")) {
        domain = first;
        path = rest.substring(slash + 1);
        if (!DOMAIN.matcher(domain).matches()) {
          throw invalid(input, "registry host '" + domain + "' is not a valid host[:port]");
        }
      }
    }
    if (domain.equals("index.docker.io")) {
      domain = DOCKER_HUB;
    }
    if (domain.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
      path = "library/" + path;
    }
    if (!REPOSITORY.matcher(path).matches()) {
      String hint =
          path.chars().anyMatch(Character::isUpperCase)
              ? " (repository names must be lowercase)"
              : "";
      throw invalid(
          input,
          "repository '"
              + path
              + "' must be lowercase alphanumeric components separated by '/', "
              + "joined within by '.', '_', '__' or dashes"
              + hint);
    }
    if (domain.length() + 1 + path.length() > MAX_NAME_LENGTH) {
      throw invalid(input, "name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(domain, path, tag, digest);
  }

  /** The display registry: {@code docker.io} for Docker Hub, else host[:port] as written. */
  public String domain() {
    return domain;
  }

  /**
   * The registry API endpoint as {@code host[:port]} ({@code [v6addr]:port} for IPv6): {@code
   * registry-1.docker.io} for Docker Hub.
   */
  public String registry() {
    return domain.equals(DOCKER_HUB) ? DOCKER_HUB_API : domain;
  }

  /** The registry host without port (IPv6 keeps its brackets). */
  public String host() {
    String r = registry();
    int close = r.lastIndexOf(']');
    int colon = r.lastIndexOf(':');
    return colon > close ? r.substring(0, colon) : r;
  }

  /** The registry port if one was written. */
  public Optional<Integer> port() {
    String r = registry();
    int close = r.lastIndexOf(']');
    int colon = r.lastIndexOf(':');
    return colon > close ? Optional.of(Integer.parseInt(r.substring(colon + 1))) : Optional.empty();
  }

  /** The repository name, e.g. {@code library/ubuntu} or {@code ns/app}. */
  public String repository() {
    return repository;
  }

  /** The tag; {@code latest} when neither tag nor digest was given, empty for digest-only. */
  public Optional<String> tag() {
    return Optional.ofNullable(tag);
  }

  public Optional<Digest> digest() {
    return Optional.ofNullable(digest);
  }

  /** What to ask the registry for: the digest if present, else the tag. */
  public String reference() {
    return digest != null ? digest.toString() : tag;
  }

  /**
   * Whether the registry host is a loopback address ({@code localhost}, {@code 127.0.0.0/8}, {@code
   * [::1]}), the only hosts spoken to over plain HTTP without being told to. Decided from the text
   * alone; no name lookup.
   */
  public boolean isLoopback() {
    String h = host();
    if (h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches()) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      String literal = h.substring(1, h.length() - 1);
      try {
        // A literal address is only parsed, never looked up.
        return literal.matches("[0-9a-fA-F:.]+")
            && InetAddress.getByName(literal).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /** A copy with {@code newTag} and no digest. */
  public ImageReference withTag(String newTag) {
    if (newTag == null || !TAG.matcher(newTag).matches()) {
      throw new IllegalArgumentException("invalid tag '" + newTag + "'");
    }
    return new ImageReference(domain, repository, newTag, null);
  }

  /** A copy pinned to {@code newDigest}, keeping the tag for display. */
  public ImageReference withDigest(Digest newDigest) {
    return new ImageReference(domain, repository, tag, Objects.requireNonNull(newDigest));
  }

  /** A copy in the same registry with another repository, same tag, no digest. */
  public ImageReference withRepository(String newRepository) {
    if (newRepository == null || !REPOSITORY.matcher(newRepository).matches()) {
      throw new IllegalArgumentException("invalid repository name '" + newRepository + "'");
    }
    return new ImageReference(domain, newRepository, tag == null ? DEFAULT_TAG : tag, null);
  }

  private static IllegalArgumentException invalid(String input, String why) {
    String shown = input.length() <= 300 ? input : input.substring(0, 297) + "...";
    return new IllegalArgumentException("invalid image reference '" + shown + "': " + why);
  }

  /** The normalised form, {@code domain/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    return domain
        + "/"
        + repository
        + (tag == null ? "" : ":" + tag)
        + (digest == null ? "" : "@" + digest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageReference r
        && r.domain.equals(domain)
        && r.repository.equals(repository)
        && Objects.equals(r.tag, tag)
        && Objects.equals(r.digest, digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, repository, tag, digest);
  }
}
