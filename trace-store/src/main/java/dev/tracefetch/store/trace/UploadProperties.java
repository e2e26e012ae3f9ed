package dev.tracefetch.store.trace;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on uploaded traces.
 *
 * @param maxSize largest trace file accepted (REST body, multipart file, gRPC stream); larger
 *     uploads get 413 / RESOURCE_EXHAUSTED and nothing is stored
 * @param maxPayloadSize largest uncompressed protobuf payload inside a trace file, checked before
 *     decompressing, so a small hostile file cannot claim gigabytes of memory
 */
@ConfigurationProperties("tracestore.upload")
public record UploadProperties(
    @DefaultValue("64MB") DataSize maxSize, @DefaultValue("256MB") DataSize maxPayloadSize) {

  public UploadProperties {
    if (maxSize.toBytes() <= 0 || maxSize.toBytes() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "tracestore.upload.max-size must be between 1 byte and 2 GiB, got " + maxSize);
    }
  }

  public long maxBytes() {
    return maxSize.toBytes();
  }
}
