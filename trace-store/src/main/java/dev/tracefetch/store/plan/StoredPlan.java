package dev.tracefetch.store.plan;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.tracefetch.api.v1.ReplayPlan;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.Resource;

/**
 * One version of the replay plan of an image, ready to serve in both wire forms: the replay file
 * bytes (as stored) and JSON, rendered once on first request.
 */
public final class StoredPlan {
  private final long imageId;
  private final long version;
  private final Instant createdAt;
  private final ReplayPlan plan;
  private final byte[] fileBytes;
  private final Resource fileResource;
  private volatile byte[] json;

  public StoredPlan(
      long imageId, long version, Instant createdAt, ReplayPlan plan, byte[] fileBytes) {
    this.imageId = imageId;
    this.version = version;
    this.createdAt = createdAt;
    this.plan = plan;
    this.fileBytes = fileBytes.clone();
    this.fileResource = new SharedBytes(this.fileBytes, "replay plan version " + version);
  }

  /** Streams a shared array; never hands the array itself out. */
  private static final class SharedBytes extends AbstractResource {
    private final byte[] bytes;
    private final String description;

    SharedBytes(byte[] bytes, String description) {
      this.bytes = bytes;
      this.description = description;
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(bytes);
    }

    @Override
    public long contentLength() {
      return bytes.length;
    }

    @Override
    public boolean exists() {
      return true;
    }

    @Override
    public String getDescription() {
      return description;
    }

    @Override
    public boolean equals(Object other) {
      return this == other;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  public long imageId() {
    return imageId;
  }

  public long version() {
    return version;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public ReplayPlan plan() {
    return plan;
  }

  public String app() {
    return plan.getApp();
  }

  public String manifestDigest() {
    return plan.getManifestDigest();
  }

  /**
   * The plan as a replay file, as a resource that streams the one stored array: serving a cached
   * plan copies nothing (the array itself is never handed out).
   */
  public Resource fileResource() {
    return fileResource;
  }

  /**
   * Strong ETag of one wire form of this version: {@code "v<version>-<format>"}, or for a plan
   * mapped from another image {@code "v<version>-from-<source digest prefix>-<format>"}.
   */
  public String etag(String format) {
    String source = plan.getProvenance().getSourceManifestDigest();
    String from =
        source.isEmpty() || source.equals(plan.getManifestDigest())
            ? ""
            : "-from-"
                + source.substring(
                    source.indexOf(':') + 1, Math.min(source.length(), source.indexOf(':') + 17));
    return "\"v" + version + from + "-" + format + "\"";
  }

  /** The plan as a replay file (header + zstd protobuf); a fresh copy. */
  public byte[] fileBytes() {
    return fileBytes.clone();
  }

  /** The plan as protobuf JSON; a fresh copy. */
  public byte[] json() {
    byte[] rendered = json;
    if (rendered == null) {
      try {
        rendered = JsonFormat.printer().print(plan).getBytes(StandardCharsets.UTF_8);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("replay plan cannot be printed as JSON", e);
      }
      json = rendered;
    }
    return rendered.clone();
  }
}
