package dev.tracefetch.store.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doThrow;

import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import dev.tracefetch.store.support.TestTraces;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * An upload that fails after the app and image rows were written (here: the trace insert fails, as
 * when the connection drops) leaves no row behind: the upload is one transaction.
 */
class UploadAtomicityIT extends StoreIntegrationTest {
  @MockitoSpyBean TraceRepository traces;
  @Autowired JdbcClient jdbc;

  @Test
  void failedUploadLeavesNoPartialRows() {
    doThrow(new DataAccessResourceFailureException("connection lost (injected)"))
        .when(traces)
        .insertIfAbsent(any(), anyLong(), any(), any(), any(), any());

    Http.Response response =
        http()
            .upload(
                TestTraces.file(TestTraces.normal("atomic", TestTraces.IMAGE_A, 1)), ADMIN_TOKEN);

    // A lost connection is a database outage: 503 (retry later), not a server bug.
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("detail").asText()).contains("database is unavailable");
    assertThat(jdbc.sql("SELECT count(*) FROM apps").query(Long.class).single()).isZero();
    assertThat(jdbc.sql("SELECT count(*) FROM images").query(Long.class).single()).isZero();
    assertThat(jdbc.sql("SELECT count(*) FROM traces").query(Long.class).single()).isZero();
  }
}
