package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.registry.auth.AuthScope;
import okhttp3.HttpUrl;

/**
 * {@code DELETE <location>}: releases an upload session that will not be completed. Best effort:
 * registries expire abandoned sessions anyway, so callers ignore its failures.
 */
final class BlobUploadCanceller implements RegistryEndpoint<Void> {
  private final String repository;
  private final HttpUrl location;

  BlobUploadCanceller(String repository, HttpUrl location) {
    this.repository = repository;
    this.location = location;
  }

  @Override
  public String action() {
    return "cancel blob upload";
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return null;
  }

  @Override
  public String method() {
    return "DELETE";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return location;
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
  public boolean accepts(int status) {
    return status == 404;
  }

  @Override
  public Void handle(RegistryResponse response) {
    return null;
  }
}
