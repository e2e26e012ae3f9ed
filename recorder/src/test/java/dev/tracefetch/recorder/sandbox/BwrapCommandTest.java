package dev.tracefetch.recorder.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BwrapCommandTest {
  private static final SandboxSpec SPEC =
      new SandboxSpec(
          List.of("sh", "-c", "echo $A"),
          List.of("PATH=/bin", "A=1"),
          "/srv",
          OptionalInt.empty(),
          OptionalInt.empty());

  @Test
  void overlayIsMadeInAPrivateMountNamespaceThenBwrapRunsTheCommandOnIt() {
    List<String> cmd = BwrapCommand.build(SPEC, Path.of("/mnt/lazy"), Path.of("/tmp/s"));
    assertThat(cmd.subList(0, 5))
        .containsExactly("unshare", "--mount", "--propagation", "private", "--");
    int bwrap = cmd.indexOf("bwrap");
    assertThat(cmd.subList(bwrap - 2, bwrap)).containsExactly("/tmp/s", "/mnt/lazy");
    assertThat(cmd.get(7)).contains("mount -t overlay").contains("lowerdir=$2");
    assertThat(cmd.subList(bwrap, cmd.size()))
        .containsSubsequence("--bind", "/tmp/s/root", "/")
        .containsSubsequence("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp")
        .contains(
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--clearenv")
        .containsSubsequence("--setenv", "A", "1")
        .containsSubsequence("--chdir", "/srv")
        .doesNotContain("--unshare-net", "--unshare-user");
    assertThat(cmd.subList(cmd.lastIndexOf("--") + 1, cmd.size()))
        .containsExactly("sh", "-c", "echo $A");
  }

  @Test
  void aUserMapsIntoAUserNamespace() {
    SandboxSpec s =
        new SandboxSpec(List.of("id"), List.of(), "/", OptionalInt.of(1000), OptionalInt.of(50));
    assertThat(BwrapCommand.build(s, Path.of("/l"), Path.of("/s")))
        .containsSubsequence("--unshare-user", "--uid", "1000", "--gid", "50");
  }

  @Test
  void overlayOptionSeparatorsInPathsAreRejected() {
    assertThatThrownBy(() -> BwrapCommand.build(SPEC, Path.of("/mnt/a,b"), Path.of("/tmp/s")))
        .hasMessageContaining("cannot contain");
  }
}
