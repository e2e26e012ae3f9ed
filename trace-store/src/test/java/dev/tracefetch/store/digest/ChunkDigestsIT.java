package dev.tracefetch.store.digest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.planner.ChunkKeys;
import dev.tracefetch.planner.TraceProfileCodec;
import dev.tracefetch.store.plan.PlanRecomputer;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.TestPostgres;
import dev.tracefetch.store.support.TestStores;
import dev.tracefetch.store.support.TestTraces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Chunk digests kept once per image: each upload stores only the digests its image lacked, profiles
 * leave them out, and plans still carry every digest, also after the trace that brought a digest is
 * deleted and after a restart rebuilds the ranking from stored profiles.
 */
class ChunkDigestsIT {
  private static final String ADMIN = "digest-admin-token-0123456789abcdef";
  private static final String PLAN = "/api/v1/apps/dig/images/" + TestTraces.IMAGE_A + "/plan";

  @Test
  void eachDigestIsStoredOnceForTheImageAndEveryPlannedChunkKeepsIt() throws Exception {
    TestPostgres.Database db = TestPostgres.freshDatabase("digests");
    Trace a = TestTraces.large("dig", TestTraces.IMAGE_A, 1, 300);
    Trace b = TestTraces.large("dig", TestTraces.IMAGE_A, 2, 300);
    Trace c = TestTraces.large("dig", TestTraces.IMAGE_A, 3, 300);
    Map<Long, String> digestsOfA = digests(a);
    Map<Long, String> digestsOfB = digests(b);
    Map<Long, String> all = new HashMap<>(digestsOfA);
    all.putAll(digestsOfB);
    all.putAll(digests(c));
    Set<Long> onlyInB = new HashSet<>(digestsOfB.keySet());
    onlyInB.removeAll(digestsOfA.keySet());

    try (ConfigurableApplicationContext store = TestStores.start(db, ADMIN)) {
      Http http = TestStores.http(store);
      String idA = upload(http, a);
      upload(http, b);
      awaitPlans(store);

      JdbcTemplate sql = store.getBean(JdbcTemplate.class);
      assertThat(
              sql.queryForList(
                  "SELECT octet_length(chunk_keys) / 8 FROM chunk_digests ORDER BY id",
                  Integer.class))
          .as("the first trace brings all its digests, the second only those the image lacked")
          .containsExactly(digestsOfA.size(), onlyInB.size());
      for (byte[] profile : sql.queryForList("SELECT profile FROM traces", byte[].class)) {
        var decoded = TraceProfileCodec.decode(profile);
        for (int i = 0; i < decoded.chunkCount(); i++) {
          assertThat(decoded.chunkDigest(i)).as("digest left in a stored profile").isEmpty();
        }
      }
      assertEveryPlannedChunkHasItsDigest(plan(http), all, digestsOfA.size());

      // The plan of b alone needs digests that a's upload stored.
      assertThat(http.delete("/api/v1/traces/" + idA, ADMIN).status()).isEqualTo(204);
      awaitPlans(store);
      ReplayPlan onlyB = plan(http);
      assertThat(plannedChunks(onlyB)).isEqualTo(digestsOfB.size());
      assertEveryPlannedChunkHasItsDigest(onlyB, all, digestsOfB.size());
    }

    // After a restart the ranking is rebuilt from stored profiles and the stored digests.
    try (ConfigurableApplicationContext store = TestStores.start(db, ADMIN)) {
      Http http = TestStores.http(store);
      upload(http, c);
      awaitPlans(store);
      assertEveryPlannedChunkHasItsDigest(plan(http), all, 1);
    }
  }

  /** Chunk key to digest, for every chunk the trace reads. */
  private static Map<Long, String> digests(Trace trace) {
    Map<Long, String> digests = new HashMap<>();
    for (AccessEvent event : trace.getEventsList()) {
      for (ChunkRef ref : event.getChunksList()) {
        digests.put(
            ChunkKeys.of(ref.getLayerIndex(), ref.getCompressedOffset()), ref.getChunkDigest());
      }
    }
    return digests;
  }

  private static void assertEveryPlannedChunkHasItsDigest(
      ReplayPlan plan, Map<Long, String> digests, int atLeast) {
    List<String> expected = new ArrayList<>();
    List<String> planned = new ArrayList<>();
    for (LayerPlan layer : plan.getLayersList()) {
      for (PlannedRange range : layer.getRangesList()) {
        for (long off = range.getCompressedOffset();
            off < range.getCompressedOffset() + range.getCompressedLength();
            off += TestTraces.CHUNK) {
          String digest = digests.get(ChunkKeys.of(layer.getLayerIndex(), off));
          if (digest != null) {
            expected.add(digest);
          }
        }
        planned.addAll(range.getChunkDigestsList());
      }
    }
    assertThat(planned).hasSizeGreaterThanOrEqualTo(atLeast).doesNotContain("");
    assertThat(planned).isEqualTo(expected);
  }

  private static int plannedChunks(ReplayPlan plan) {
    return plan.getLayersList().stream()
        .flatMap(l -> l.getRangesList().stream())
        .mapToInt(PlannedRange::getChunkDigestsCount)
        .sum();
  }

  private static String upload(Http http, Trace trace) {
    Http.Response r = http.upload(TestTraces.file(trace), ADMIN);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  private static ReplayPlan plan(Http http) throws Exception {
    Http.Response r = http.get(PLAN, ADMIN, "application/x-protobuf");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return ReplayFiles.read(r.body(), ReadLimits.defaults());
  }

  private static void awaitPlans(ConfigurableApplicationContext store) throws Exception {
    assertThat(store.getBean(PlanRecomputer.class).awaitIdle(Duration.ofMinutes(2))).isTrue();
  }
}
