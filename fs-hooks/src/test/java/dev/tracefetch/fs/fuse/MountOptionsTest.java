package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {
  @Test
  void defaultsAreReadOnlyAndCacheFriendly() {
    List<String> args =
        MountOptions.defaults().withAllowOther(true).withDefaultPermissions(true).toFuseArgs();
    assertThat(args).hasSize(2).first().isEqualTo("-o");
    assertThat(args.get(1).split(","))
        .contains(
            "ro",
            "use_ino",
            "kernel_cache",
            "entry_timeout=3600",
            "attr_timeout=3600",
            "negative_timeout=3600",
            "default_permissions",
            "allow_other",
            "subtype=tracefetch");
  }

  @Test
  void optionsCanBeTurnedOff() {
    String o =
        MountOptions.defaults()
            .withAllowOther(false)
            .withDefaultPermissions(false)
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO)
            .toFuseArgs()
            .get(1);
    assertThat(o.split(","))
        .doesNotContain("allow_other", "default_permissions")
        .contains("entry_timeout=1", "attr_timeout=2", "negative_timeout=0");
  }

  @Test
  void setUidAndDevicesAreOffUnlessAskedFor() {
    assertThat(MountOptions.defaults().toFuseArgs().get(1).split(",")).contains("nosuid", "nodev");
    assertThat(MountOptions.defaults().withAllowSuid(true).toFuseArgs().get(1).split(","))
        .contains("suid")
        .doesNotContain("nosuid");
  }

  @Test
  void fsNameCannotInjectOptions() {
    assertThatThrownBy(() -> MountOptions.defaults().withFsName("x,allow_root"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
