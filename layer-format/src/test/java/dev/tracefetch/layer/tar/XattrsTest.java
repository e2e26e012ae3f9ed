package dev.tracefetch.layer.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XattrsTest {
  @Test
  void valuesAreCopiedInAndOut() {
    byte[] cap = {1, 2, 3};
    Xattrs x = Xattrs.of(Map.of("security.capability", cap));
    cap[0] = 9;
    assertThat(x.get("security.capability"))
        .hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
    x.get("security.capability").orElseThrow()[1] = 9;
    assertThat(x.value("security.capability")).containsExactly(1, 2, 3);
    assertThat(x.get("user.absent")).isEmpty();
    assertThat(x).isEqualTo(Xattrs.of("security.capability", new byte[] {1, 2, 3}));
    assertThat(Xattrs.of(Map.of())).isSameAs(Xattrs.empty());
  }

  @Test
  void linuxLimitsAreEnforced() {
    String longest = "user." + "n".repeat(Xattrs.MAX_NAME_LENGTH - 5);
    assertThat(Xattrs.of(longest, new byte[Xattrs.MAX_VALUE_LENGTH]).names())
        .containsExactly(longest);
    assertThatThrownBy(() -> Xattrs.of(longest + "n", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid xattr name");
    String multiByte = "user." + "é".repeat(126); // 5 + 252 bytes
    assertThat(multiByte.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(255);
    assertThatThrownBy(() -> Xattrs.of(multiByte, new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Xattrs.of("user.big", new byte[Xattrs.MAX_VALUE_LENGTH + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user.big")
        .hasMessageContaining("65537 bytes");
    assertThatThrownBy(() -> Xattrs.of("", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Xattrs.of("a=b", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
