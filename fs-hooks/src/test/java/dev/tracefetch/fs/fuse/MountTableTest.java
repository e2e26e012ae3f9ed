package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTableTest {
  private static final String MOUNTINFO =
      String.join(
          "\n",
          "22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw",
          "90 22 0:50 / /mnt/app ro,nosuid,nodev,relatime shared:40 - fuse tracefetch:app"
              + " ro,user_id=0,group_id=0,allow_other",
          "91 22 0:51 / /var/lib/c/abc/merged rw,relatime - overlay overlay"
              + " rw,lowerdir=/mnt/app:/var/lib/c/l/base\\134:x,upperdir=/var/lib/c/abc/diff,"
              + "workdir=/var/lib/c/abc/work",
          "92 22 0:52 / /var/lib/c/new\\040dir/merged rw - overlay overlay"
              + " rw,lowerdir+=/mnt/app,lowerdir+=/mnt/other\\054x,datadir+=/d",
          "garbage line",
          "");

  @Test
  void readsOverlayLowerDirsUppermostFirst() {
    MountTable t = MountTable.parse(MOUNTINFO);
    assertThat(t.overlayLowerDirs(Path.of("/var/lib/c/abc/merged")))
        .containsExactly(Path.of("/mnt/app"), Path.of("/var/lib/c/l/base:x"));
  }

  @Test
  void understandsTheLowerdirAppendFormAndOctalEscapes() {
    MountTable t = MountTable.parse(MOUNTINFO);
    assertThat(t.overlayLowerDirs(Path.of("/var/lib/c/new dir/merged")))
        .containsExactly(Path.of("/mnt/app"), Path.of("/mnt/other,x"));
  }

  @Test
  void nonOverlayAndUnknownMountsHaveNoLowerDirs() {
    MountTable t = MountTable.parse(MOUNTINFO);
    assertThat(t.overlayLowerDirs(Path.of("/mnt/app"))).isEmpty();
    assertThat(t.at(Path.of("/mnt/app")).get().fsType()).isEqualTo("fuse");
    assertThat(t.overlayLowerDirs(Path.of("/nowhere"))).isEmpty();
  }

  @Test
  void parsesAFuseLineWithEscapedSpaces() {
    MountTable.Entry e =
        MountTable.parseLine(
            "120 25 0:52 / /tmp/a\\040b rw,nosuid,nodev,relatime shared:64 - fuse.tracefetch"
                + " tracefetch rw,user_id=0,group_id=0,allow_other");
    assertThat(e.mountPoint()).isEqualTo(Path.of("/tmp/a b"));
    assertThat(e.fsType()).isEqualTo("fuse.tracefetch");
    assertThat(e.source()).isEqualTo("tracefetch");
    assertThat(e.isFuse()).isTrue();
  }

  @Test
  void lineWithoutOptionalFieldsAndNonFuseTypes() {
    MountTable.Entry e = MountTable.parseLine("22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw");
    assertThat(e.mountPoint()).isEqualTo(Path.of("/"));
    assertThat(e.isFuse()).isFalse();
    assertThat(MountTable.parseLine("garbage")).isNull();
  }

  @Test
  void ownMountTableIsReadable() throws Exception {
    assertThat(MountTable.current().entries()).anyMatch(e -> e.mountPoint().equals(Path.of("/")));
  }
}
