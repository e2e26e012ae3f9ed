package dev.tracefetch.oci.registry;

import okhttp3.HttpUrl;

/** Reads the {@code Location} of an upload session, which may be relative to the registry. */
final class BlobUploadLocation {
  private BlobUploadLocation() {}

  static HttpUrl resolve(RegistryResponse response) throws RegistryProtocolException {
    String location = response.header("Location");
    HttpUrl base = response.requestUrl();
    HttpUrl url = location == null ? null : base.resolve(location);
    if (url == null) {
      throw new RegistryProtocolException(
          response.failure(), "upload answer without a usable Location header (" + location + ")");
    }
    return url;
  }
}
