package io.virtrev.versioning.sqlite;

import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.versioning.Kind;
import io.virtrev.versioning.StoreException;
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
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The durable half of the store: SQLite in WAL mode with {@code synchronous=FULL}, so a transaction
 * is on disk when a commit returns. This class opens the file (creating, checking and migrating it:
 * {@link Schema}, {@link StoreFiles}), holds the exclusive file lock on {@code virtrev.lock} that keeps
 * a second daemon off the same store, owns the four connections, and hands each to its role:
 * <ul>
 *   <li>{@link #commits()}: the sync thread's commits, on the write connection;
 *   <li>{@link #compaction()}: the compactor thread's mark and chunks, on its own write connection;
 *   <li>{@link #history()}: watchers' history pages, on the read connection ({@code readLock});
 *   <li>{@link #queries()}: lists, gets, history and diff at a revision, on the query connection
 *       ({@code queryLock}).
 * </ul>
 * SQLite WAL: any number of readers, one writer at a time; the two writing roles take turns on
 * {@code writeTurn}.
 */
public final class SqliteRevisions implements AutoCloseable {
  public static final String DB_FILE = "virtrev.db";
  static final String LOCK_FILE = "virtrev.lock";

  /** What {@link #load} found on disk. */
  /** What {@link #load} found on disk: the current objects of every kind (each its kind's {@link io.virtrev.versioning.KindModel#type()}). */
  public record Loaded(String storeId, Revision revision, Revision compacted, List<Object> objects, boolean created) {}

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Connection writer;
  /**
   * Whose turn it is to write: the writer's commits ({@code store-sync}) and the compactor's chunks take
   * it, fair (first come, first served), for one transaction each. SQLite's own busy wait sleeps with
   * growing pauses, so a writer waiting there could miss every gap between two chunks and stall for the
   * whole compaction; queued here, a waiting commit goes right after the chunk in progress. Leaf: no
   * other lock is taken while it is held.
   */
  private final ReentrantLock writeTurn = new ReentrantLock(true);
  private final Connection compactor; // compactor thread only
  private final CommitWrites commits;
  private final CompactionWrites compaction;
  private final HistoryReads history;
  private final Queries queries;
  private final boolean created; // this open created virtrev.db: discard() removes it again

  private SqliteRevisions(Path dir, FileChannel lockChannel, FileLock lock, Connection writer, Connection reader,
      Connection query, Connection compactor, boolean created) {
    this.created = created;
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.writer = writer;
    this.compactor = compactor;
    this.commits = new CommitWrites(writer, writeTurn);
    this.compaction = new CompactionWrites(compactor, writeTurn);
    this.history = new HistoryReads(reader);
    this.queries = new Queries(query);
  }

  /** The sync thread's commits. */
  public CommitWrites commits() {
    return commits;
  }

  /** The compactor thread's writes. */
  public CompactionWrites compaction() {
    return compaction;
  }

  /** Watchers' history pages. */
  public HistoryReads history() {
    return history;
  }

  /** Reads at a revision (lists, gets, history, diff). */
  public Queries queries() {
    return queries;
  }

  /**
   * Opens the store in {@code dir}, creating it only where there is none: a missing {@code dir}, or one
   * that holds nothing but our lock file (and a file system's {@code lost+found}). An existing
   * {@code virtrev.db} must be a SQLite database with our tables and no others; an empty (0-byte) one,
   * a foreign database, or a directory with other files but no {@code virtrev.db} is refused before
   * anything is written to it. The directory is created 0700, the database and lock files 0600 (SQLite
   * gives its -wal and -shm files the database's mode; existing ones are narrowed too).
   */
  public static SqliteRevisions open(Path dir) {
    FileChannel ch = null;
    List<Connection> opened = new ArrayList<>(4);
    boolean created = false;
    try {
      StoreFiles.createDirectory(dir);
      ch = FileChannel.open(dir.resolve(LOCK_FILE),
          java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), StoreFiles.OWNER_ONLY);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StoreException("store " + dir + " is in use by another virtrevd (virtrev.lock is held)");
      }
      Path db = dir.resolve(DB_FILE);
      if (Files.exists(db)) {
        StoreFiles.checkOurs(dir, db);
      } else {
        StoreFiles.checkEmptyForNewStore(dir, LOCK_FILE);
        Files.createFile(db, StoreFiles.OWNER_ONLY);
        created = true;
      }
      String url = "jdbc:sqlite:" + db;
      Connection w = DriverManager.getConnection(url);
      opened.add(w);
      try (Statement st = w.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=FULL");
        st.execute("PRAGMA busy_timeout=10000");
      }
      StoreFiles.narrow(dir.resolve(LOCK_FILE), db, dir.resolve(DB_FILE + "-wal"), dir.resolve(DB_FILE + "-shm"));
      Connection r = reading(url);
      opened.add(r);
      Connection q = reading(url);
      opened.add(q);
      SQLiteConfig cc = new SQLiteConfig();
      cc.setBusyTimeout(10000);
      // NORMAL is safe in WAL mode (no corruption, commits stay in order); the writer's next FULL
      // commit makes the compactor's frames durable as well.
      cc.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      Connection c = DriverManager.getConnection(url, cc.toProperties());
      return new SqliteRevisions(dir, ch, lock, w, r, q, c, created);
    } catch (IOException | SQLException | RuntimeException e) {
      opened.forEach(SqliteRevisions::closeQuietly);
      if (created) {
        removeNew(dir, e);
      }
      closeQuietly(ch); // releases the lock, after a database this open created is gone again
      if (e instanceof IOException) {
        throw new StoreException("cannot open store in " + dir + ": " + e, e);
      }
      if (e instanceof SQLException) {
        throw created ? cannotCreate(dir, e) : unreadable(dir, e);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Removes the database files this process just created (a first start that failed half-way, e.g. on
   * a full disk), so that the next start creates the store again instead of refusing what is left.
   * The lock is still held: nobody else has touched them.
   */
  private static void removeNew(Path dir, Exception cause) {
    for (String f : List.of(DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm", DB_FILE + "-journal")) {
      try {
        Files.deleteIfExists(dir.resolve(f));
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }

  private static Connection reading(String url) throws SQLException {
    Connection r = DriverManager.getConnection(url);
    try (Statement st = r.createStatement()) {
      st.execute("PRAGMA busy_timeout=10000");
    }
    return r;
  }

  /** Creates the schema on an empty database, or checks, migrates ({@link Schema}) and loads an existing one. */
  public Loaded load() {
    try {
      writer.setAutoCommit(false);
      if (!Schema.tableExists(writer, "meta")) {
        Schema.create(writer);
      } else {
        Schema.migrate(writer, parseInt(readMeta(), "schema_version"), dir);
      }
      writer.commit();
      Map<String, String> meta = readMeta();
      Revision revision = Revision.of(parseLong(meta, "revision"));
      Revision compacted = Revision.of(parseLong(meta, "compacted"));
      List<Object> objects = new ArrayList<>();
      try (Statement st = writer.createStatement();
          ResultSet rs = st.executeQuery("SELECT revision, json, kind FROM objects")) {
        while (rs.next()) {
          io.virtrev.versioning.KindModel<?, ?> model = io.virtrev.versioning.Kinds.of(Kind.of(rs.getString(3)));
          Object o = Json.read(rs.getBytes(2), model.type());
          DomainMeta m = meta(model, o);
          if (m.resourceVersion().value() != rs.getLong(1) || m.resourceVersion().isAfter(revision)) {
            throw new StoreException("store " + dir + " is inconsistent: object " + model.kind() + "/" + m.uuid()
                + " at revision " + m.resourceVersion() + " but store revision is " + revision);
          }
          objects.add(o instanceof Domain d ? withCreationTimestamp(d) : o);
        }
      }
      writer.commit();
      // From here on every write transaction is explicit (BEGIN IMMEDIATE ... COMMIT, see commit).
      writer.setAutoCommit(true);
      return new Loaded(meta.get("store_id"), revision, compacted, objects, created);
    } catch (SQLException | RuntimeException e) {
      try {
        writer.rollback(); // a migration that failed half-way leaves the store as it was
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      if (e instanceof StoreException se) {
        throw se;
      }
      throw created ? cannotCreate(dir, e) : unreadable(dir, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> DomainMeta meta(io.virtrev.versioning.KindModel<?, T> model, Object o) {
    return model.meta((T) o);
  }

  /**
   * {@code d}, with the commit time of its creation revision as {@code creationTimestamp} if it has none
   * (stored by a virtrevd before the field existed) and that history row is still retained; else
   * {@code d}. The next change of the object stores it with the field.
   */
  private Domain withCreationTimestamp(Domain d) {
    DomainMeta m = d.metadata();
    if (m.creationTimestamp() != null || m.creationRevision() == null) {
      return d;
    }
    try (PreparedStatement st = writer.prepareStatement(
        "SELECT time_ms FROM history WHERE revision = ? AND kind = 'domains' AND uuid = ?")) {
      st.setLong(1, m.creationRevision().value());
      st.setString(2, m.uuid());
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return d;
        }
        return d.withMetadata(new DomainMeta(m.name(), m.uuid(), m.resourceVersion(), m.generation(),
            m.creationRevision(), Instant.ofEpochMilli(rs.getLong(1)), m.labels(), m.annotations()));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the creation time of " + m.uuid() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Tests only: simulates a full disk. Limits the write connection's database to {@code maxPages} pages
   * (SQLite's {@code max_page_count}; never below what the file already has, so {@code 1} means "no
   * page more"), which makes a commit that needs a new page fail with SQLITE_FULL exactly as a full
   * file system does; a large value lifts the limit. Call it while no commit is in flight.
   */
  public void limitPages(long maxPages) {
    try (Statement st = writer.createStatement()) {
      st.execute("PRAGMA max_page_count = " + Math.max(1, Math.min(maxPages, 0xFFFFFFFEL)));
    } catch (SQLException e) {
      throw new StoreException("cannot set max_page_count: " + e.getMessage(), e);
    }
  }

  private static StoreException cannotCreate(Path dir, Exception e) {
    return new StoreException("cannot create a store in " + dir + " (" + e.getMessage() + "); nothing is left"
        + " behind, the next start tries again", e);
  }

  static StoreException unreadable(Path dir, Exception e) {
    return new StoreException("store " + dir + " is not a readable virtrev store (" + e.getMessage()
        + "); refusing to start. Move it aside to start with a new, empty store.", e);
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

  /**
   * Closes, and if this open created the store (an empty one: {@link #load} failed or the store could
   * not start), removes its files before the lock is released.
   */
  public void discard(Exception cause) {
    closeConnections();
    if (created) {
      removeNew(dir, cause);
    }
    releaseLock();
  }

  @Override
  public void close() {
    closeConnections();
    releaseLock();
  }

  private void closeConnections() {
    history.close();
    queries.close();
    closeQuietly(compactor);
    closeQuietly(writer);
  }

  private void releaseLock() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // the channel close below releases it too
    }
    closeQuietly(lockChannel);
  }

  static void closeQuietly(AutoCloseable c) {
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
