package dev.tracefetch.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default platform resolution of {@link ImageStore}, over an in-memory store. */
class ImageStoreTest {
  private final Map<String, RawManifest> manifests = new HashMap<>();

  private final ImageStore store =
      new ImageStore() {
        @Override
        public RawManifest manifest(String reference) throws ContentNotFoundException {
          RawManifest m = manifests.get(reference);
          if (m == null) {
            throw new ContentNotFoundException("no manifest " + reference);
          }
          return m;
        }

        @Override
        public InputStream blob(Digest digest) {
          return new ByteArrayInputStream(new byte[0]);
        }
      };

  private RawManifest put(String tag, ManifestOrIndex doc) {
    RawManifest raw = doc.toRaw();
    manifests.put(raw.digest().toString(), raw);
    if (tag != null) {
      manifests.put(tag, raw);
    }
    return raw;
  }

  private static Descriptor withPlatform(RawManifest raw, Platform p) {
    Descriptor d = raw.descriptor();
    return new Descriptor(d.mediaType(), d.digest(), d.size(), Map.of(), null, p);
  }

  private final RawManifest amd64 =
      put(
          null,
          ImageManifest.oci(
              Descriptor.ofContent(MediaTypes.OCI_CONFIG, new byte[] {1}), List.of()));
  private final RawManifest arm64 =
      put(
          null,
          ImageManifest.oci(
              Descriptor.ofContent(MediaTypes.OCI_CONFIG, new byte[] {2}), List.of()));

  @Test
  void singleManifestResolvesToItself() throws Exception {
    put("plain", amd64.parse());
    assertThat(store.resolveImage("plain", Platform.linuxAmd64())).isEqualTo(amd64);
  }

  @Test
  void followsNestedIndexesToThePlatformManifest() throws Exception {
    RawManifest inner =
        put(
            null,
            ImageIndex.oci(
                List.of(
                    withPlatform(arm64, new Platform("linux", "arm64", null)),
                    withPlatform(amd64, Platform.linuxAmd64()))));
    put("multi", ImageIndex.oci(List.of(inner.descriptor())));
    // The outer entry has no platform: a layout index.json points at an image index like this.
    assertThatThrownBy(() -> store.resolveImage("multi", Platform.linuxAmd64()))
        .isInstanceOf(NoMatchingPlatformException.class);
    put("multi2", ImageIndex.oci(List.of(withPlatform(inner, Platform.linuxAmd64()))));
    assertThat(store.resolveImage("multi2", Platform.linuxAmd64())).isEqualTo(amd64);
    put("direct", inner.parse());
    assertThat(store.resolveImage("direct", new Platform("linux", "arm64", "v8"))).isEqualTo(arm64);
  }

  @Test
  void mediaTypeDisagreeingWithIndexEntryIsAnError() {
    Descriptor d = amd64.descriptor();
    Descriptor lying =
        new Descriptor(
            MediaTypes.DOCKER_MANIFEST,
            d.digest(),
            d.size(),
            Map.of(),
            null,
            Platform.linuxAmd64());
    put("lying", ImageIndex.oci(List.of(lying)));
    assertThatThrownBy(() -> store.resolveImage("lying", Platform.linuxAmd64()))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("but its index entry says " + MediaTypes.DOCKER_MANIFEST);
  }
}
