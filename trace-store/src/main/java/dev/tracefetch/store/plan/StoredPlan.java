package dev.tracefetch.store.plan;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.tracefetch.api.v1.ReplayPlan;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

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
  private volatile byte[] json;

  public StoredPlan(
      long imageId, long version, Instant createdAt, ReplayPlan plan, byte[] fileBytes) {
    this.imageId = imageId;
    this.version = version;
    this.createdAt = createdAt;
    this.plan = plan;
    this.fileBytes = fileBytes.clone();
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
