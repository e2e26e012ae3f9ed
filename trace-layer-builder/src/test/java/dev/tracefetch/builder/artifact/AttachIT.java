package dev.tracefetch.builder.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.testing.BuilderCli;
import dev.tracefetch.builder.testing.BuilderCli.Run;
import dev.tracefetch.builder.testing.Tools;
import dev.tracefetch.builder.testing.TracedImages;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attach} against Debian's registry 2.8, which has no referrers API: the artifact must be
 * found through the {@code sha256-<hex>} tag fallback, and the image must stay the same.
 */
class AttachIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  static IndexedImage v1;
  static String host;

  @TempDir Path dir;

  @BeforeAll
  static void pushImage() throws IOException {
    host = REGISTRY.hostPort();
    try (RegistryClient client = REGISTRY.newClient()) {
      v1 = TracedImages.push(client, "app", "v1", TracedImages.base(), TracedImages.app(1));
    }
  }

  @Test
  void attachesAReferrerWithoutChangingTheImage() throws Exception {
    Path trace =
        TracedImages.write(
            TracedImages.reading(v1, "web", "bin/start", "app/main.py"), dir.resolve("t.trace"));

    Run run =
        BuilderCli.run(
            "attach", "--image", host + "/app:v1", "--trace", trace.toString(), "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = run.json();
    Digest artifactDigest = Digest.parse(json.get("artifact").get("digest").asText());
    try (RegistryClient client = REGISTRY.newClient()) {
      assertThat(client.pullManifest("app", "v1").digest()).isEqualTo(v1.digest());
      List<Descriptor> referrers =
          client.referrers("app", v1.digest(), ReplayArtifacts.ARTIFACT_TYPE);
      assertThat(referrers).extracting(Descriptor::digest).containsExactly(artifactDigest);
      assertThat(referrers.get(0).annotations())
          .containsEntry(ReplayArtifacts.APP_ANNOTATION, "web");
      // Registry 2.8 has no referrers API, so the client kept the tag-schema index.
      assertThat(client.listTags("app")).contains("sha256-" + v1.digest().hex());

      RawManifest raw = client.pullManifest("app", artifactDigest.toString());
      ImageManifest artifact = ImageManifest.parse(raw.mediaType(), raw.bytes());
      assertThat(artifact.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(artifact.artifactType()).isEqualTo(ReplayArtifacts.ARTIFACT_TYPE);
      assertThat(artifact.subject().digest()).isEqualTo(v1.digest());
      assertThat(artifact.subject().mediaType()).isEqualTo(v1.raw().mediaType());
      assertThat(artifact.subject().size()).isEqualTo(v1.raw().size());
      assertThat(artifact.config().mediaType()).isEqualTo(MediaTypes.OCI_EMPTY);
      assertThat(artifact.annotations())
          .containsEntry(ReplayArtifacts.APP_ANNOTATION, "web")
          .containsKey(ReplayArtifacts.CREATED_ANNOTATION);
      assertThat(artifact.layers()).hasSize(1);
      Descriptor replay = artifact.layers().get(0);
      assertThat(replay.mediaType()).isEqualTo(ReplayArtifacts.REPLAY_MEDIA_TYPE);
      ReplayPlan plan;
      try (InputStream in = client.fetchBlob("app", replay)) {
        plan = ReplayFiles.read(in, ReadLimits.defaults());
      }
      assertThat(plan.getManifestDigest()).isEqualTo(v1.digest().toString());
      assertThat(plan.getApp()).isEqualTo("web");
    }

    // skopeo reads the artifact and the referrers index, and copies the artifact.
    JsonNode rawArtifact =
        new ObjectMapper()
            .readTree(
                Tools.skopeo(
                    "inspect",
                    "--raw",
                    "--tls-verify=false",
                    "docker://" + host + "/app@" + artifactDigest));
    assertThat(rawArtifact.get("subject").get("digest").asText()).isEqualTo(v1.digest().toString());
    JsonNode index =
        new ObjectMapper()
            .readTree(
                Tools.skopeo(
                    "inspect",
                    "--raw",
                    "--tls-verify=false",
                    "docker://" + host + "/app:sha256-" + v1.digest().hex()));
    assertThat(index.get("manifests").get(0).get("digest").asText())
        .isEqualTo(artifactDigest.toString());
    Tools.skopeo(
        "copy",
        "--src-tls-verify=false",
        "docker://" + host + "/app@" + artifactDigest,
        "oci:" + dir.resolve("artifact") + ":replay");
    assertThat(dir.resolve("artifact").resolve("blobs/sha256").resolve(artifactDigest.hex()))
        .isRegularFile();
  }

  @Test
  void refusesAnOciLayoutAndATraceForAnotherApp() throws Exception {
    Path trace =
        TracedImages.write(TracedImages.reading(v1, "web", "bin/start"), dir.resolve("t.trace"));

    Run layout =
        BuilderCli.run(
            "attach", "--image", "oci:" + dir.resolve("nothing"), "--trace", trace.toString());
    assertThat(layout.exitCode()).isIn(1, 2);
    assertThat(layout.err()).startsWith("trace-layer-builder attach: ");

    Run otherApp =
        BuilderCli.run(
            "attach", "--image", host + "/app:v1", "--trace", trace.toString(), "--app", "db");
    assertThat(otherApp.exitCode()).isEqualTo(1);
    assertThat(otherApp.err()).contains("belongs to app 'web', not 'db'");
    try (RegistryClient client = REGISTRY.newClient()) {
      assertThat(client.referrers("app", v1.digest(), ReplayArtifacts.ARTIFACT_TYPE))
          .allSatisfy(
              d ->
                  assertThat(d.annotations())
                      .doesNotContainEntry(ReplayArtifacts.APP_ANNOTATION, "db"));
    }
  }
}
