package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.registry.auth.AuthScope;
import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * {@code GET /v2/<name>/manifests/<reference>}: the exact bytes of a manifest or index. Fetched by
 * digest, the bytes must hash to it; fetched by tag, they must hash to the {@code
 * Docker-Content-Digest} the registry announces, so a corrupted manifest is never returned.
 */
final class ManifestPuller implements RegistryEndpoint<ManifestPuller.Fetched> {
  /** The distribution spec's minimum a registry must accept; larger answers are refused. */
  static final int MAX_MANIFEST_SIZE = 4 * 1024 * 1024;

  /**
   * @param contentType the media type the registry sent, without parameters (may be null)
   */
  record Fetched(String contentType, byte[] bytes, Digest digest) {}

  private final String registry;
  private final String repository;
  private final String reference;
  private final String accept;

  ManifestPuller(String registry, String repository, String reference, String accept) {
    this.registry = registry;
    this.repository = repository;
    this.reference = reference;
    this.accept = accept;
  }

  static HttpUrl manifestUrl(HttpUrl base, String repository, String reference) {
    return base.newBuilder()
        .addPathSegment("v2")
        .addPathSegments(repository)
        .addPathSegment("manifests")
        .addPathSegment(reference)
        .build();
  }

  /** {@code application/json; charset=utf-8} becomes {@code application/json}. */
  static String mediaTypeOf(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String t = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return t.isEmpty() ? null : t;
  }

  @Override
  public String action() {
    return "pull manifest";
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return RepositoryNames.describe(reference);
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return manifestUrl(base, repository, reference);
  }

  @Override
  public void addHeaders(Request.Builder request) {
    request.header("Accept", accept);
  }

  @Override
  public AuthScope scope() {
    return AuthScope.repository(repository, "pull");
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public Subject subject() {
    return Subject.MANIFEST;
  }

  @Override
  public Fetched handle(RegistryResponse response) throws IOException {
    byte[] bytes = response.bytes(MAX_MANIFEST_SIZE);
    Digest actual = Digest.of(bytes);
    String what =
        "manifest " + RepositoryNames.describe(reference) + " in " + registry + "/" + repository;
    if (RepositoryNames.isDigest(reference)) {
      Digest expected = Digest.parse(reference);
      if (!actual.equals(expected)) {
        throw new DigestMismatchException(what, expected, actual);
      }
    } else {
      String announced = response.header("Docker-Content-Digest");
      if (announced != null && announced.trim().startsWith("sha256:")) {
        Digest expected;
        try {
          expected = Digest.parse(announced.trim());
        } catch (IllegalArgumentException e) {
          throw new RegistryProtocolException(
              response.failure(), "malformed Docker-Content-Digest '" + announced + "'");
        }
        if (!actual.equals(expected)) {
          throw new DigestMismatchException(what + " (Docker-Content-Digest)", expected, actual);
        }
      }
    }
    return new Fetched(mediaTypeOf(response.header("Content-Type")), bytes, actual);
  }
}
