package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.fs.hooks.AccessEvent;
import dev.tracefetch.fs.hooks.AccessKind;
import dev.tracefetch.fs.hooks.AccessRecorder;
import dev.tracefetch.fs.local.LocalImage;
import dev.tracefetch.fs.local.LocalLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real program (Debian's statically linked busybox) runs from the lazy mount as the root of a
 * bubblewrap sandbox, and the access recorder sees exactly the files it opened.
 */
class SandboxIT {
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  @TempDir Path work;

  private LocalImage busyboxImage() throws Exception {
    assumeTrue(Files.isExecutable(BUSYBOX), "busybox-static is not installed");
    Path layers = Files.createDirectories(work.resolve("layers"));
    LocalLayerBuilder base = new LocalLayerBuilder(0, layers.resolve("base"), 1 << 20);
    base.dir("bin", 0755)
        .file("bin/busybox", Files.readAllBytes(BUSYBOX), 0755)
        .symlink("bin/sh", "busybox")
        .symlink("bin/cat", "busybox")
        .symlink("bin/ls", "busybox")
        .dir("etc", 0755)
        .file("etc/x", "from the base layer\n".getBytes(), 0644)
        .file("etc/unread", "nobody opens me\n".getBytes(), 0644)
        .dir("proc", 0555)
        .dir("dev", 0755)
        .dir("tmp", 01777);
    LocalLayerBuilder app = new LocalLayerBuilder(1, layers.resolve("app"), 1 << 20);
    app.file("etc/x", "hello from the top layer\n".getBytes(), 0644)
        .file("etc/other", "also never read\n".getBytes(), 0644);
    return LocalImage.of(List.of(base.build("base"), app.build("app")));
  }

  private static List<String> bwrap(Path root, String script) {
    return List.of(
        "bwrap",
        "--bind",
        root.toString(),
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--unshare-pid",
        "--die-with-parent",
        "--chdir",
        "/",
        "/bin/sh",
        "-c",
        script);
  }

  @Test
  void busyboxRunsFromTheMountAndTheRecorderSeesExactlyWhatItOpened() throws Exception {
    Commands.assumeRoot();
    AccessRecorder[] recorder = new AccessRecorder[1];
    try (MountedImage m =
        MountedImage.mount(
            busyboxImage(),
            work,
            MountOptions.defaults(),
            fs -> recorder[0] = new AccessRecorder(fs))) {
      Commands.Result r = Commands.run(bwrap(m.root(), "echo hi; cat /etc/x"));

      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output()).isEqualTo("hi\nhello from the top layer\n");

      List<AccessEvent> events = new ArrayList<>();
      recorder[0].drain(events::add);
      assertThat(recorder[0].dropped()).isZero();
      Set<String> opened =
          events.stream()
              .filter(e -> e.kind() == AccessKind.OPEN && e.succeeded())
              .map(AccessEvent::path)
              .collect(Collectors.toSet());
      assertThat(opened).containsExactlyInAnyOrder("/bin/busybox", "/etc/x");

      AccessEvent readX =
          events.stream()
              .filter(e -> e.kind() == AccessKind.READ && e.path().equals("/etc/x"))
              .findFirst()
              .orElseThrow();
      assertThat(readX.layer()).isEqualTo(1);
      assertThat(readX.chunks()).hasSize(1);
      assertThat(readX.pid()).isPositive().isNotEqualTo(ProcessHandle.current().pid());
      assertThat(events)
          .filteredOn(e -> e.kind() == AccessKind.READLINK)
          .extracting(AccessEvent::path)
          .contains("/bin/sh");
      assertThat(events)
          .filteredOn(e -> e.kind() == AccessKind.READ)
          .extracting(AccessEvent::path)
          .doesNotContain("/etc/unread", "/etc/other");
    }
  }

  @Test
  void sandboxOnAnOverlayOfTheMountCanWrite() throws Exception {
    Commands.assumeRoot();
    Path tmpfs = Files.createDirectories(work.resolve("tmpfs"));
    Path merged = Files.createDirectories(work.resolve("merged"));
    boolean tmpfsMounted = false;
    boolean overlayMounted = false;
    try (MountedImage m = MountedImage.mount(busyboxImage(), work, MountOptions.defaults())) {
      try {
        Commands.ok("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", tmpfs.toString());
        tmpfsMounted = true;
        Path upper = Files.createDirectories(tmpfs.resolve("upper"));
        Path ovlWork = Files.createDirectories(tmpfs.resolve("work"));
        Commands.ok(
            "mount",
            "-t",
            "overlay",
            "overlay",
            "-o",
            "lowerdir=" + m.root() + ",upperdir=" + upper + ",workdir=" + ovlWork,
            merged.toString());
        overlayMounted = true;

        Commands.Result r =
            Commands.run(
                bwrap(merged, "echo written > /etc/x && cat /etc/x && ls /etc && echo $$"));

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).startsWith("written\nother\nunread\nx\n");
        assertThat(Files.readString(upper.resolve("etc/x"))).isEqualTo("written\n");
        assertThat(Files.readString(m.path("/etc/x"))).isEqualTo("hello from the top layer\n");
      } finally {
        if (overlayMounted) {
          Commands.umount(merged);
        }
        if (tmpfsMounted) {
          Commands.umount(tmpfs);
        }
      }
    }
  }
}
