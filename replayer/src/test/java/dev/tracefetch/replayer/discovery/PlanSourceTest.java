package dev.tracefetch.replayer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanSourceTest {

  @Test
  void parsesAnOrderCaseInsensitively() {
    assertThat(PlanSource.parseOrder("Store, file"))
        .containsExactly(PlanSource.STORE, PlanSource.FILE);
    assertThat(PlanSource.parseOrder("file,layer,referrer,store"))
        .isEqualTo(PlanSource.DEFAULT_ORDER);
  }

  @Test
  void rejectsUnknownDuplicateAndEmptyEntries() {
    assertThatThrownBy(() -> PlanSource.parseOrder("file,cdn"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown plan source 'cdn'")
        .hasMessageContaining("file, layer, referrer, store");
    assertThatThrownBy(() -> PlanSource.parseOrder("file,file"))
        .hasMessageContaining("'file' appears twice");
    assertThatThrownBy(() -> PlanSource.parseOrder("file,,store"))
        .hasMessageContaining("empty entry");
    assertThatThrownBy(() -> PlanSource.parseOrder(" ")).hasMessageContaining("empty");
  }

  @Test
  void queryOverridesKeepTheTokenAndSkipBlanks() {
    PlanQuery base =
        new PlanQuery(
            PlanSource.DEFAULT_ORDER,
            Path.of("/a.tfr"),
            URI.create("http://store:8080"),
            "web",
            "secret");
    PlanQuery over =
        base.overriddenBy(List.of(PlanSource.STORE), null, URI.create("https://other"), " ");
    assertThat(over.order()).containsExactly(PlanSource.STORE);
    assertThat(over.replayFile()).isEqualTo(Path.of("/a.tfr"));
    assertThat(over.storeUrl()).isEqualTo(URI.create("https://other"));
    assertThat(over.app()).isEqualTo("web");
    assertThat(over.token()).isEqualTo("secret");
    assertThat(over.toString()).doesNotContain("secret");
    assertThat(base.overriddenBy(List.of(), null, null, "api").app()).isEqualTo("api");
  }

  @Test
  void queryRejectsBadStoreUrlsAndAppNames() {
    assertThatThrownBy(
            () -> new PlanQuery(PlanSource.DEFAULT_ORDER, null, URI.create("ftp://x"), null, null))
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> new PlanQuery(PlanSource.DEFAULT_ORDER, null, null, "a/b", null))
        .hasMessageContaining("app name");
    assertThatThrownBy(() -> new PlanQuery(List.of(), null, null, null, null))
        .hasMessageContaining("empty");
  }
}
