package dev.tracefetch.store.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseOutageTest {
  @Test
  void connectionFailuresAreOutages() {
    assertThat(DatabaseOutage.causedBy(new CannotGetJdbcConnectionException("no"))).isTrue();
    assertThat(
            DatabaseOutage.causedBy(
                new CannotCreateTransactionException(
                    "no", new SQLTransientConnectionException("pool timeout"))))
        .isTrue();
    assertThat(
            DatabaseOutage.causedBy(
                new IllegalStateException(new SQLException("terminating", "57P01"))))
        .isTrue();
    assertThat(DatabaseOutage.causedBy(new SQLException("refused", "08001"))).isTrue();
  }

  @Test
  void failedRollbackAfterAnOutageIsAnOutage() {
    TransactionSystemException rollback =
        new TransactionSystemException("JDBC rollback failed", new SQLException("broken pipe?"));
    assertThat(DatabaseOutage.causedBy(rollback)).isFalse();
    rollback.initApplicationException(new SQLException("terminating connection", "57P01"));
    assertThat(DatabaseOutage.causedBy(rollback)).isTrue();
  }

  @Test
  void aCommitOrRollbackOnAConnectionTheServerClosedIsAnOutage() {
    // What Spring throws when the commit failed with 57P01 and the rollback after it found the
    // connection closed: the commit failure is lost.
    assertThat(
            DatabaseOutage.causedBy(
                new TransactionSystemException(
                    "Could not roll back JDBC transaction",
                    new SQLException("Connection is closed"))))
        .isTrue();
    assertThat(
            DatabaseOutage.causedBy(
                new TransactionSystemException(
                    "Could not commit JDBC transaction", new SQLException("syntax", "42601"))))
        .isFalse();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(DatabaseOutage.causedBy(new DataIntegrityViolationException("dup"))).isFalse();
    assertThat(DatabaseOutage.causedBy(new SQLException("syntax", "42601"))).isFalse();
    assertThat(DatabaseOutage.causedBy(new IllegalStateException("bug"))).isFalse();
  }
}
