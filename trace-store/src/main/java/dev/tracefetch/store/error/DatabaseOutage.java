package dev.tracefetch.store.error;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a database outage (server down, restarting, unreachable, no connection within the pool's
 * timeout) from a server fault, so that callers get "try again" (HTTP 503, gRPC UNAVAILABLE) while
 * PostgreSQL is away, and background work retries instead of giving up.
 */
public final class DatabaseOutage {
  private DatabaseOutage() {}

  /** Whether {@code failure}, or anything in its cause chain, says the database is unreachable. */
  public static boolean causedBy(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataAccessResourceFailureException
          || t instanceof TransientDataAccessException
          || t instanceof CannotCreateTransactionException
          || t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && isOutageState(sql.getSQLState())) {
        return true;
      }
      // A commit or rollback on a connection that is already closed: the server dropped it
      // (Spring rethrows the rollback failure and loses the commit failure, e.g. a 57P01, that
      // made it roll back).
      if (t instanceof TransactionSystemException
          && t.getCause() instanceof SQLException sql
          && sql.getMessage() != null
          && sql.getMessage().contains("Connection is closed")) {
        return true;
      }
      // A rollback that failed because the connection died: the failure that caused the
      // rollback says why.
      if (t instanceof TransactionSystemException tse
          && tse.getApplicationException() != null
          && tse.getApplicationException() != failure
          && causedBy(tse.getApplicationException())) {
        return true;
      }
    }
    return false;
  }

  /**
   * SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin shutdown, crash shutdown,
   * cannot connect now: the server is stopping, restarting or still starting).
   */
  private static boolean isOutageState(String state) {
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }
}
