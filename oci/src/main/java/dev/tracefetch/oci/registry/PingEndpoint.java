package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.registry.auth.AuthScope;
import okhttp3.HttpUrl;

/**
 * {@code GET /v2/}: whether the registry speaks the distribution API and accepts our credentials.
 * Doing it first also lets the client learn the auth scheme before real work.
 */
final class PingEndpoint implements RegistryEndpoint<Void> {

  @Override
  public String action() {
    return "ping registry";
  }

  @Override
  public String repository() {
    return null;
  }

  @Override
  public String target() {
    return null;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return base.newBuilder().addPathSegment("v2").addPathSegment("").build();
  }

  @Override
  public AuthScope scope() {
    return AuthScope.none();
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public Void handle(RegistryResponse response) {
    return null;
  }
}
