package io.virtrev.versioning;

import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The durable half of the store: SQLite in WAL mode with {@code synchronous=FULL}, so a transaction
 * is on disk when {@link #commit} returns. Tables: {@code meta} (store id, schema version, current and
 * compacted revision), {@code objects} (current object per uuid), {@code history} (one row per retained
 * revision, with its type and full object).
 *
 * <p>Threads: {@link #commit} and {@link #compact} only from the store's writer thread (they use the
 * write connection unguarded). {@link #readHistory} from any thread: {@code readLock} guards the read
 * connection. An exclusive file lock on {@code virtrev.lock} keeps a second daemon off the same store.
 */
final class SqliteRevisions implements AutoCloseable {
  static final int SCHEMA_VERSION = 1;
  private static final String DB_FILE = "virtrev.db";

  /** What {@link #open} found on disk. */
  record Loaded(String storeId, Revision revision, Revision compacted, List<Domain> objects, boolean created) {}

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Connection writer;
  private final Object readLock = new Object();
  private final Connection reader; // guarded by readLock

  private SqliteRevisions(Path dir, FileChannel lockChannel, FileLock lock, Connection writer, Connection reader) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.writer = writer;
    this.reader = reader;
  }

  static SqliteRevisions open(Path dir) {
    FileChannel ch = null;
    try {
      Files.createDirectories(dir);
      ch = FileChannel.open(dir.resolve("virtrev.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StoreException("store " + dir + " is in use by another virtrevd (virtrev.lock is held)");
      }
      String url = "jdbc:sqlite:" + dir.resolve(DB_FILE);
      Connection w = DriverManager.getConnection(url);
      try (Statement st = w.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=FULL");
        st.execute("PRAGMA busy_timeout=10000");
      }
      Connection r = DriverManager.getConnection(url);
      try (Statement st = r.createStatement()) {
        st.execute("PRAGMA busy_timeout=10000");
      }
      return new SqliteRevisions(dir, ch, lock, w, r);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StoreException("cannot open store in " + dir + ": " + e, e);
    } catch (SQLException e) {
      closeQuietly(ch);
      throw unreadable(dir, e);
    }
  }

  /** Creates the schema on an empty database, or checks and loads an existing one. */
  Loaded load() {
    try {
      boolean created = false;
      writer.setAutoCommit(false);
      try (Statement st = writer.createStatement()) {
        if (!tableExists("meta")) {
          st.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
          st.execute("CREATE TABLE objects(uuid TEXT PRIMARY KEY, revision INTEGER NOT NULL, json BLOB NOT NULL)");
          st.execute("CREATE TABLE history(revision INTEGER PRIMARY KEY, uuid TEXT NOT NULL, name TEXT NOT NULL,"
              + " type TEXT NOT NULL, time_ms INTEGER NOT NULL, prev_name TEXT, prev_state TEXT, json BLOB NOT NULL)");
          st.execute("CREATE INDEX history_uuid ON history(uuid, revision)");
          putMeta("schema_version", Integer.toString(SCHEMA_VERSION));
          putMeta("store_id", UUID.randomUUID().toString());
          putMeta("revision", "0");
          putMeta("compacted", "0");
          created = true;
        }
      }
      writer.commit();
      Map<String, String> meta = readMeta();
      int schema = parseInt(meta, "schema_version");
      if (schema > SCHEMA_VERSION) {
        throw new StoreException("store " + dir + " has schema version " + schema
            + ", written by a newer virtrevd; this one understands up to " + SCHEMA_VERSION
            + ". Refusing to touch it.");
      }
      Revision revision = Revision.of(parseLong(meta, "revision"));
      Revision compacted = Revision.of(parseLong(meta, "compacted"));
      List<Domain> objects = new ArrayList<>();
      try (Statement st = writer.createStatement();
          ResultSet rs = st.executeQuery("SELECT revision, json FROM objects")) {
        while (rs.next()) {
          Domain d = Json.read(rs.getBytes(2), Domain.class);
          if (d.resourceVersion().value() != rs.getLong(1) || d.resourceVersion().isAfter(revision)) {
            throw new StoreException("store " + dir + " is inconsistent: object " + d.uuid() + " at revision "
                + d.resourceVersion() + " but store revision is " + revision);
          }
          objects.add(d);
        }
      }
      writer.commit();
      return new Loaded(meta.get("store_id"), revision, compacted, objects, created);
    } catch (SQLException | RuntimeException e) {
      if (e instanceof StoreException se) {
        throw se;
      }
      throw unreadable(dir, e);
    }
  }

  /** Writes the events (dense, ascending revisions) and the new current objects in one transaction. */
  void commit(List<StoredEvent> events) throws SQLException {
    try (PreparedStatement hist = writer.prepareStatement(
            "INSERT INTO history(revision, uuid, name, type, time_ms, prev_name, prev_state, json)"
                + " VALUES (?,?,?,?,?,?,?,?)");
        PreparedStatement upsert = writer.prepareStatement(
            "INSERT INTO objects(uuid, revision, json) VALUES (?,?,?)"
                + " ON CONFLICT(uuid) DO UPDATE SET revision = excluded.revision, json = excluded.json");
        PreparedStatement delete = writer.prepareStatement("DELETE FROM objects WHERE uuid = ?");
        PreparedStatement meta = writer.prepareStatement("UPDATE meta SET value = ? WHERE key = 'revision'")) {
      for (StoredEvent e : events) {
        Domain d = e.object();
        hist.setLong(1, e.revision().value());
        hist.setString(2, d.uuid());
        hist.setString(3, d.name());
        hist.setString(4, e.type());
        hist.setLong(5, e.time().toEpochMilli());
        hist.setString(6, e.prevName());
        hist.setString(7, e.prevState());
        hist.setBytes(8, e.objectJson());
        hist.addBatch();
      }
      hist.executeBatch();
      // In event order: one batch may upsert and then delete the same uuid.
      for (StoredEvent e : events) {
        if (e.type().equals(WatchEvent.DELETED)) {
          delete.setString(1, e.object().uuid());
          delete.executeUpdate();
        } else {
          upsert.setString(1, e.object().uuid());
          upsert.setLong(2, e.revision().value());
          upsert.setBytes(3, e.objectJson());
          upsert.executeUpdate();
        }
      }
      long last = events.get(events.size() - 1).revision().value();
      meta.setString(1, Long.toString(last));
      meta.executeUpdate();
      writer.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        writer.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Deletes history at or below {@code upTo} and records it as the compacted revision. */
  void compact(Revision upTo) throws SQLException {
    try (PreparedStatement del = writer.prepareStatement("DELETE FROM history WHERE revision <= ?");
        PreparedStatement meta = writer.prepareStatement("UPDATE meta SET value = ? WHERE key = 'compacted'")) {
      del.setLong(1, upTo.value());
      del.executeUpdate();
      meta.setString(1, upTo.toString());
      meta.executeUpdate();
      writer.commit();
    } catch (SQLException e) {
      writer.rollback();
      throw e;
    }
  }

  /**
   * Up to {@code max} retained events after {@code after}, in order and without a gap.
   *
   * @throws ApiException EXPIRED if a revision after {@code after} is no longer retained
   */
  List<StoredEvent> readHistory(long after, int max) {
    synchronized (readLock) {
      try {
        List<StoredEvent> out = new ArrayList<>();
        long compacted;
        try (PreparedStatement st = reader.prepareStatement(
                "SELECT revision, type, time_ms, json, prev_name, prev_state FROM history WHERE revision > ?"
                    + " ORDER BY revision LIMIT ?");
            PreparedStatement cm = reader.prepareStatement("SELECT value FROM meta WHERE key = 'compacted'")) {
          reader.setAutoCommit(false); // one read transaction: the rows and the compacted mark agree
          try (ResultSet rs = cm.executeQuery()) {
            rs.next();
            compacted = Long.parseLong(rs.getString(1));
          }
          if (after < compacted) {
            throw expired(after, compacted);
          }
          st.setLong(1, after);
          st.setInt(2, max);
          try (ResultSet rs = st.executeQuery()) {
            long expect = after + 1;
            while (rs.next()) {
              long rev = rs.getLong(1);
              if (rev != expect) {
                throw new IllegalStateException("history has a gap: expected revision " + expect + ", found " + rev);
              }
              Domain d = Json.read(rs.getBytes(4), Domain.class);
              out.add(new StoredEvent(Revision.of(rev), rs.getString(2), d,
                  Instant.ofEpochMilli(rs.getLong(3)), rs.getBytes(4), rs.getString(5), rs.getString(6)));
              expect++;
            }
          }
        } finally {
          reader.rollback();
          reader.setAutoCommit(true);
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("cannot read history after revision " + after + ": " + e.getMessage(), e);
      }
    }
  }

  private static StoreException unreadable(Path dir, Exception e) {
    return new StoreException("store " + dir + " is not a readable virtrev store (" + e.getMessage()
        + "); refusing to start. Move it aside to start with a new, empty store.", e);
  }

  static ApiException expired(long after, long compacted) {
    return new ApiException(ApiException.Reason.EXPIRED,
        "too old resource version: " + after + " (oldest retained: " + (compacted + 1)
            + "); list again and watch from the list's resourceVersion",
        Map.of("compactedRevision", Long.toString(compacted)), null);
  }

  private boolean tableExists(String name) throws SQLException {
    try (PreparedStatement st = writer.prepareStatement(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void putMeta(String key, String value) throws SQLException {
    try (PreparedStatement st = writer.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?)")) {
      st.setString(1, key);
      st.setString(2, value);
      st.executeUpdate();
    }
  }

  private Map<String, String> readMeta() throws SQLException {
    Map<String, String> m = new java.util.HashMap<>();
    try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("SELECT key, value FROM meta")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getString(2));
      }
    }
    writer.commit();
    for (String k : List.of("schema_version", "store_id", "revision", "compacted")) {
      if (!m.containsKey(k)) {
        throw new StoreException("store " + dir + " is corrupt: meta has no '" + k + "'");
      }
    }
    return m;
  }

  private int parseInt(Map<String, String> meta, String key) {
    return (int) parseLong(meta, key);
  }

  private long parseLong(Map<String, String> meta, String key) {
    try {
      return Long.parseLong(meta.get(key));
    } catch (NumberFormatException e) {
      throw new StoreException("store " + dir + " is corrupt: meta '" + key + "' = " + meta.get(key));
    }
  }

  @Override
  public void close() {
    synchronized (readLock) {
      closeQuietly(reader);
    }
    closeQuietly(writer);
    try {
      lock.release();
    } catch (IOException ignored) {
      // the channel close below releases it too
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // closing: nothing left to do with the failure
    }
  }
}
