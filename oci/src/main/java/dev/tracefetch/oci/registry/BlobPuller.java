package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.AuthScope;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, from the start or (to resume) from an offset, as a stream
 * positioned at that offset. A registry that ignores {@code Range} and answers 200 sends the whole
 * blob; the leading bytes are then skipped here.
 */
final class BlobPuller implements RegistryEndpoint<BlobPuller.Body> {

  /**
   * The blob's bytes from the requested offset on.
   *
   * @param length how many bytes follow, or -1 when the registry did not say
   */
  record Body(InputStream stream, long length) {}

  private final String repository;
  private final Digest digest;
  private final long offset;

  BlobPuller(String repository, Digest digest, long offset) {
    this.repository = repository;
    this.digest = digest;
    this.offset = offset;
  }

  static HttpUrl blobUrl(HttpUrl base, String repository, Digest digest) {
    return base.newBuilder()
        .addPathSegment("v2")
        .addPathSegments(repository)
        .addPathSegment("blobs")
        .addPathSegment(digest.toString())
        .build();
  }

  @Override
  public String action() {
    return offset == 0 ? "pull blob" : "resume pulling blob at offset " + offset;
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
    return "GET";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return blobUrl(base, repository, digest);
  }

  @Override
  public void addHeaders(Request.Builder request) {
    request.header("Accept-Encoding", "identity");
    if (offset > 0) {
      request.header("Range", "bytes=" + offset + "-");
    }
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
  public boolean transfersBlob() {
    return true;
  }

  @Override
  public Subject subject() {
    return Subject.BLOB;
  }

  @Override
  public Body handle(RegistryResponse response) throws IOException {
    if (offset > 0 && response.code() == 206) {
      ContentRange range = ContentRange.parse(response.header("Content-Range"), response.failure());
      if (range.first() != offset) {
        throw new RegistryProtocolException(
            response.failure(), "asked for bytes from " + offset + ", got Content-Range " + range);
      }
      return new Body(response.detachBody(), range.total() < 0 ? -1 : range.total() - offset);
    }
    if (response.code() != 200) {
      throw new RegistryProtocolException(response.failure(), "unexpected status for a blob GET");
    }
    long length = response.contentLength();
    InputStream in = response.detachBody();
    if (offset > 0) {
      try {
        in.skipNBytes(offset);
      } catch (IOException e) {
        in.close();
        throw e;
      }
    }
    return new Body(in, length < 0 ? -1 : length - offset);
  }
}
