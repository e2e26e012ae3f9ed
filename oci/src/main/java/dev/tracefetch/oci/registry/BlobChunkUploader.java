package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.AuthScope;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * {@code PATCH <location>} with one chunk of a chunked upload; the answer's {@code Range} must
 * confirm everything up to the chunk's end arrived. Never repeated on its own: a failed chunk
 * restarts the whole upload.
 */
final class BlobChunkUploader implements RegistryEndpoint<HttpUrl> {
  private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-(\\d+)");

  private final String repository;
  private final Digest digest;
  private final HttpUrl location;
  private final BlobSource source;
  private final long offset;
  private final long length;

  BlobChunkUploader(
      String repository,
      Digest digest,
      HttpUrl location,
      BlobSource source,
      long offset,
      long length) {
    this.repository = repository;
    this.digest = digest;
    this.location = location;
    this.source = source;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public String action() {
    return "upload blob chunk";
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return digest + " bytes " + offset + "-" + (offset + length - 1);
  }

  @Override
  public String method() {
    return "PATCH";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return location;
  }

  @Override
  public RequestBody body() {
    return RequestBodies.slice(source, offset, length);
  }

  @Override
  public void addHeaders(Request.Builder request) {
    request.header("Content-Range", offset + "-" + (offset + length - 1));
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
    return true;
  }

  /** The location for the next chunk. */
  @Override
  public HttpUrl handle(RegistryResponse response) throws RegistryProtocolException {
    if (response.code() != 202) {
      throw new RegistryProtocolException(response.failure(), "expected 202 Accepted for a chunk");
    }
    String range = response.header("Range");
    Matcher m = range == null ? null : RANGE.matcher(range.trim());
    long expectedEnd = offset + length - 1;
    if (m != null && m.matches() && Long.parseLong(m.group(1)) != expectedEnd) {
      throw new RegistryProtocolException(
          response.failure(),
          "registry has bytes 0-" + m.group(1) + " after the chunk ending at " + expectedEnd);
    }
    return response.header("Location") == null ? location : BlobUploadLocation.resolve(response);
  }
}
