package dev.tracefetch.store.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import dev.tracefetch.store.support.TestTraces;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Many uploads at once, including the first uploads of new apps and images racing to create their
 * rows: every distinct trace is stored exactly once, and one trace sent many times at once is one
 * row.
 */
class ConcurrentUploadIT extends StoreIntegrationTest {
  @Autowired JdbcClient jdbc;

  private List<Http.Response> uploadAllAtOnce(List<byte[]> files) throws Exception {
    Http http = http();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Http.Response>> futures = new ArrayList<>();
      for (byte[] file : files) {
        Callable<Http.Response> upload =
            () -> {
              start.await();
              return http.upload(file, ADMIN_TOKEN);
            };
        futures.add(pool.submit(upload));
      }
      start.countDown();
      List<Http.Response> responses = new ArrayList<>();
      for (Future<Http.Response> future : futures) {
        responses.add(future.get());
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void hundredConcurrentDistinctUploadsAreEachStoredExactlyOnce() throws Exception {
    List<byte[]> files = new ArrayList<>();
    Set<String> digests = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String app = "app-" + (i % 5);
      String image = i % 2 == 0 ? TestTraces.IMAGE_A : TestTraces.IMAGE_B;
      byte[] file = TestTraces.file(TestTraces.normal(app, image, i));
      files.add(file);
      digests.add(ContentDigest.of(file));
    }
    assertThat(digests).hasSize(100);

    List<Http.Response> responses = uploadAllAtOnce(files);

    Set<String> ids = new HashSet<>();
    for (Http.Response response : responses) {
      assertThat(response.status()).as(response.text()).isEqualTo(201);
      ids.add(response.json().get("id").asText());
    }
    assertThat(ids).hasSize(100);
    assertThat(jdbc.sql("SELECT content_digest FROM traces").query(String.class).set())
        .isEqualTo(digests);
    assertThat(jdbc.sql("SELECT count(*) FROM traces").query(Long.class).single()).isEqualTo(100);
    assertThat(jdbc.sql("SELECT count(*) FROM apps").query(Long.class).single()).isEqualTo(5);
    assertThat(jdbc.sql("SELECT count(*) FROM images").query(Long.class).single()).isEqualTo(10);

    awaitPlans();
    // Every image's newest plan was computed from all of its traces.
    assertThat(
            jdbc.sql(
                    """
                    SELECT DISTINCT ON (image_id) trace_count FROM plans
                     ORDER BY image_id, version DESC
                    """)
                .query(Integer.class)
                .list())
        .hasSize(10)
        .containsOnly(10);
    assertThat(jdbc.sql("SELECT count(*) FROM trace_scores").query(Long.class).single())
        .isEqualTo(100);
  }

  @Test
  void concurrentCopiesOfOneTraceAreStoredOnce() throws Exception {
    byte[] file = TestTraces.file(TestTraces.normal("dup", TestTraces.IMAGE_A, 1));
    List<byte[]> files = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      files.add(file);
    }

    List<Http.Response> responses = uploadAllAtOnce(files);

    assertThat(responses.stream().filter(r -> r.status() == 201)).hasSize(1);
    assertThat(responses.stream().filter(r -> r.status() == 200)).hasSize(29);
    assertThat(responses.stream().map(r -> r.json().get("id").asText()).distinct()).hasSize(1);
    assertThat(
            jdbc.sql("SELECT count(*) FROM traces WHERE content_digest = :d")
                .param("d", ContentDigest.of(file))
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }
}
