package io.virtrev.versioning.sqlite;

import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The commit role: the store's sync thread ({@code store-sync}) writes each group commit here, on the
 * write connection (confined to that thread, unguarded), one {@code BEGIN IMMEDIATE} transaction per
 * commit, taking its turn ({@code writeTurn}, shared with {@link CompactionWrites}). It may raise the
 * compacted mark in the same transaction (the count limit); it never deletes history. After a failed
 * commit it reads back what the file holds ({@link #committedAfter}).
 */
public final class CommitWrites {
  /** What a {@link #probe} writes (and deletes in the same transaction): about a large domain's XML. */
  static final int PROBE_BYTES = 32 * 1024;

  private final Connection writer; // store-sync only
  private final ReentrantLock writeTurn;

  CommitWrites(Connection writer, ReentrantLock writeTurn) {
    this.writer = writer;
    this.writeTurn = writeTurn;
  }

  /** Writes the events (dense, ascending revisions) and the new current objects in one transaction. */
  public void commit(List<StoredEvent> events) throws SQLException {
    commit(events, null);
  }

  /**
   * As {@link #commit(List)}, and raises the compacted mark to {@code compactTo} (if not null and
   * higher) in the same transaction: the writer's count-based mark is atomic with the commit that
   * crosses it. Rows are deleted later by the compactor.
   */
  public void commit(List<StoredEvent> events, Revision compactTo) throws SQLException {
    writeTurn.lock();
    try {
      commitTurn(events, compactTo);
    } finally {
      writeTurn.unlock();
    }
  }

  private void commitTurn(List<StoredEvent> events, Revision compactTo) throws SQLException {
    Transactions.begin(writer);
    try (PreparedStatement hist = writer.prepareStatement(
            "INSERT INTO history(revision, uuid, name, type, time_ms, prev_name, prev_state, json, state, labels,"
                + " prev_labels, kind, owner) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
        PreparedStatement upsert = writer.prepareStatement(
            "INSERT INTO objects(kind, uuid, revision, json) VALUES (?,?,?,?)"
                + " ON CONFLICT(kind, uuid) DO UPDATE SET revision = excluded.revision, json = excluded.json");
        PreparedStatement delete = writer.prepareStatement("DELETE FROM objects WHERE kind = ? AND uuid = ?");
        PreparedStatement meta = writer.prepareStatement("UPDATE meta SET value = ? WHERE key = 'revision'")) {
      byte[][] json = new byte[events.size()][]; // each object copied out of its line once, for both tables
      for (int i = 0; i < events.size(); i++) {
        StoredEvent e = events.get(i);
        json[i] = e.objectJson();
        hist.setLong(1, e.revision().value());
        hist.setString(2, e.uuid());
        hist.setString(3, e.name());
        hist.setString(4, e.type());
        hist.setLong(5, e.time().toEpochMilli());
        hist.setString(6, e.prevName());
        hist.setString(7, e.prevState());
        hist.setBytes(8, json[i]);
        hist.setString(9, e.state());
        hist.setString(10, Rows.labelsJson(e.labels()));
        hist.setString(11, Rows.labelsJson(e.prevLabels()));
        hist.setString(12, e.kind().key());
        hist.setString(13, e.ownerUid());
        hist.addBatch();
      }
      hist.executeBatch();
      // In event order: one batch may upsert and then delete the same uuid.
      for (int i = 0; i < events.size(); i++) {
        StoredEvent e = events.get(i);
        if (e.type().equals(WatchEvent.DELETED)) {
          delete.setString(1, e.kind().key());
          delete.setString(2, e.uuid());
          delete.executeUpdate();
        } else {
          upsert.setString(1, e.kind().key());
          upsert.setString(2, e.uuid());
          upsert.setLong(3, e.revision().value());
          upsert.setBytes(4, json[i]);
          upsert.executeUpdate();
        }
      }
      long last = events.get(events.size() - 1).revision().value();
      meta.setString(1, Long.toString(last));
      meta.executeUpdate();
      if (compactTo != null) {
        Transactions.raiseMark(writer, compactTo);
      }
      Transactions.exec(writer, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      Transactions.rollback(writer, e);
      throw e;
    }
  }

  /**
   * Whether the store can commit again: one write transaction that inserts a row of {@link #PROBE_BYTES}
   * into {@code meta} and deletes it again, so it changes nothing a reader sees but needs new pages in
   * the file and room in the WAL, as a commit of a typical domain does. The sync thread uses it to learn
   * that a full disk has room again when it has nothing to commit.
   */
  public void probe() throws SQLException {
    writeTurn.lock();
    try {
      probeTurn();
    } finally {
      writeTurn.unlock();
    }
  }

  private void probeTurn() throws SQLException {
    Transactions.begin(writer);
    try (Statement st = writer.createStatement()) {
      st.executeUpdate("INSERT INTO meta(key, value) VALUES ('probe', zeroblob(" + PROBE_BYTES + "))");
      st.executeUpdate("DELETE FROM meta WHERE key = 'probe'");
      Transactions.exec(writer, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      Transactions.rollback(writer, e);
      throw e;
    }
  }

  /** The revision the file holds ({@code meta.revision}), read on the write connection (sync thread). */
  public long committedRevision() throws SQLException {
    try (Statement st = writer.createStatement();
        ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'revision'")) {
      rs.next();
      return Long.parseLong(rs.getString(1));
    }
  }

  /**
   * The history rows after {@code after} up to the file's revision, with their objects, in order, and
   * the file's compacted mark: what the file holds that the store has not published (sync thread, on
   * the write connection, in one read transaction).
   */
  public Catchup committedAfter(long after) throws SQLException {
    Transactions.exec(writer, "BEGIN");
    try (Statement st = writer.createStatement();
        PreparedStatement rows = writer.prepareStatement(
            "SELECT " + Rows.ROW + " FROM history WHERE revision > ?"
                + " AND revision <= ? ORDER BY revision")) {
      Map<String, String> meta = new java.util.HashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT key, value FROM meta")) {
        while (rs.next()) {
          meta.put(rs.getString(1), rs.getString(2));
        }
      }
      long upTo = metaLong(meta, "revision");
      rows.setLong(1, after);
      rows.setLong(2, upTo);
      List<StoredEvent> out = new ArrayList<>();
      try (ResultSet rs = rows.executeQuery()) {
        while (rs.next()) {
          out.add(Rows.event(rs));
        }
      }
      Transactions.exec(writer, "COMMIT");
      return new Catchup(out, Revision.of(upTo), Revision.of(metaLong(meta, "compacted")));
    } catch (SQLException | RuntimeException e) {
      Transactions.rollback(writer, e);
      throw e;
    }
  }

  /** What {@link #committedAfter} found: the rows, the file's revision and its compacted mark. */
  public record Catchup(List<StoredEvent> events, Revision revision, Revision compacted) {}


  private static long metaLong(Map<String, String> meta, String key) {
    try {
      return Long.parseLong(meta.get(key));
    } catch (NumberFormatException e) {
      throw new StoreException("the store is corrupt: meta '" + key + "' = " + meta.get(key));
    }
  }
}
