package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.AuthScope;
import okhttp3.HttpUrl;
import okhttp3.RequestBody;

/**
 * {@code PUT <location>?digest=<digest>}: closes an upload session, either carrying the whole blob
 * (monolithic upload) or nothing (after PATCHed chunks). The registry checks the digest; the {@code
 * Docker-Content-Digest} it answers with is checked here too.
 */
final class BlobUploadCompleter implements RegistryEndpoint<Digest> {
  private final String repository;
  private final Digest digest;
  private final HttpUrl location;
  private final BlobSource wholeBlob;

  /**
   * @param wholeBlob the blob for a monolithic upload, or null when chunks were already sent
   */
  BlobUploadCompleter(String repository, Digest digest, HttpUrl location, BlobSource wholeBlob) {
    this.repository = repository;
    this.digest = digest;
    this.location = location;
    this.wholeBlob = wholeBlob;
  }

  @Override
  public String action() {
    return wholeBlob == null ? "complete chunked blob upload" : "upload blob";
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return digest.toString();
  }

  @Override
  public String method() {
    return "PUT";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return location.newBuilder().addQueryParameter("digest", digest.toString()).build();
  }

  @Override
  public RequestBody body() {
    return wholeBlob == null
        ? RequestBodies.empty()
        : RequestBodies.slice(wholeBlob, 0, wholeBlob.size());
  }

  @Override
  public AuthScope scope() {
    return AuthScope.repository(repository, "pull", "push");
  }

  @Override
  public boolean retryable() {
    return false;
  }

  @Override
  public boolean transfersBlob() {
    return wholeBlob != null;
  }

  @Override
  public Digest handle(RegistryResponse response) throws RegistryProtocolException {
    if (response.code() != 201) {
      throw new RegistryProtocolException(
          response.failure(), "expected 201 Created when closing the upload");
    }
    String echoed = response.header("Docker-Content-Digest");
    if (echoed != null
        && echoed.startsWith("sha256:")
        && !echoed.trim().equals(digest.toString())) {
      throw new RegistryProtocolException(
          response.failure(), "registry stored the blob as " + echoed.trim());
    }
    return digest;
  }
}
