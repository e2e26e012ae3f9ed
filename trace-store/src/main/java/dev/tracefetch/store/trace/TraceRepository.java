package dev.tracefetch.store.trace;

import dev.tracefetch.store.db.ByteaParameter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.postgresql.PGStatement;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code traces} table, with the latest scores joined in where they are read. */
@Repository
public class TraceRepository {
  private static final String SELECT_RECORD =
      """
      SELECT t.id, a.name AS app, i.image_reference, i.manifest_digest, t.content_digest,
             t.file_size, t.event_count, t.file_count, t.readiness_reached, t.incomplete,
             t.dropped_events, t.duration_micros, t.recorded_at, t.uploaded_at, t.host,
             t.recording_mode, s.score, s.reasons, s.in_plan, s.plan_version
        FROM traces t
        JOIN images i ON i.id = t.image_id
        JOIN apps a ON a.id = i.app_id
        LEFT JOIN trace_scores s ON s.trace_id = t.id
      """;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;

  public TraceRepository(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
  }

  /**
   * Inserts the trace unless a trace with the same content digest exists (or is being inserted by a
   * concurrent transaction that then commits).
   *
   * @return true when this call inserted the row
   */
  public boolean insertIfAbsent(
      UUID id,
      long imageId,
      TraceMetadata meta,
      byte[] fileBytes,
      byte[] profile,
      Instant uploadedAt) {
    return jdbc.sql(
                """
                INSERT INTO traces (id, image_id, content_digest, file_bytes, profile, file_size,
                                    event_count, file_count, readiness_reached, incomplete,
                                    dropped_events, duration_micros, recorded_at, uploaded_at,
                                    host, recording_mode)
                VALUES (:id, :imageId, :contentDigest, :fileBytes, :profile, :fileSize,
                        :eventCount, :fileCount, :readinessReached, :incomplete,
                        :droppedEvents, :durationMicros, :recordedAt, :uploadedAt,
                        :host, :mode)
                ON CONFLICT (content_digest) DO NOTHING
                """)
            .param("id", id)
            .param("imageId", imageId)
            .param("contentDigest", meta.contentDigest())
            .param("fileBytes", ByteaParameter.of(fileBytes))
            .param("profile", ByteaParameter.of(profile))
            .param("fileSize", meta.fileSize())
            .param("eventCount", meta.eventCount())
            .param("fileCount", meta.fileCount())
            .param("readinessReached", meta.readinessReached())
            .param("incomplete", meta.incomplete())
            .param("droppedEvents", meta.droppedEvents())
            .param("durationMicros", meta.durationMicros())
            .param("recordedAt", meta.recordedAt().map(TraceRepository::utc).orElse(null))
            .param("uploadedAt", utc(uploadedAt))
            .param("host", meta.host())
            .param("mode", meta.recordingMode())
            .update()
        == 1;
  }

  public Optional<UUID> findIdByContentDigest(String contentDigest) {
    return jdbc.sql("SELECT id FROM traces WHERE content_digest = :digest")
        .param("digest", contentDigest)
        .query(UUID.class)
        .optional();
  }

  public Optional<TraceRecord> find(UUID id) {
    return jdbc.sql(SELECT_RECORD + " WHERE t.id = :id")
        .param("id", id)
        .query(TraceRepository::record)
        .optional();
  }

  public Optional<byte[]> fileBytes(UUID id) {
    return jdbc.sql("SELECT file_bytes FROM traces WHERE id = :id")
        .param("id", id)
        .query((rs, n) -> rs.getBytes(1))
        .optional();
  }

  /** Traces of an image, best ranked first; unranked ones last, newest first. */
  public List<TraceRecord> listRanked(long imageId) {
    return jdbc.sql(
            SELECT_RECORD
                + """
                 WHERE t.image_id = :imageId
                 ORDER BY s.score DESC NULLS LAST, t.uploaded_at DESC, t.id
                """)
        .param("imageId", imageId)
        .query(TraceRepository::record)
        .list();
  }

  /** Ids of the traces of an image. */
  public List<UUID> ids(long imageId) {
    return jdbc.sql("SELECT id FROM traces WHERE image_id = :imageId")
        .param("imageId", imageId)
        .query(UUID.class)
        .list();
  }

  /**
   * Stored profiles of the given traces of an image (those deleted meanwhile are absent).
   *
   * <p>One fixed statement text with the ids as an array, prepared on the server from its first
   * use: the driver then receives the profiles in binary form, not as hex text twice their size
   * that both ends would have to encode and decode.
   */
  public List<StoredProfile> profiles(long imageId, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return template.query(
        connection -> {
          PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT id, profile FROM traces WHERE image_id = ? AND id = ANY (?)");
          ps.unwrap(PGStatement.class).setPrepareThreshold(1);
          ps.setLong(1, imageId);
          ps.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
          return ps;
        },
        TraceRepository::storedProfile);
  }

  private static StoredProfile storedProfile(ResultSet rs, int n) throws SQLException {
    return new StoredProfile(rs.getObject("id", UUID.class), rs.getBytes("profile"));
  }

  /** Deletes the trace; returns its image id, or empty when there was no such trace. */
  public Optional<Long> delete(UUID id) {
    return jdbc.sql("DELETE FROM traces WHERE id = :id RETURNING image_id")
        .param("id", id)
        .query(Long.class)
        .optional();
  }

  private static TraceRecord record(ResultSet rs, int n) throws SQLException {
    OffsetDateTime recordedAt = rs.getObject("recorded_at", OffsetDateTime.class);
    TraceMetadata meta =
        new TraceMetadata(
            rs.getString("app"),
            rs.getString("image_reference"),
            rs.getString("manifest_digest"),
            rs.getString("content_digest"),
            rs.getLong("file_size"),
            rs.getLong("event_count"),
            rs.getInt("file_count"),
            rs.getBoolean("readiness_reached"),
            rs.getBoolean("incomplete"),
            rs.getLong("dropped_events"),
            rs.getLong("duration_micros"),
            Optional.ofNullable(recordedAt).map(OffsetDateTime::toInstant),
            rs.getString("host"),
            rs.getString("recording_mode"));
    double score = rs.getDouble("score");
    Optional<TraceRating> rating =
        rs.wasNull()
            ? Optional.empty()
            : Optional.of(
                new TraceRating(
                    score,
                    Arrays.asList((String[]) rs.getArray("reasons").getArray()),
                    rs.getBoolean("in_plan"),
                    rs.getLong("plan_version")));
    return new TraceRecord(
        rs.getObject("id", UUID.class),
        meta,
        rs.getObject("uploaded_at", OffsetDateTime.class).toInstant(),
        rating);
  }

  static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
