package dev.tracefetch.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageSourceTest {

  @Test
  void ociLayoutWithTag() {
    ImageSource s = ImageSource.parse("oci:/tmp/layout:v1.0");
    assertThat(s).isEqualTo(new OciLayoutReference(Path.of("/tmp/layout"), "v1.0"));
    assertThat(s).hasToString("oci:/tmp/layout:v1.0");
  }

  @Test
  void ociLayoutWithoutTag() {
    OciLayoutReference r = (OciLayoutReference) ImageSource.parse("oci:relative/dir");
    assertThat(r.directory()).isEqualTo(Path.of("relative/dir"));
    assertThat(r.optionalTag()).isEmpty();
  }

  @Test
  void ociLayoutTagMayContainRefNameSeparators() {
    OciLayoutReference r = OciLayoutReference.parse("oci:d:example.com/app:1@x+y");
    assertThat(r.tag()).isEqualTo("example.com/app:1@x+y");
  }

  @Test
  void registryReferencesWithAndWithoutTransportPrefix() {
    assertThat(ImageSource.parse("docker://localhost:5000/app:1"))
        .isEqualTo(ImageReference.parse("localhost:5000/app:1"));
    assertThat(ImageSource.parse("ubuntu")).isInstanceOf(ImageReference.class);
  }

  @Test
  void invalidLayoutReferencesNameInput() {
    assertThatThrownBy(() -> ImageSource.parse("oci:"))
        .hasMessageContaining("'oci:'")
        .hasMessageContaining("directory is empty");
    assertThatThrownBy(() -> ImageSource.parse("oci:dir:"))
        .hasMessageContaining("'oci:dir:'")
        .hasMessageContaining("tag after ':' is empty");
    assertThatThrownBy(() -> ImageSource.parse("oci:dir:bad tag"))
        .hasMessageContaining("tag 'bad tag' is not a valid org.opencontainers.image.ref.name");
    assertThatThrownBy(() -> ImageSource.parse("oci:dir:-x")).hasMessageContaining("'-x'");
    assertThatThrownBy(() -> OciLayoutReference.checkTag("a//b")).hasMessageContaining("'a//b'");
  }
}
