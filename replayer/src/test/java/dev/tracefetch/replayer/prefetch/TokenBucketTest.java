package dev.tracefetch.replayer.prefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void unlimitedNeverWaits() {
    TokenBucket b = new TokenBucket(0);
    assertThat(b.unlimited()).isTrue();
    assertThat(b.reserve(Long.MAX_VALUE / 2)).isZero();
  }

  @Test
  void oneSecondOfBurstIsFreeThenBytesAreOwedAtTheRate() {
    long[] now = {0};
    TokenBucket b = new TokenBucket(1000, () -> now[0]);
    assertThat(b.reserve(1000)).isZero();
    assertThat(b.reserve(500)).isEqualTo(500_000_000L);
    assertThat(b.reserve(500)).as("debt accumulates").isEqualTo(1_000_000_000L);
    now[0] += 2_000_000_000L; // two seconds later the debt is paid and one second refilled
    assertThat(b.reserve(1000)).isZero();
    assertThat(b.reserve(1)).isPositive();
  }

  @Test
  void requestsLargerThanTheBucketGoIntoDebt() {
    long[] now = {0};
    TokenBucket b = new TokenBucket(100, () -> now[0]);
    assertThat(b.reserve(100)).isZero();
    assertThat(b.reserve(1000)).isEqualTo(10_000_000_000L);
  }

  @Test
  void negativeRateIsRefused() {
    assertThatThrownBy(() -> new TokenBucket(-1)).hasMessageContaining("-1");
  }
}
