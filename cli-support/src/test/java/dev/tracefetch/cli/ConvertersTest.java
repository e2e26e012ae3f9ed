package dev.tracefetch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
  @Test
  void parsesDurations() {
    assertThat(DurationConverter.parse("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("7")).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void rejectsBadDurationsNamingTheInput() {
    assertThatThrownBy(() -> DurationConverter.parse("soon"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'soon'");
    assertThatThrownBy(() -> DurationConverter.parse("-1s"))
        .isInstanceOf(TypeConversionException.class);
  }

  @Test
  void parsesSizes() {
    assertThat(SizeConverter.parse("4096")).isEqualTo(4096);
    assertThat(SizeConverter.parse("512M")).isEqualTo(512L << 20);
    assertThat(SizeConverter.parse("10GiB")).isEqualTo(10L << 30);
    assertThat(SizeConverter.parse("1t")).isEqualTo(1L << 40);
    assertThat(SizeConverter.parse("8KB")).isEqualTo(8L << 10);
  }

  @Test
  void rejectsBadSizes() {
    assertThatThrownBy(() -> SizeConverter.parse("lots"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'lots'");
    assertThatThrownBy(() -> SizeConverter.parse("99999999999999T"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("too large");
  }
}
