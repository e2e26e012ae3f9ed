package dev.tracefetch.recorder.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.Platform;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ContainerDefaultsTest {
  private static final ContainerDefaults.NameLookup NAMES =
      new ContainerDefaults.NameLookup() {
        @Override
        public Optional<Integer> uid(String user) {
          return user.equals("app") ? Optional.of(1000) : Optional.empty();
        }

        @Override
        public Optional<Integer> gid(String group) {
          return group.equals("staff") ? Optional.of(50) : Optional.empty();
        }

        @Override
        public Optional<Integer> primaryGid(int uid) {
          return uid == 1000 ? Optional.of(1001) : Optional.empty();
        }
      };

  private static ImageConfig config() {
    return ImageConfig.empty(Platform.linuxAmd64())
        .withEntrypoint(List.of("/entry.sh"))
        .withCmd(List.of("serve", "--port", "80"))
        .withEnv(List.of("PATH=/opt/bin", "A=1"))
        .withWorkingDir("/srv")
        .withUser("app");
  }

  @Test
  void followsDockerRunDefaults() throws Exception {
    SandboxSpec s = ContainerDefaults.resolve(config(), List.of(), List.of(), null, null, NAMES);
    assertThat(s.argv()).containsExactly("/entry.sh", "serve", "--port", "80");
    assertThat(s.env()).containsExactly("PATH=/opt/bin", "A=1");
    assertThat(s.workdir()).isEqualTo("/srv");
    assertThat(s.uid()).isEqualTo(OptionalInt.of(1000));
    assertThat(s.gid()).isEqualTo(OptionalInt.of(1001));
  }

  @Test
  void overridesReplaceCmdKeepEntrypointAndWinOverImageEnv() throws Exception {
    SandboxSpec s =
        ContainerDefaults.resolve(
            config(), List.of("check"), List.of("A=2", "B=x=y"), "/tmp", "0:staff", NAMES);
    assertThat(s.argv()).containsExactly("/entry.sh", "check");
    assertThat(s.env()).containsExactly("PATH=/opt/bin", "A=2", "B=x=y");
    assertThat(s.workdir()).isEqualTo("/tmp");
    assertThat(s.uid()).isEqualTo(OptionalInt.of(0));
    assertThat(s.gid()).isEqualTo(OptionalInt.of(50));
  }

  @Test
  void imageWithoutPathGetsDockersDefaultAndRunsAsRootInSlash() throws Exception {
    ImageConfig c = ImageConfig.empty(Platform.linuxAmd64()).withCmd(List.of("sh"));
    SandboxSpec s = ContainerDefaults.resolve(c, List.of(), List.of(), null, null, NAMES);
    assertThat(s.env()).containsExactly(ContainerDefaults.DEFAULT_PATH);
    assertThat(s.workdir()).isEqualTo("/");
    assertThat(s.uid()).isEmpty();
  }

  @Test
  void badInputIsNamed() {
    ImageConfig none = ImageConfig.empty(Platform.linuxAmd64());
    assertThatThrownBy(
            () -> ContainerDefaults.resolve(none, List.of(), List.of(), null, null, NAMES))
        .hasMessageContaining("no command to run");
    assertThatThrownBy(
            () ->
                ContainerDefaults.resolve(
                    config(), List.of(), List.of("NOEQUALS"), null, null, NAMES))
        .hasMessageContaining("'NOEQUALS' from --env is not K=V");
    assertThatThrownBy(
            () -> ContainerDefaults.resolve(config(), List.of(), List.of(), null, "ghost", NAMES))
        .hasMessageContaining("unknown user 'ghost'");
    assertThatThrownBy(
            () -> ContainerDefaults.resolve(config(), List.of(), List.of(), "rel", null, NAMES))
        .hasMessageContaining("must be absolute");
  }
}
