package dev.tracefetch.store.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.store.support.StoreIntegrationTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * 200 concurrent clients uploading traces and reading plans for 15 s (the 5-minute version is the
 * benchmark {@code bench/trace-store/mixed-load}): no request fails and every acknowledged upload
 * is in the database, exactly once. Latencies are printed, never asserted.
 */
class MixedLoadIT extends StoreIntegrationTest {
  @Autowired JdbcClient jdbc;

  @Test
  void twoHundredClientsUploadAndReadWithoutErrorOrLoss() throws Exception {
    Set<String> seeded = MixedLoad.seed(http(), ADMIN_TOKEN);
    awaitPlans();

    MixedLoad.Result result = MixedLoad.run(http(), ADMIN_TOKEN, 200, Duration.ofSeconds(15));
    System.out.print(result.report());

    assertThat(result.errors()).isEmpty();
    assertThat(result.errorCount()).isZero();
    assertThat(result.ackedDigests()).isNotEmpty();
    assertThat(result.planLatencies()).isNotEmpty();
    Set<String> stored =
        new HashSet<>(jdbc.sql("SELECT content_digest FROM traces").query(String.class).list());
    Set<String> expected = new HashSet<>(seeded);
    expected.addAll(result.ackedDigests());
    assertThat(stored).isEqualTo(expected);
    assertThat(jdbc.sql("SELECT count(*) FROM traces").query(Long.class).single())
        .isEqualTo(expected.size());
  }
}
