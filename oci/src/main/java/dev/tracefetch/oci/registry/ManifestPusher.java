package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.AuthScope;
import okhttp3.HttpUrl;
import okhttp3.RequestBody;

/**
 * {@code PUT /v2/<name>/manifests/<reference>} with the exact manifest bytes. Idempotent (the same
 * bytes under the same reference), so it is retried like a read. The answer says whether the
 * registry processed a {@code subject} itself ({@code OCI-Subject}); if not, the client maintains
 * the referrers tag.
 */
final class ManifestPusher implements RegistryEndpoint<ManifestPusher.Pushed> {

  /**
   * @param digest the manifest's digest
   * @param subjectProcessed whether the registry answered with {@code OCI-Subject}
   */
  record Pushed(Digest digest, boolean subjectProcessed) {}

  private final String repository;
  private final String reference;
  private final String mediaType;
  private final byte[] bytes;
  private final Digest digest;

  ManifestPusher(String repository, String reference, String mediaType, byte[] bytes) {
    this.repository = repository;
    this.reference = reference;
    this.mediaType = mediaType;
    this.bytes = bytes;
    this.digest = Digest.of(bytes);
  }

  @Override
  public String action() {
    return "push manifest";
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return reference.equals(digest.toString())
        ? reference
        : RepositoryNames.describe(reference) + " (" + digest + ")";
  }

  @Override
  public String method() {
    return "PUT";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return ManifestPuller.manifestUrl(base, repository, reference);
  }

  @Override
  public RequestBody body() {
    return RequestBodies.bytes(bytes, mediaType);
  }

  @Override
  public AuthScope scope() {
    return AuthScope.repository(repository, "pull", "push");
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
  public Pushed handle(RegistryResponse response) throws RegistryProtocolException {
    String echoed = response.header("Docker-Content-Digest");
    if (echoed != null
        && echoed.trim().startsWith("sha256:")
        && !echoed.trim().equals(digest.toString())) {
      throw new RegistryProtocolException(
          response.failure(), "registry stored the manifest as " + echoed.trim());
    }
    return new Pushed(digest, response.header("OCI-Subject") != null);
  }
}
