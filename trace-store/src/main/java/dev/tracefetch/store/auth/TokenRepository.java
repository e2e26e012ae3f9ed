package dev.tracefetch.store.auth;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code api_tokens} table: token hashes and what they allow. */
@Repository
class TokenRepository {
  private static final String COLUMNS =
      "id, token_hash, scopes, app_pattern, description, created_at, revoked_at";

  private final JdbcClient jdbc;

  TokenRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A row including the hash, used only to verify a presented token. */
  record StoredToken(ApiToken token, byte[] hash) {}

  void insert(ApiToken token, byte[] hash) {
    jdbc.sql(
            """
            INSERT INTO api_tokens (id, token_hash, scopes, app_pattern, description, created_at)
            VALUES (:id, :hash, :scopes, :appPattern, :description, :createdAt)
            """)
        .param("id", token.id())
        .param("hash", hash)
        .param(
            "scopes", token.scopes().stream().map(Scope::wireName).sorted().toArray(String[]::new))
        .param("appPattern", token.appPattern().map(AppPattern::glob).orElse(null))
        .param("description", token.description())
        .param("createdAt", OffsetDateTime.ofInstant(token.createdAt(), ZoneOffset.UTC))
        .update();
  }

  Optional<StoredToken> find(String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens WHERE id = :id")
        .param("id", id)
        .query((rs, n) -> new StoredToken(map(rs), rs.getBytes("token_hash")))
        .optional();
  }

  List<ApiToken> list() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, id")
        .query((rs, n) -> map(rs))
        .list();
  }

  /** Marks the token revoked; false when there is no such token. */
  boolean revoke(String id, Instant at) {
    return jdbc.sql(
                """
                UPDATE api_tokens SET revoked_at = coalesce(revoked_at, :at) WHERE id = :id
                """)
            .param("id", id)
            .param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
            .update()
        == 1;
  }

  private static ApiToken map(ResultSet rs) throws SQLException {
    Array scopes = rs.getArray("scopes");
    Set<Scope> parsed =
        Arrays.stream((String[]) scopes.getArray())
            .map(Scope::parse)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
    OffsetDateTime revoked = rs.getObject("revoked_at", OffsetDateTime.class);
    return new ApiToken(
        rs.getString("id"),
        parsed,
        Optional.ofNullable(rs.getString("app_pattern")).map(AppPattern::new),
        rs.getString("description"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        Optional.ofNullable(revoked).map(OffsetDateTime::toInstant));
  }
}
