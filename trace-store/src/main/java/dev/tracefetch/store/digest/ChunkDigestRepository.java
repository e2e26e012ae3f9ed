package dev.tracefetch.store.digest;

import dev.tracefetch.store.db.ByteaParameter;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code chunk_digests} table: the chunk digests of each image, one row per upload that added
 * some.
 */
@Repository
public class ChunkDigestRepository {
  private final JdbcClient jdbc;

  public ChunkDigestRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** One stored row: {@code digests} holds 32 bytes per key, in key order of {@code keys}. */
  public record Batch(long id, long[] keys, byte[] digests) {}

  /** Stores {@code keys} and their digests (32 bytes each) for the image; returns the row's id. */
  public long insert(long imageId, long[] keys, byte[] digests) {
    ByteBuffer packed = ByteBuffer.allocate(8 * keys.length);
    packed.asLongBuffer().put(keys);
    return jdbc.sql(
            """
            INSERT INTO chunk_digests (image_id, chunk_keys, digests)
            VALUES (:imageId, :keys, :digests)
            RETURNING id
            """)
        .param("imageId", imageId)
        .param("keys", ByteaParameter.of(packed.array()))
        .param("digests", ByteaParameter.of(digests))
        .query(Long.class)
        .single();
  }

  /** Ids of the image's rows, oldest first. */
  public List<Long> ids(long imageId) {
    return jdbc.sql("SELECT id FROM chunk_digests WHERE image_id = :imageId ORDER BY id")
        .param("imageId", imageId)
        .query(Long.class)
        .list();
  }

  /** The image's rows with the given ids, oldest first. */
  public List<Batch> batches(long imageId, Collection<Long> ids) {
    return jdbc.sql(
            """
            SELECT id, chunk_keys, digests FROM chunk_digests
             WHERE image_id = :imageId AND id = ANY (:ids)
             ORDER BY id
            """)
        .param("imageId", imageId)
        .param("ids", ids.toArray(new Long[0]))
        .query(
            (rs, row) -> {
              byte[] packed = rs.getBytes("chunk_keys");
              long[] keys = new long[packed.length / 8];
              ByteBuffer.wrap(packed).asLongBuffer().get(keys);
              return new Batch(rs.getLong("id"), keys, rs.getBytes("digests"));
            })
        .list();
  }
}
