package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTableTest {
  @Test
  void parsesAFuseLineWithEscapedSpaces() {
    MountTable.Entry e =
        MountTable.parse(
            "120 25 0:52 / /tmp/a\\040b rw,nosuid,nodev,relatime shared:64 - fuse.tracefetch"
                + " tracefetch rw,user_id=0,group_id=0,allow_other");
    assertThat(e.mountPoint()).isEqualTo(Path.of("/tmp/a b"));
    assertThat(e.fsType()).isEqualTo("fuse.tracefetch");
    assertThat(e.source()).isEqualTo("tracefetch");
    assertThat(e.isFuse()).isTrue();
  }

  @Test
  void lineWithoutOptionalFieldsAndNonFuseTypes() {
    MountTable.Entry e = MountTable.parse("22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw");
    assertThat(e.mountPoint()).isEqualTo(Path.of("/"));
    assertThat(e.isFuse()).isFalse();
    assertThat(MountTable.parse("garbage")).isNull();
  }

  @Test
  void ownMountTableIsReadable() throws Exception {
    assertThat(MountTable.read()).anyMatch(e -> e.mountPoint().equals(Path.of("/")));
  }
}
