package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.AuthScope;
import java.util.OptionalLong;
import okhttp3.HttpUrl;

/** {@code HEAD /v2/<name>/blobs/<digest>}: whether a blob exists, and its size. */
final class BlobChecker implements RegistryEndpoint<OptionalLong> {
  private final String repository;
  private final Digest digest;

  BlobChecker(String repository, Digest digest) {
    this.repository = repository;
    this.digest = digest;
  }

  @Override
  public String action() {
    return "check blob";
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
    return "HEAD";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return BlobPuller.blobUrl(base, repository, digest);
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
  public boolean followRedirects() {
    return true;
  }

  @Override
  public boolean accepts(int status) {
    return status == 404;
  }

  @Override
  public Subject subject() {
    return Subject.BLOB;
  }

  /** The size, or empty when the blob is not there. */
  @Override
  public OptionalLong handle(RegistryResponse response) {
    if (response.code() == 404) {
      return OptionalLong.empty();
    }
    long size = response.contentLength();
    return size >= 0 ? OptionalLong.of(size) : OptionalLong.of(-1);
  }
}
