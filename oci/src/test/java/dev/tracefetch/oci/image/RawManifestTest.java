package dev.tracefetch.oci.image;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RawManifestTest {
  private static final byte[] PRETTY = ManifestOrIndexTest.DOCKER_MANIFEST.getBytes(UTF_8);

  @Test
  void digestIsOfTheExactBytesNotOfTheReserialisedDocument() throws Exception {
    RawManifest raw = RawManifest.of("application/json", PRETTY);
    assertThat(raw.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(raw.digest()).isEqualTo(Digest.of(PRETTY));
    assertThat(raw.size()).isEqualTo(PRETTY.length);
    assertThat(raw.bytes()).isEqualTo(PRETTY);
    assertThat(raw.openStream().readAllBytes()).isEqualTo(PRETTY);
    assertThat(raw.descriptor())
        .isEqualTo(Descriptor.of(MediaTypes.DOCKER_MANIFEST, Digest.of(PRETTY), PRETTY.length));
    RawManifest reserialised = raw.parse().toRaw();
    assertThat(reserialised.digest()).isNotEqualTo(raw.digest());
    assertThat(reserialised.parse()).isEqualTo(raw.parse());
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] bytes = PRETTY.clone();
    RawManifest raw = new RawManifest(MediaTypes.DOCKER_MANIFEST, bytes);
    bytes[0] = 'x';
    raw.bytes()[1] = 'y';
    assertThat(raw.bytes()).isEqualTo(PRETTY);
    assertThat(raw).isEqualTo(new RawManifest(MediaTypes.DOCKER_MANIFEST, PRETTY));
  }

  @Test
  void verifyNamesWhatMismatched() throws Exception {
    RawManifest raw = new RawManifest(MediaTypes.DOCKER_MANIFEST, PRETTY);
    Digest other = Digest.ofUtf8("other");
    assertThat(raw.verify(Digest.of(PRETTY), "x")).isSameAs(raw);
    assertThatThrownBy(() -> raw.verify(other, "manifest localhost:5000/app:1"))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessage(
            "digest mismatch for manifest localhost:5000/app:1: expected "
                + other
                + ", got "
                + Digest.of(PRETTY));
  }

  @Test
  void unsupportedMediaTypesAndOversizedDocumentsAreRejected() {
    assertThatThrownBy(() -> new RawManifest("application/json", PRETTY))
        .hasMessageContaining("unsupported manifest media type 'application/json'");
    assertThatThrownBy(() -> RawManifest.of(null, new byte[RawManifest.MAX_SIZE + 1]))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("larger than the limit");
  }
}
