package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.registry.auth.AuthScope;
import java.io.IOException;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * {@code GET /v2/<name>/referrers/<digest>[?artifactType=]}: the index of manifests whose {@code
 * subject} is the digest. Empty when the registry answers 404, i.e. has no referrers API (Debian's
 * registry 2.8), and the caller falls back to the {@code sha256-<hex>} tag schema.
 */
final class ReferrersPuller implements RegistryEndpoint<Optional<ReferrersPuller.Listing>> {

  /**
   * @param index the index bytes
   * @param filtered whether the registry applied the artifactType filter ({@code
   *     OCI-Filters-Applied})
   */
  record Listing(byte[] index, boolean filtered) {}

  private final String repository;
  private final Digest subject;
  private final String artifactType;

  ReferrersPuller(String repository, Digest subject, String artifactType) {
    this.repository = repository;
    this.subject = subject;
    this.artifactType = artifactType;
  }

  @Override
  public String action() {
    return "list referrers";
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return subject.toString();
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    HttpUrl.Builder b =
        base.newBuilder()
            .addPathSegment("v2")
            .addPathSegments(repository)
            .addPathSegment("referrers")
            .addPathSegment(subject.toString());
    if (artifactType != null) {
      b.addQueryParameter("artifactType", artifactType);
    }
    return b.build();
  }

  @Override
  public void addHeaders(Request.Builder request) {
    request.header("Accept", MediaTypes.OCI_INDEX);
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
  public Optional<Listing> handle(RegistryResponse response) throws IOException {
    if (response.code() == 404) {
      return Optional.empty();
    }
    String filters = response.header("OCI-Filters-Applied");
    boolean filtered = filters != null && filters.contains("artifactType");
    return Optional.of(new Listing(response.bytes(ManifestPuller.MAX_MANIFEST_SIZE), filtered));
  }
}
