package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.AuthScope;
import okhttp3.HttpUrl;
import okhttp3.RequestBody;

/**
 * {@code POST /v2/<name>/blobs/uploads/}, optionally with {@code ?mount=<digest>&from=<repo>}:
 * either the blob is mounted from the other repository (201), or an upload session starts (202)
 * whose {@code Location} the next step uses. Repeating it is safe: at worst an unused session is
 * left for the registry to expire.
 */
final class BlobUploadStarter implements RegistryEndpoint<BlobUploadStarter.Outcome> {

  /** A mounted blob, or the URL of a new upload session. */
  sealed interface Outcome permits Mounted, Session {}

  record Mounted() implements Outcome {}

  record Session(HttpUrl location) implements Outcome {}

  private final String repository;
  private final Digest mountDigest;
  private final String mountFrom;

  /** Starts a plain upload session. */
  BlobUploadStarter(String repository) {
    this(repository, null, null);
  }

  /** Tries to mount {@code digest} from {@code from}; a 202 still yields an upload session. */
  BlobUploadStarter(String repository, Digest mountDigest, String mountFrom) {
    this.repository = repository;
    this.mountDigest = mountDigest;
    this.mountFrom = mountFrom;
  }

  @Override
  public String action() {
    return mountDigest == null ? "start blob upload" : "mount blob from " + mountFrom;
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return mountDigest == null ? null : mountDigest.toString();
  }

  @Override
  public String method() {
    return "POST";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    HttpUrl.Builder b =
        base.newBuilder()
            .addPathSegment("v2")
            .addPathSegments(repository)
            .addPathSegment("blobs")
            .addPathSegment("uploads")
            .addPathSegment("");
    if (mountDigest != null) {
      b.addQueryParameter("mount", mountDigest.toString()).addQueryParameter("from", mountFrom);
    }
    return b.build();
  }

  @Override
  public RequestBody body() {
    return RequestBodies.empty();
  }

  @Override
  public AuthScope scope() {
    AuthScope push = AuthScope.repository(repository, "pull", "push");
    return mountFrom == null ? push : push.plus(AuthScope.repository(mountFrom, "pull"));
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public Outcome handle(RegistryResponse response) throws RegistryProtocolException {
    if (response.code() == 201 && mountDigest != null) {
      return new Mounted();
    }
    if (response.code() != 202) {
      throw new RegistryProtocolException(
          response.failure(), "expected 202 Accepted with an upload location");
    }
    return new Session(BlobUploadLocation.resolve(response));
  }
}
