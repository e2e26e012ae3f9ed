package dev.tracefetch.store.catalog;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code apps} and {@code images} tables. Rows are created on first upload with insert-or-find
 * statements that stay correct when many uploads for a new app race.
 */
@Repository
public class CatalogRepository {
  private final JdbcClient jdbc;

  public CatalogRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The id of app {@code name}, creating the row if needed. */
  public long ensureApp(String name) {
    Optional<Long> inserted =
        jdbc.sql(
                """
                INSERT INTO apps (name) VALUES (:name)
                ON CONFLICT (name) DO NOTHING
                RETURNING id
                """)
            .param("name", name)
            .query(Long.class)
            .optional();
    // ON CONFLICT waits for a racing insert to commit, so the row is visible to this next query.
    return inserted.orElseGet(
        () ->
            jdbc.sql("SELECT id FROM apps WHERE name = :name")
                .param("name", name)
                .query(Long.class)
                .single());
  }

  /** The id of the image, creating the row (with this reference) if needed. */
  public long ensureImage(long appId, String manifestDigest, String imageReference) {
    Optional<Long> inserted =
        jdbc.sql(
                """
                INSERT INTO images (app_id, manifest_digest, image_reference)
                VALUES (:appId, :digest, :reference)
                ON CONFLICT (app_id, manifest_digest) DO NOTHING
                RETURNING id
                """)
            .param("appId", appId)
            .param("digest", manifestDigest)
            .param("reference", imageReference)
            .query(Long.class)
            .optional();
    return inserted.orElseGet(
        () ->
            jdbc.sql(
                    """
                    SELECT id FROM images WHERE app_id = :appId AND manifest_digest = :digest
                    """)
                .param("appId", appId)
                .param("digest", manifestDigest)
                .query(Long.class)
                .single());
  }

  public List<AppOverview> listApps() {
    return jdbc.sql(
            """
            SELECT a.name,
                   count(DISTINCT i.id) AS image_count,
                   count(t.id)          AS trace_count,
                   max(t.uploaded_at)   AS last_upload
              FROM apps a
              LEFT JOIN images i ON i.app_id = a.id
              LEFT JOIN traces t ON t.image_id = i.id
             GROUP BY a.id, a.name
             ORDER BY a.name
            """)
        .query(
            (rs, n) ->
                new AppOverview(
                    rs.getString("name"),
                    rs.getInt("image_count"),
                    rs.getInt("trace_count"),
                    Optional.ofNullable(rs.getObject("last_upload", OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant)))
        .list();
  }

  public Optional<Long> findApp(String name) {
    return jdbc.sql("SELECT id FROM apps WHERE name = :name")
        .param("name", name)
        .query(Long.class)
        .optional();
  }

  public List<ImageOverview> listImages(long appId) {
    return jdbc.sql(
            """
            SELECT i.manifest_digest,
                   i.image_reference,
                   (SELECT count(*) FROM traces t WHERE t.image_id = i.id)          AS trace_count,
                   (SELECT max(t.uploaded_at) FROM traces t WHERE t.image_id = i.id) AS last_upload,
                   (SELECT max(p.version) FROM plans p WHERE p.image_id = i.id)     AS plan_version
              FROM images i
             WHERE i.app_id = :appId
             ORDER BY i.created_at DESC, i.id DESC
            """)
        .param("appId", appId)
        .query(
            (rs, n) -> {
              long version = rs.getLong("plan_version");
              Optional<Long> planVersion = rs.wasNull() ? Optional.empty() : Optional.of(version);
              return new ImageOverview(
                  rs.getString("manifest_digest"),
                  rs.getString("image_reference"),
                  rs.getInt("trace_count"),
                  planVersion,
                  Optional.ofNullable(rs.getObject("last_upload", OffsetDateTime.class))
                      .map(OffsetDateTime::toInstant));
            })
        .list();
  }

  /**
   * The id of an existing image: one statement instead of the four of {@link #ensureApp} and {@link
   * #ensureImage} for every upload but the first of an image (apps and images are never deleted).
   */
  public Optional<Long> findImageId(String app, String manifestDigest) {
    return jdbc.sql(
            """
            SELECT i.id FROM images i JOIN apps a ON a.id = i.app_id
             WHERE a.name = :app AND i.manifest_digest = :digest
            """)
        .param("app", app)
        .param("digest", manifestDigest)
        .query(Long.class)
        .optional();
  }

  public Optional<ImageRef> findImage(String app, String manifestDigest) {
    return jdbc.sql(
            """
            SELECT i.id, a.name, i.manifest_digest, i.image_reference
              FROM images i JOIN apps a ON a.id = i.app_id
             WHERE a.name = :app AND i.manifest_digest = :digest
            """)
        .param("app", app)
        .param("digest", manifestDigest)
        .query(CatalogRepository::imageRef)
        .optional();
  }

  public Optional<ImageRef> findImage(long imageId) {
    return jdbc.sql(
            """
            SELECT i.id, a.name, i.manifest_digest, i.image_reference
              FROM images i JOIN apps a ON a.id = i.app_id
             WHERE i.id = :id
            """)
        .param("id", imageId)
        .query(CatalogRepository::imageRef)
        .optional();
  }

  private static ImageRef imageRef(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
    return new ImageRef(
        rs.getLong("id"),
        rs.getString("name"),
        rs.getString("manifest_digest"),
        rs.getString("image_reference"));
  }
}
