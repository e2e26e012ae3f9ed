package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageIndex;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.testing.PushedImage;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Artifacts that refer to an image through {@code subject}, on Debian's registry 2.8, which has no
 * referrers API: the client maintains the {@code sha256-<hex>} tag schema itself.
 */
class ReferrersIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static final String TRACE_TYPE = "application/vnd.tracefetch.trace.v1";
  private static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

  private static Descriptor pushArtifact(
      RegistryClient client, String repo, Descriptor subject, String artifactType, String payload)
      throws Exception {
    byte[] blob = payload.getBytes(StandardCharsets.UTF_8);
    Descriptor layer = Descriptor.ofContent("application/vnd.tracefetch.trace.v1+zstd", blob);
    client.pushBlob(repo, layer.digest(), BlobSource.of(blob));
    Descriptor config = Descriptor.ofContent(MediaTypes.OCI_EMPTY, EMPTY_CONFIG);
    client.pushBlob(repo, config.digest(), BlobSource.of(EMPTY_CONFIG));
    RawManifest artifact =
        new ImageManifest(
                MediaTypes.OCI_MANIFEST,
                config,
                List.of(layer),
                subject,
                artifactType,
                Map.of("dev.tracefetch.app", payload))
            .toRaw();
    Digest d = client.pushManifest(repo, artifact.digest().toString(), artifact);
    assertThat(d).isEqualTo(artifact.digest());
    return artifact.descriptor();
  }

  @Test
  void referrersFallbackRoundTripsAnArtifactWithSubject() throws Exception {
    try (RegistryClient client = REGISTRY.newClient()) {
      TestImage image =
          TestImage.builder().layer(TestLayer.builder().file("app", "bin").build()).build();
      PushedImage pushed = image.push(client, "refs/app", "v1");
      Descriptor subject = pushed.manifestDescriptor();
      assertThat(Descriptor.ofContent(MediaTypes.OCI_EMPTY, EMPTY_CONFIG).digest().toString())
          .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");

      assertThat(client.referrers("refs/app", subject.digest(), null)).isEmpty();

      Descriptor trace = pushArtifact(client, "refs/app", subject, TRACE_TYPE, "web");
      List<Descriptor> found = client.referrers("refs/app", subject.digest(), null);
      assertThat(found).hasSize(1);
      Descriptor ref = found.get(0);
      assertThat(ref.digest()).isEqualTo(trace.digest());
      assertThat(ref.size()).isEqualTo(trace.size());
      assertThat(ref.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(ref.artifactType()).isEqualTo(TRACE_TYPE);
      assertThat(ref.annotations()).containsEntry("dev.tracefetch.app", "web");

      // The referrer itself comes back byte-identical and points at the image.
      ImageManifest back =
          (ImageManifest) client.pullManifest("refs/app", ref.digest().toString()).parse();
      assertThat(back.subject()).isEqualTo(subject);

      // A second referrer of another type; pushing the first again adds no duplicate.
      Descriptor other =
          pushArtifact(client, "refs/app", subject, "application/vnd.example.sbom", "sbom");
      pushArtifact(client, "refs/app", subject, TRACE_TYPE, "web");
      assertThat(client.referrers("refs/app", subject.digest(), null))
          .extracting(Descriptor::digest)
          .containsExactly(trace.digest(), other.digest());
      assertThat(client.referrers("refs/app", subject.digest(), TRACE_TYPE))
          .extracting(Descriptor::digest)
          .containsExactly(trace.digest());
      assertThat(client.referrers("refs/app", subject.digest(), "application/none")).isEmpty();

      // It is the tag schema that holds them: an OCI index under sha256-<hex>.
      String tag = "sha256-" + subject.digest().hex();
      assertThat(client.listTags("refs/app")).contains(tag, "v1");
      RawManifest index = client.pullManifest("refs/app", tag);
      assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
      assertThat(((ImageIndex) index.parse()).manifests()).hasSize(2);

      // Referrers of an image nobody refers to, or in a repository that does not exist.
      assertThat(client.referrers("refs/app", Digest.ofUtf8("other"), null)).isEmpty();
      assertThat(client.referrers("refs/none", subject.digest(), null)).isEmpty();
    }
  }
}
