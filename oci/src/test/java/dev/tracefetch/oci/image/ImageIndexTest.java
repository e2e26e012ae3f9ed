package dev.tracefetch.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageIndexTest {
  private static Descriptor entry(int n, Platform p) {
    return new Descriptor(
        MediaTypes.OCI_MANIFEST,
        Digest.parse("sha256:" + Integer.toString(n).repeat(64)),
        100 + n,
        Map.of(),
        null,
        p);
  }

  private static final Descriptor ATTESTATION = entry(1, new Platform("unknown", "unknown", null));
  private static final Descriptor ARM_V6 = entry(2, new Platform("linux", "arm", "v6"));
  private static final Descriptor ARM_V7 = entry(3, new Platform("linux", "arm", "v7"));
  private static final Descriptor ARM64 = entry(4, new Platform("linux", "arm64", null));
  private static final Descriptor AMD64 = entry(5, Platform.linuxAmd64());
  private static final Descriptor NO_PLATFORM = entry(6, null);

  private final ImageIndex index =
      ImageIndex.oci(List.of(ATTESTATION, NO_PLATFORM, ARM_V6, ARM_V7, ARM64, AMD64));

  @Test
  void selectsLinuxAmd64() throws Exception {
    assertThat(index.select(Platform.linuxAmd64())).isEqualTo(AMD64);
  }

  @Test
  void exactVariantWins() throws Exception {
    assertThat(index.select(new Platform("linux", "arm", "v7"))).isEqualTo(ARM_V7);
    assertThat(index.select(new Platform("linux", "arm", "v6"))).isEqualTo(ARM_V6);
  }

  @Test
  void entryWithoutVariantMatchesWantedVariant() throws Exception {
    assertThat(index.select(new Platform("linux", "arm64", "v8"))).isEqualTo(ARM64);
  }

  @Test
  void noVariantWantedTakesFirstOfThatArchitecture() throws Exception {
    assertThat(index.select(new Platform("linux", "arm", null))).isEqualTo(ARM_V6);
  }

  @Test
  void hostPlatformIsSelectable() throws Exception {
    Platform host = Platform.host();
    Descriptor hostEntry = entry(7, host);
    assertThat(ImageIndex.oci(List.of(ATTESTATION, hostEntry)).selectForHost())
        .isEqualTo(hostEntry);
  }

  @Test
  void noMatchNamesWantedAndAvailablePlatforms() {
    assertThatThrownBy(() -> index.select(new Platform("linux", "s390x", null)))
        .isInstanceOf(NoMatchingPlatformException.class)
        .hasMessage(
            "no image for platform linux/s390x in image index; available platforms: "
                + "unknown/unknown, (no platform), linux/arm/v6, linux/arm/v7, linux/arm64, "
                + "linux/amd64")
        .satisfies(
            e ->
                assertThat(((NoMatchingPlatformException) e).available())
                    .hasSize(6)
                    .contains("linux/amd64"));
    assertThatThrownBy(() -> index.select(new Platform("linux", "arm", "v5")))
        .isInstanceOf(NoMatchingPlatformException.class);
    assertThatThrownBy(() -> ImageIndex.oci(List.of()).select(Platform.linuxAmd64()))
        .hasMessageEndingWith("available platforms: (none)");
  }

  @Test
  void rejectsManifestMediaType() {
    assertThatThrownBy(
            () -> new ImageIndex(MediaTypes.OCI_MANIFEST, List.of(), null, null, Map.of()))
        .hasMessageContaining("not an image index media type");
  }
}
