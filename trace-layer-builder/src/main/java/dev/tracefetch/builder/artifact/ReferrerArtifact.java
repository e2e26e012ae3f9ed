package dev.tracefetch.builder.artifact;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A replay file shipped as an OCI 1.1 artifact whose {@code subject} is the image manifest: the
 * image itself (and its digest, signatures, tags) stays untouched, and a node finds the plan by the
 * image digest through the referrers API or, on registries without one, the {@code sha256-<hex>}
 * tag schema that {@link RegistryClient} maintains.
 *
 * @param manifest the artifact manifest
 * @param replayBlob the replay file (its only layer)
 * @param replay the replay file's descriptor
 */
public record ReferrerArtifact(RawManifest manifest, byte[] replayBlob, Descriptor replay) {
  /** The empty JSON object config of artifacts without a config (image-spec 1.1). */
  public static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.US_ASCII);

  /** Title annotation so that tools such as oras name the file when pulling the artifact. */
  public static final String TITLE_ANNOTATION = "org.opencontainers.image.title";

  public static Descriptor emptyConfig() {
    return Descriptor.ofContent(MediaTypes.OCI_EMPTY, EMPTY_CONFIG);
  }

  /**
   * The artifact for {@code subject} (the image manifest's descriptor) carrying {@code replayFile}
   * for {@code app}, created at {@code created}.
   */
  public static ReferrerArtifact of(
      Descriptor subject, byte[] replayFile, String app, Instant created) {
    Descriptor replay =
        Descriptor.ofContent(ReplayArtifacts.REPLAY_MEDIA_TYPE, replayFile)
            .withAnnotations(Map.of(TITLE_ANNOTATION, "replay.tfr"));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (app != null && !app.isEmpty()) {
      annotations.put(ReplayArtifacts.APP_ANNOTATION, app);
    }
    annotations.put(
        ReplayArtifacts.CREATED_ANNOTATION, created.truncatedTo(ChronoUnit.SECONDS).toString());
    Descriptor subjectOnly = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
    ImageManifest m =
        new ImageManifest(
            MediaTypes.OCI_MANIFEST,
            emptyConfig(),
            List.of(replay),
            subjectOnly,
            ReplayArtifacts.ARTIFACT_TYPE,
            annotations);
    return new ReferrerArtifact(m.toRaw(), replayFile.clone(), replay);
  }

  /**
   * Pushes the blobs, then the manifest by its digest (never a tag, so nothing is half-referenced);
   * the client adds it to the subject's referrers (fallback tag where needed).
   */
  public Digest push(RegistryClient client, String repository) throws IOException {
    client.pushBlob(repository, emptyConfig().digest(), BlobSource.of(EMPTY_CONFIG));
    client.pushBlob(repository, replay.digest(), BlobSource.of(replayBlob));
    return client.pushManifest(repository, manifest.digest().toString(), manifest);
  }
}
