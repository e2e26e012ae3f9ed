package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.AuthScope;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * {@code HEAD /v2/<name>/manifests/<reference>}: whether a tag or digest exists and what it
 * resolves to, without downloading the manifest (cheap polling for "has the tag moved?").
 */
final class ManifestChecker implements RegistryEndpoint<ManifestChecker.Head> {

  /**
   * @param found false on 404
   * @param mediaType the announced media type, or null
   * @param digest the announced {@code Docker-Content-Digest}, or null when not sent
   * @param size the announced size, or -1
   */
  record Head(boolean found, String mediaType, Digest digest, long size) {}

  private final String repository;
  private final String reference;
  private final String accept;

  ManifestChecker(String repository, String reference, String accept) {
    this.repository = repository;
    this.reference = reference;
    this.accept = accept;
  }

  @Override
  public String action() {
    return "check manifest";
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
    return "HEAD";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return ManifestPuller.manifestUrl(base, repository, reference);
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
  public boolean accepts(int status) {
    return status == 404;
  }

  @Override
  public Subject subject() {
    return Subject.MANIFEST;
  }

  @Override
  public Head handle(RegistryResponse response) throws RegistryProtocolException {
    if (response.code() == 404) {
      return new Head(false, null, null, -1);
    }
    String announced = response.header("Docker-Content-Digest");
    Digest digest = null;
    if (announced != null && announced.trim().startsWith("sha256:")) {
      try {
        digest = Digest.parse(announced.trim());
      } catch (IllegalArgumentException e) {
        throw new RegistryProtocolException(
            response.failure(), "malformed Docker-Content-Digest '" + announced + "'");
      }
    }
    if (RepositoryNames.isDigest(reference)) {
      Digest asked = Digest.parse(reference);
      if (digest != null && !digest.equals(asked)) {
        throw new RegistryProtocolException(
            response.failure(), "asked for " + asked + ", registry announced " + digest);
      }
      digest = asked;
    }
    return new Head(
        true,
        ManifestPuller.mediaTypeOf(response.header("Content-Type")),
        digest,
        response.contentLength());
  }
}
