package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lazy mount as the read-only lower layer of a kernel overlayfs with a tmpfs upper layer. */
class OverlayIT {
  @TempDir Path work;

  @Test
  void overlayOnTopOfTheMountTakesWritesAndLeavesTheImageUntouched() throws Exception {
    Commands.assumeRoot();
    Path tmpfs = Files.createDirectories(work.resolve("tmpfs"));
    Path merged = Files.createDirectories(work.resolve("merged"));
    boolean tmpfsMounted = false;
    boolean overlayMounted = false;
    try (MountedImage m =
        MountedImage.mount(
            SyntheticImage.build(Files.createDirectories(work.resolve("layers"))),
            work,
            MountOptions.defaults())) {
      try {
        Commands.ok("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", tmpfs.toString());
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

        // Reads come from the lazy image.
        assertThat(Files.readString(merged.resolve("etc/hostname"))).isEqualTo("upper\n");
        assertThat(Files.readAllBytes(merged.resolve("usr/share/big.bin")))
            .isEqualTo(SyntheticImage.BIGBIN);
        assertThat(Files.readSymbolicLink(merged.resolve("lib")).toString()).isEqualTo("usr/lib");

        // Writes land in the upper layer: new file, changed file (copy-up), deletion (whiteout).
        Files.writeString(merged.resolve("new.txt"), "made in the overlay");
        Files.writeString(merged.resolve("etc/hostname"), "changed\n");
        Files.write(
            merged.resolve("usr/share/big.bin"), new byte[] {42}, StandardOpenOption.APPEND);
        Files.delete(merged.resolve("usr/lib/libbig.so"));
        Files.setLastModifiedTime(merged.resolve("bin/tool2"), FileTime.fromMillis(0));

        assertThat(Files.readString(merged.resolve("new.txt"))).isEqualTo("made in the overlay");
        assertThat(Files.readString(merged.resolve("etc/hostname"))).isEqualTo("changed\n");
        byte[] grown = Files.readAllBytes(merged.resolve("usr/share/big.bin"));
        assertThat(grown).hasSize(SyntheticImage.BIGBIN.length + 1);
        assertThat(Arrays.copyOf(grown, SyntheticImage.BIGBIN.length))
            .isEqualTo(SyntheticImage.BIGBIN);
        assertThat(merged.resolve("usr/lib/libbig.so")).doesNotExist();
        // Copy-up took the file capability along from the lazy mount.
        assertThat(NativeXattrs.get(upper.resolve("bin/tool2"), "security.capability"))
            .hasValueSatisfying(v -> assertThat(v).isEqualTo(SyntheticImage.CAP_NET_RAW));

        assertThat(Files.readString(upper.resolve("etc/hostname"))).isEqualTo("changed\n");
        assertThat(upper.resolve("new.txt")).exists();
        assertThat(
                (Integer)
                        Files.getAttribute(
                            upper.resolve("usr/lib/libbig.so"),
                            "unix:mode",
                            LinkOption.NOFOLLOW_LINKS)
                    & 0170000)
            .as("deletion is a whiteout char device in the upper layer")
            .isEqualTo(0020000);

        // The image itself did not change.
        assertThat(Files.readString(m.path("/etc/hostname"), StandardCharsets.UTF_8))
            .isEqualTo("upper\n");
        assertThat(Files.size(m.path("/usr/share/big.bin")))
            .isEqualTo(SyntheticImage.BIGBIN.length);
        assertThat(m.path("/usr/lib/libbig.so")).exists();
        assertThat(m.path("/new.txt")).doesNotExist();
      } finally {
        if (overlayMounted) {
          Commands.umount(merged);
        }
        if (tmpfsMounted) {
          Commands.umount(tmpfs);
        }
      }
    }
    assertThat(MountTable.find(merged)).isEmpty();
    assertThat(MountTable.find(work.resolve("mnt"))).isEmpty();
  }
}
