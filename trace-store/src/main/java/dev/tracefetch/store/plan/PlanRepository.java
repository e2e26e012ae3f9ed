package dev.tracefetch.store.plan;

import dev.tracefetch.store.catalog.ImageRef;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code plans} and {@code trace_scores} tables. */
@Repository
class PlanRepository {
  private final JdbcClient jdbc;
  private final JdbcTemplate template;

  PlanRepository(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
  }

  /** A plan row as stored. */
  record PlanRow(long imageId, long version, Instant createdAt, byte[] bytes) {}

  /**
   * Locks the image row against concurrent plan writers (other instances included) without blocking
   * uploads, which only take a key-share lock on it. False when the image is gone.
   */
  boolean lockImage(long imageId) {
    return jdbc.sql("SELECT id FROM images WHERE id = :id FOR NO KEY UPDATE")
        .param("id", imageId)
        .query(Long.class)
        .optional()
        .isPresent();
  }

  long nextVersion(long imageId) {
    return jdbc.sql("SELECT coalesce(max(version), 0) + 1 FROM plans WHERE image_id = :id")
        .param("id", imageId)
        .query(Long.class)
        .single();
  }

  void insert(long imageId, long version, byte[] bytes, int traceCount, Instant createdAt) {
    jdbc.sql(
            """
            INSERT INTO plans (image_id, version, plan_bytes, trace_count, created_at)
            VALUES (:imageId, :version, :bytes, :traceCount, :createdAt)
            """)
        .param("imageId", imageId)
        .param("version", version)
        .param("bytes", bytes)
        .param("traceCount", traceCount)
        .param("createdAt", utc(createdAt))
        .update();
  }

  /** Deletes versions older than the newest {@code keep}. */
  void prune(long imageId, long newestVersion, int keep) {
    jdbc.sql("DELETE FROM plans WHERE image_id = :imageId AND version <= :oldest")
        .param("imageId", imageId)
        .param("oldest", newestVersion - keep)
        .update();
  }

  /** Replaces the scores of the given traces; traces deleted meanwhile are skipped. */
  void saveScores(List<TraceJudgement> ranking, long planVersion, Instant computedAt) {
    OffsetDateTime at = utc(computedAt);
    template.batchUpdate(
        """
        INSERT INTO trace_scores (trace_id, score, reasons, in_plan, plan_version, computed_at)
        SELECT t.id, ?, ?, ?, ?, ? FROM traces t WHERE t.id = ?
        ON CONFLICT (trace_id) DO UPDATE
           SET score = EXCLUDED.score, reasons = EXCLUDED.reasons, in_plan = EXCLUDED.in_plan,
               plan_version = EXCLUDED.plan_version, computed_at = EXCLUDED.computed_at
        """,
        new BatchPreparedStatementSetter() {
          @Override
          public void setValues(PreparedStatement ps, int i) throws SQLException {
            TraceJudgement j = ranking.get(i);
            ps.setDouble(1, j.score());
            ps.setArray(2, ps.getConnection().createArrayOf("text", j.reasons().toArray()));
            ps.setBoolean(3, j.inPlan());
            ps.setLong(4, planVersion);
            ps.setObject(5, at);
            ps.setObject(6, j.traceId());
          }

          @Override
          public int getBatchSize() {
            return ranking.size();
          }
        });
  }

  /**
   * The newest image of {@code app} other than {@code exceptDigest} that has traces and a plan: the
   * source of a cross-image plan.
   */
  Optional<ImageRef> newestOtherImageWithPlan(String app, String exceptDigest) {
    return jdbc.sql(
            """
            SELECT i.id, a.name, i.manifest_digest, i.image_reference
              FROM images i
              JOIN apps a ON a.id = i.app_id
             WHERE a.name = :app AND i.manifest_digest <> :digest
               AND EXISTS (SELECT 1 FROM traces t WHERE t.image_id = i.id)
               AND EXISTS (SELECT 1 FROM plans p WHERE p.image_id = i.id)
             ORDER BY i.created_at DESC, i.id DESC
             LIMIT 1
            """)
        .param("app", app)
        .param("digest", exceptDigest)
        .query(
            (rs, n) ->
                new ImageRef(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
        .optional();
  }

  /** The current version number of the image's plan, without its bytes. */
  Optional<Long> latestVersion(long imageId) {
    return jdbc.sql("SELECT version FROM plans WHERE image_id = :id ORDER BY version DESC LIMIT 1")
        .param("id", imageId)
        .query(Long.class)
        .optional();
  }

  Optional<PlanRow> latest(long imageId) {
    return jdbc.sql(
            """
            SELECT image_id, version, created_at, plan_bytes FROM plans
             WHERE image_id = :id
             ORDER BY version DESC
             LIMIT 1
            """)
        .param("id", imageId)
        .query(
            (rs, n) ->
                new PlanRow(
                    rs.getLong("image_id"),
                    rs.getLong("version"),
                    rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                    rs.getBytes("plan_bytes")))
        .optional();
  }

  /**
   * Images whose traces changed after their newest plan was computed, or that have traces but no
   * plan: what a recomputation missed when the store stopped.
   */
  List<Long> stalePlans() {
    return jdbc.sql(
            """
            SELECT i.id
              FROM images i
              LEFT JOIN LATERAL (SELECT p.trace_count, p.created_at FROM plans p
                                  WHERE p.image_id = i.id
                                  ORDER BY p.version DESC LIMIT 1) p ON true
              LEFT JOIN LATERAL (SELECT count(*) AS n, max(t.uploaded_at) AS newest FROM traces t
                                  WHERE t.image_id = i.id) t ON true
             WHERE (p.created_at IS NULL AND t.n > 0)
                OR p.trace_count <> t.n
                OR t.newest >= p.created_at
            """)
        .query(Long.class)
        .list();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
