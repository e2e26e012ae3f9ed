package dev.tracefetch.fs.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.fs.image.EntryType;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.LayerEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstargzBookkeepingTest {
  private static LayerEntry file(String name) {
    return LayerEntry.builder(name, EntryType.REG).mode(0644).build();
  }

  @Test
  void tocAndLandmarksAreDroppedAtTheRootOnlyWhateverTheirSpelling() {
    Layer layer =
        new Layer(
            "sha256:test",
            List.of(
                file("./stargz.index.json"),
                file(".prefetch.landmark"),
                file("/.no.prefetch.landmark"),
                file("etc/.prefetch.landmark"),
                file("etc/stargz.index.json"),
                file("stargz.index.json.bak"),
                file("etc/passwd")));
    Layer stripped = EstargzBookkeeping.strip(layer);
    assertThat(stripped.id()).isEqualTo("sha256:test");
    assertThat(stripped.entries())
        .extracting(LayerEntry::name)
        .containsExactly(
            "etc/.prefetch.landmark",
            "etc/stargz.index.json",
            "stargz.index.json.bak",
            "etc/passwd");
  }

  @Test
  void aLayerWithoutBookkeepingIsReturnedAsIs() {
    Layer layer = new Layer("l", List.of(file("a"), file("b/c")));
    assertThat(EstargzBookkeeping.strip(layer)).isSameAs(layer);
  }

  @Test
  void namesThatEscapeTheRootAreLeftForTheMergeToReject() {
    assertThat(EstargzBookkeeping.isBookkeeping("../stargz.index.json")).isFalse();
    assertThat(EstargzBookkeeping.isBookkeeping("a/../.prefetch.landmark")).isTrue();
  }
}
