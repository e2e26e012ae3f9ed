package dev.tracefetch.replayer.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookInputTest {
  @TempDir Path bundle;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsesTheRuntimeState() throws Exception {
    ContainerState s =
        ContainerState.parse(
            utf8(
                "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
                    + "\"bundle\":\"/run/b/c1\",\"annotations\":{\"dev.tracefetch.app\":\"web\","
                    + "\"n\":1}}"));
    assertThat(s.id()).isEqualTo("c1");
    assertThat(s.bundle()).isEqualTo(Path.of("/run/b/c1"));
    assertThat(s.annotations()).containsExactly(java.util.Map.entry("dev.tracefetch.app", "web"));
  }

  @Test
  void rejectsStatesWithoutIdOrAbsoluteBundle() {
    assertThatThrownBy(() -> ContainerState.parse(utf8("{\"bundle\":\"/b\"}")))
        .hasMessageContaining("no 'id'");
    assertThatThrownBy(() -> ContainerState.parse(utf8("{\"id\":\"c\",\"bundle\":\"b\"}")))
        .hasMessageContaining("not absolute");
    assertThatThrownBy(() -> ContainerState.parse(utf8("[1]")))
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> ContainerState.parse(utf8("{")))
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void readsRootAndAnnotationsFromConfigJson() throws Exception {
    Files.writeString(
        bundle.resolve("config.json"),
        "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
            + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"r/app:1\"}}");
    BundleConfig c = BundleConfig.read(bundle);
    assertThat(c.root()).isEqualTo(bundle.resolve("rootfs"));
    assertThat(c.annotations()).containsEntry("org.opencontainers.image.ref.name", "r/app:1");
    Files.writeString(bundle.resolve("config.json"), "{\"root\":{\"path\":\"/abs/root\"}}");
    assertThat(BundleConfig.read(bundle).root()).isEqualTo(Path.of("/abs/root"));
  }

  @Test
  void aBundleWithoutConfigOrRootIsNamed() throws Exception {
    assertThatThrownBy(() -> BundleConfig.read(bundle))
        .hasMessageContaining("no config.json")
        .hasMessageContaining(bundle.toString());
    Files.writeString(bundle.resolve("config.json"), "{}");
    assertThatThrownBy(() -> BundleConfig.read(bundle)).hasMessageContaining("no root.path");
  }
}
