package dev.tracefetch.store.db;

import java.io.ByteArrayInputStream;
import org.springframework.jdbc.core.SqlTypeValue;

/**
 * A {@code bytea} parameter handed to the driver as a stream over the array: {@code setBytes} would
 * copy every 2 MB upload and its profile once more before sending them.
 */
public final class ByteaParameter {
  private ByteaParameter() {}

  public static SqlTypeValue of(byte[] bytes) {
    return (ps, index, sqlType, typeName) ->
        ps.setBinaryStream(index, new ByteArrayInputStream(bytes), bytes.length);
  }
}
