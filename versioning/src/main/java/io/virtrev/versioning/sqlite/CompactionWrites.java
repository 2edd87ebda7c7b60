package io.virtrev.versioning.sqlite;

import io.virtrev.api.Revision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The compaction role: only the compactor thread ({@code store-compactor}) writes here, on its own
 * write connection (confined to that thread, unguarded). Its transactions are {@code BEGIN IMMEDIATE}
 * and short (one chunk), and they take turns with the commits ({@code writeTurn}, fair), so a commit
 * waits at most one chunk and never fails with a stale snapshot.
 *
 * <p>Compaction (etcd's rule): compacting up to C keeps, for each (kind, uid), its newest row at or
 * below C unless that row is a DELETED, and every row above C. So the state at any R >= C is, per
 * (kind, uid), the newest row at or below R unless it is a DELETED. The mark is committed first, then
 * rows are deleted in chunks; a reader that sees the mark never looks below it, so a half-done
 * compaction is invisible.
 */
public final class CompactionWrites {
  private final Connection compactor; // store-compactor only
  private final ReentrantLock writeTurn;

  CompactionWrites(Connection compactor, ReentrantLock writeTurn) {
    this.compactor = compactor;
    this.writeTurn = writeTurn;
  }

  /**
   * Compactor: records {@code upTo} as the compacted revision (its own short transaction, before any
   * row is deleted, so that readers stop looking below it first).
   */
  public void markCompacted(Revision upTo) throws SQLException {
    writeTurn.lock();
    try {
      markCompactedTurn(upTo);
    } finally {
      writeTurn.unlock();
    }
  }

  private void markCompactedTurn(Revision upTo) throws SQLException {
    Transactions.begin(compactor);
    try {
      Transactions.raiseMark(compactor, upTo);
      Transactions.exec(compactor, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      Transactions.rollback(compactor, e);
      throw e;
    }
  }

  /**
   * Compactor: deletes, among the first {@code chunk} history rows after {@code after} and at or below
   * {@code upTo}, those that compaction to {@code upTo} drops (DELETED rows, and rows with a newer row
   * of the same uuid at or below {@code upTo}). One short transaction.
   *
   * @return the highest revision the chunk covered, or -1 if no row is left after {@code after}
   */
  public long compactChunk(long after, long upTo, int chunk) throws SQLException {
    writeTurn.lock();
    try {
      return compactChunkTurn(after, upTo, chunk);
    } finally {
      writeTurn.unlock();
    }
  }

  private long compactChunkTurn(long after, long upTo, int chunk) throws SQLException {
    Transactions.begin(compactor);
    try (PreparedStatement edge = compactor.prepareStatement(
            "SELECT MAX(revision) FROM (SELECT revision FROM history WHERE revision > ? AND revision <= ?"
                + " ORDER BY revision LIMIT ?)");
        PreparedStatement del = compactor.prepareStatement(
            "DELETE FROM history WHERE revision > ? AND revision <= ? AND (type = 'DELETED' OR EXISTS ("
                + "SELECT 1 FROM history n WHERE n.kind = history.kind AND n.uuid = history.uuid"
                + " AND n.revision > history.revision"
                + " AND n.revision <= ?))")) {
      edge.setLong(1, after);
      edge.setLong(2, upTo);
      edge.setInt(3, chunk);
      long hi;
      try (ResultSet rs = edge.executeQuery()) {
        rs.next();
        hi = rs.getLong(1);
        if (rs.wasNull()) {
          Transactions.exec(compactor, "COMMIT");
          return -1;
        }
      }
      del.setLong(1, after);
      del.setLong(2, hi);
      del.setLong(3, upTo);
      del.executeUpdate();
      Transactions.exec(compactor, "COMMIT");
      return hi;
    } catch (SQLException | RuntimeException e) {
      Transactions.rollback(compactor, e);
      throw e;
    }
  }

  /** Compactor: the lowest revision still in history, or -1 if it is empty. */
  public long oldestRow() throws SQLException {
    try (Statement st = compactor.createStatement(); ResultSet rs = st.executeQuery("SELECT MIN(revision) FROM history")) {
      rs.next();
      long r = rs.getLong(1);
      return rs.wasNull() ? -1 : r;
    }
  }

  /** Compactor: the newest revision committed at or before {@code cutoffMillis} (epoch ms), or 0. */
  public long ageTarget(long cutoffMillis) throws SQLException {
    try (PreparedStatement st = compactor.prepareStatement("SELECT MAX(revision) FROM history WHERE time_ms <= ?")) {
      st.setLong(1, cutoffMillis);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1); // 0 if NULL
      }
    }
  }

}
