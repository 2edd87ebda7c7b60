package io.virtrev.versioning.sqlite;

import io.virtrev.api.Revision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Explicit write transactions, shared by the commit and compaction roles: {@code BEGIN IMMEDIATE} and
 * {@code ROLLBACK} by hand, and the compacted mark that both raise. Stateless.
 */
final class Transactions {
  private Transactions() {}

  /**
   * The transactions on the write connection are explicit, not JDBC's: SQLite rolls a transaction back
   * by itself when a statement fails with SQLITE_FULL, SQLITE_IOERR or SQLITE_NOMEM, and a driver that
   * still believes it is inside one would run the next statements in autocommit mode, each committed
   * on its own. Here a failed statement ends the transaction ({@link #rollback}); the next one starts
   * with {@code BEGIN IMMEDIATE}, which also finds a transaction that was left open (a COMMIT that
   * failed): that one is rolled back first, so no write ever lands outside a transaction.
   */
  static void begin(Connection c) throws SQLException {
    try {
      exec(c, "BEGIN IMMEDIATE");
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("within a transaction")) {
        throw e;
      }
      exec(c, "ROLLBACK");
      exec(c, "BEGIN IMMEDIATE");
    }
  }

  /** Ends a failed transaction, unless SQLite already rolled it back itself. */
  static void rollback(Connection c, Exception cause) {
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        cause.addSuppressed(e);
      }
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** The mark only ever rises (writer and compactor both raise it). */
  static void raiseMark(Connection c, Revision upTo) throws SQLException {
    try (PreparedStatement meta = c.prepareStatement(
        "UPDATE meta SET value = ?1 WHERE key = 'compacted' AND CAST(value AS INTEGER) < ?2")) {
      meta.setString(1, upTo.toString());
      meta.setLong(2, upTo.value());
      meta.executeUpdate();
    }
  }

}
