package dev.tracefetch.store.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.api.v1.TraceStoreGrpc;
import dev.tracefetch.api.v1.UploadChunk;
import dev.tracefetch.api.v1.UploadResult;
import dev.tracefetch.recorder.upload.TraceDelivery;
import dev.tracefetch.recorder.upload.TraceSpool;
import dev.tracefetch.recorder.upload.TraceUploader;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.TestPostgres;
import dev.tracefetch.store.support.TestTraces;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/trace-store} process killed with SIGKILL in the middle of uploads, then
 * started again on the same database: the database holds each trace whole (file, profile, app and
 * image rows) or not at all, never a part; the recorder's uploader spooled what was not
 * acknowledged, and flushing the spool afterwards stores every trace exactly once.
 */
class StoreKillIT {
  private static final String ADMIN = "kill-admin-token-0123456789abcdef";
  private static final Path LAUNCHER = Path.of("..", "bin", "trace-store").toAbsolutePath();

  @TempDir Path tmp;
  private final TestPostgres.Database db = TestPostgres.freshDatabase("kill");
  private Process store;
  private int port;
  private int grpcPort;

  @AfterEach
  void stopStore() throws Exception {
    if (store != null) {
      store.destroyForcibly();
      store.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void start() throws Exception {
    port = freePort();
    grpcPort = freePort();
    store =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--tracestore.grpc.port=" + grpcPort,
                "--tracestore.grpc.address=127.0.0.1",
                "--tracestore.auth.admin-token=" + ADMIN,
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("store.log").toFile())
            .start();
    Http http = new Http(port);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(store.isAlive()).as("store exited; log: %s", log()).isTrue();
      try {
        if (http.get("/actuator/health/readiness", null).status() == 200) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("store not ready in time; log: " + log());
  }

  private String log() throws IOException {
    String text = Files.readString(tmp.resolve("store.log"));
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  private void kill() throws Exception {
    store.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful drain
    assertThat(store.waitFor(30, TimeUnit.SECONDS)).isTrue();
    store = null;
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  private long count(String sql) throws Exception {
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Every stored trace is whole: its file matches its content digest and size, its profile is
   * there, and no app or image row exists without a trace. Returns the stored content digests.
   */
  private Set<String> assertOnlyWholeTraces() throws Exception {
    Set<String> digests = new LinkedHashSet<>();
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT content_digest, file_bytes, file_size, profile, event_count FROM traces")) {
      while (rs.next()) {
        byte[] file = rs.getBytes("file_bytes");
        assertThat(ContentDigest.of(file)).isEqualTo(rs.getString("content_digest"));
        assertThat((long) file.length).isEqualTo(rs.getLong("file_size"));
        assertThat(rs.getBytes("profile")).isNotEmpty();
        assertThat(rs.getLong("event_count")).isPositive();
        digests.add(rs.getString("content_digest"));
      }
    }
    assertThat(
            count(
                "SELECT count(*) FROM images i"
                    + " WHERE NOT EXISTS (SELECT 1 FROM traces t WHERE t.image_id = i.id)"))
        .as("image rows without a trace")
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM apps a"
                    + " WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.app_id = a.id)"))
        .as("app rows without an image")
        .isZero();
    return digests;
  }

  @Test
  void killedMidUploadStoresWholeTracesOrNothingAndTheSpoolDeliversTheRest() throws Exception {
    TraceSpool spool = new TraceSpool(tmp.resolve("spool"));
    List<String> sent = new ArrayList<>();
    int spooled = 0;
    start();
    // SIGKILL at different moments of an upload of a large trace: while the body is still being
    // sent, while the store parses it, around the insert and its commit.
    long[] killAfterMillis = {20, 250, 900};
    for (int round = 0; round < killAfterMillis.length; round++) {
      byte[] file =
          TestTraces.file(TestTraces.large("kill-" + round, TestTraces.IMAGE_A, round, 150_000));
      sent.add(ContentDigest.of(file));
      CompletableFuture<TraceDelivery.Delivery> delivery;
      TraceUploader uploader =
          new TraceUploader(URI.create("http://127.0.0.1:" + port), ADMIN, Duration.ofSeconds(60));
      delivery =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new TraceDelivery(uploader, spool).send(file);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      Thread.sleep(killAfterMillis[round]);
      kill();
      TraceDelivery.Delivery outcome = delivery.get(2, TimeUnit.MINUTES);
      uploader.close();
      // Acknowledged: stored. Not acknowledged: spooled (it may or may not have been committed).
      assertThat(outcome.delivered() || outcome.spooled() != null).isTrue();
      if (!outcome.delivered()) {
        assertThat(outcome.spooled()).exists();
        spooled++;
      }
      start();
      Set<String> stored = assertOnlyWholeTraces();
      if (outcome.delivered()) {
        assertThat(stored).contains(outcome.digest());
      }
    }

    // A slow streaming gRPC upload cut off half way by the kill leaves nothing.
    byte[] streamed =
        TestTraces.file(TestTraces.large("kill-grpc", TestTraces.IMAGE_A, 99, 50_000));
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, InsecureChannelCredentials.create())
            .build();
    try {
      Metadata auth = new Metadata();
      auth.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ADMIN);
      CompletableFuture<UploadResult> result = new CompletableFuture<>();
      StreamObserver<UploadChunk> requests =
          TraceStoreGrpc.newStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))
              .upload(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(UploadResult value) {
                      result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      int half = streamed.length / 2;
      for (int offset = 0; offset < half; offset += 4096) {
        requests.onNext(
            UploadChunk.newBuilder()
                .setData(ByteString.copyFrom(streamed, offset, Math.min(4096, half - offset)))
                .build());
        Thread.sleep(1);
      }
      Thread.sleep(500);
      kill();
      assertThat(result).failsWithin(Duration.ofMinutes(1));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    start();
    assertThat(assertOnlyWholeTraces()).doesNotContain(ContentDigest.of(streamed));

    // The recorder's flush sends what was spooled; a trace that was committed before the kill
    // but never acknowledged is recognised by its digest (200), so each is stored exactly once.
    try (TraceUploader uploader =
        new TraceUploader(URI.create("http://127.0.0.1:" + port), ADMIN, Duration.ofSeconds(60))) {
      TraceDelivery delivery = new TraceDelivery(uploader, spool);
      List<TraceDelivery.Delivery> flushed = delivery.flush();
      assertThat(flushed).hasSize(spooled).allMatch(TraceDelivery.Delivery::delivered);
      assertThat(spool.list()).isEmpty();
      assertThat(delivery.flush()).isEmpty();
    }
    assertThat(assertOnlyWholeTraces()).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(count("SELECT count(*) FROM traces")).isEqualTo(sent.size());
  }
}
