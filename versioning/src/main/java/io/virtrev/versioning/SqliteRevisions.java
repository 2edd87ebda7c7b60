package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.sqlite.SQLiteConfig;

/**
 * The durable half of the store: SQLite in WAL mode with {@code synchronous=FULL}, so a transaction
 * is on disk when {@link #commit} returns. Tables: {@code meta} (store id, schema version, current and
 * compacted revision), {@code objects} (current object per uuid), {@code history} (one row per retained
 * revision, with its type, the name, state and labels before and after, and the full object).
 *
 * <p>Threads and connections (SQLite WAL: any number of readers, one writer at a time):
 * <ul>
 *   <li>{@link #commit}: only the store's sync thread ({@code store-sync}), on the write connection (unguarded). It may
 *       raise the compacted mark in the same transaction (the count limit); it never deletes history.
 *   <li>{@link #markCompacted} (the age limit, forced compactions), {@link #compactChunk},
 *       {@link #ageTarget}: only the compactor thread, on
 *       its own write connection (unguarded). Its transactions are {@code BEGIN IMMEDIATE} (explicit, as
 *       the writer's: see {@link #begin}) and short
 *       (one chunk), and they take turns with the writer's commits ({@code writeTurn}, fair), so a commit
 *       waits at most one chunk and never fails with a stale snapshot.
 *   <li>{@link #readPage}: any thread; {@code readLock} guards the read connection (watchers' history
 *       reads) and makes a miss in the history page cache one read that every watcher waiting for the
 *       same page shares (lock order: {@code readLock}, then the cache's own leaf lock).
 *   <li>{@link #stateAt}, {@link #versionAt}, {@link #historyOf} and the other point reads: any thread;
 *       {@code queryLock} guards the query connection, so a list page never delays a lagging watcher.
 * </ul>
 * Every read runs in one read transaction that first reads {@code meta.compacted}: rows and the mark
 * agree, whatever the compactor does meanwhile. An exclusive file lock on {@code virtrev.lock} keeps a
 * second daemon off the same store.
 *
 * <p>Compaction (etcd's rule): compacting up to C keeps, for each uuid, its newest row at or below C
 * unless that row is a DELETED, and every row above C. So the state at any R >= C is, per uuid, the
 * newest row at or below R unless it is a DELETED. The mark is committed first, then rows are deleted in
 * chunks; a reader that sees the mark never looks below it, so a half-done compaction is invisible.
 */
final class SqliteRevisions implements AutoCloseable {
  static final String DB_FILE = "virtrev.db";
  static final String LOCK_FILE = "virtrev.lock";
  /** What a {@link #probe} writes (and deletes in the same transaction): about a large domain's XML. */
  static final int PROBE_BYTES = 32 * 1024;

  /** What {@link #open} found on disk. */
  record Loaded(String storeId, Revision revision, Revision compacted, List<Domain> objects, boolean created) {}

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
  private final java.util.concurrent.locks.ReentrantLock writeTurn = new java.util.concurrent.locks.ReentrantLock(true);
  private final Object readLock = new Object();
  private final Connection reader; // guarded by readLock
  private final LongAdder historyReads = new LongAdder(); // history reads that went to the database
  private final Object queryLock = new Object();
  private final Connection query; // guarded by queryLock
  private final Connection compactor; // compactor thread only
  private final boolean created; // this open created virtrev.db: discard() removes it again

  private SqliteRevisions(Path dir, FileChannel lockChannel, FileLock lock, Connection writer, Connection reader,
      Connection query, Connection compactor, boolean created) {
    this.created = created;
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.writer = writer;
    this.reader = reader;
    this.query = query;
    this.compactor = compactor;
  }

  /** One read transaction on the query connection: {@code compacted} is the mark it sees. */
  @FunctionalInterface
  interface ReadFn<T> {
    T read(Connection c, long compacted) throws SQLException;
  }

  /**
   * Opens the store in {@code dir}, creating it only where there is none: a missing {@code dir}, or one
   * that holds nothing but our lock file (and a file system's {@code lost+found}). An existing
   * {@code virtrev.db} must be a SQLite database with our tables and no others; an empty (0-byte) one,
   * a foreign database, or a directory with other files but no {@code virtrev.db} is refused before
   * anything is written to it. The directory is created 0700, the database and lock files 0600 (SQLite
   * gives its -wal and -shm files the database's mode; existing ones are narrowed too).
   */
  static SqliteRevisions open(Path dir) {
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
  Loaded load() {
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
      List<Domain> objects = new ArrayList<>();
      try (Statement st = writer.createStatement();
          ResultSet rs = st.executeQuery("SELECT revision, json FROM objects WHERE kind = '" + Kind.DOMAINS.key() + "'")) {
        while (rs.next()) {
          Domain d = Json.read(rs.getBytes(2), Domain.class);
          if (d.resourceVersion().value() != rs.getLong(1) || d.resourceVersion().isAfter(revision)) {
            throw new StoreException("store " + dir + " is inconsistent: object " + d.uuid() + " at revision "
                + d.resourceVersion() + " but store revision is " + revision);
          }
          objects.add(d);
        }
      }
      objects.replaceAll(this::withCreationTimestamp);
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

  /** Writes the events (dense, ascending revisions) and the new current objects in one transaction. */
  void commit(List<StoredEvent> events) throws SQLException {
    commit(events, null);
  }

  /**
   * As {@link #commit(List)}, and raises the compacted mark to {@code compactTo} (if not null and
   * higher) in the same transaction: the writer's count-based mark is atomic with the commit that
   * crosses it. Rows are deleted later by the compactor.
   */
  void commit(List<StoredEvent> events, Revision compactTo) throws SQLException {
    writeTurn.lock();
    try {
      commitTurn(events, compactTo);
    } finally {
      writeTurn.unlock();
    }
  }

  private void commitTurn(List<StoredEvent> events, Revision compactTo) throws SQLException {
    begin(writer);
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
        hist.setString(10, labelsJson(e.labels()));
        hist.setString(11, labelsJson(e.prevLabels()));
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
        raiseMark(writer, compactTo);
      }
      exec(writer, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollback(writer, e);
      throw e;
    }
  }

  /**
   * Whether the store can commit again: one write transaction that inserts a row of {@link #PROBE_BYTES}
   * into {@code meta} and deletes it again, so it changes nothing a reader sees but needs new pages in
   * the file and room in the WAL, as a commit of a typical domain does. The sync thread uses it to learn
   * that a full disk has room again when it has nothing to commit.
   */
  void probe() throws SQLException {
    writeTurn.lock();
    try {
      probeTurn();
    } finally {
      writeTurn.unlock();
    }
  }

  private void probeTurn() throws SQLException {
    begin(writer);
    try (Statement st = writer.createStatement()) {
      st.executeUpdate("INSERT INTO meta(key, value) VALUES ('probe', zeroblob(" + PROBE_BYTES + "))");
      st.executeUpdate("DELETE FROM meta WHERE key = 'probe'");
      exec(writer, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollback(writer, e);
      throw e;
    }
  }

  /**
   * The transactions on the write connection are explicit, not JDBC's: SQLite rolls a transaction back
   * by itself when a statement fails with SQLITE_FULL, SQLITE_IOERR or SQLITE_NOMEM, and a driver that
   * still believes it is inside one would run the next statements in autocommit mode, each committed
   * on its own. Here a failed statement ends the transaction ({@link #rollback}); the next one starts
   * with {@code BEGIN IMMEDIATE}, which also finds a transaction that was left open (a COMMIT that
   * failed): that one is rolled back first, so no write ever lands outside a transaction.
   */
  private static void begin(Connection c) throws SQLException {
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
  private static void rollback(Connection c, Exception cause) {
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        cause.addSuppressed(e);
      }
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** The revision the file holds ({@code meta.revision}), read on the write connection (sync thread). */
  long committedRevision() throws SQLException {
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
  Catchup committedAfter(long after) throws SQLException {
    exec(writer, "BEGIN");
    try (Statement st = writer.createStatement();
        PreparedStatement rows = writer.prepareStatement(
            "SELECT " + ROW + " FROM history WHERE revision > ?"
                + " AND revision <= ? ORDER BY revision")) {
      Map<String, String> meta = new java.util.HashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT key, value FROM meta")) {
        while (rs.next()) {
          meta.put(rs.getString(1), rs.getString(2));
        }
      }
      long upTo = parseLong(meta, "revision");
      rows.setLong(1, after);
      rows.setLong(2, upTo);
      List<StoredEvent> out = new ArrayList<>();
      try (ResultSet rs = rows.executeQuery()) {
        while (rs.next()) {
          out.add(event(rs));
        }
      }
      exec(writer, "COMMIT");
      return new Catchup(out, Revision.of(upTo), Revision.of(parseLong(meta, "compacted")));
    } catch (SQLException | RuntimeException e) {
      rollback(writer, e);
      throw e;
    }
  }

  /** What {@link #committedAfter} found: the rows, the file's revision and its compacted mark. */
  record Catchup(List<StoredEvent> events, Revision revision, Revision compacted) {}

  /**
   * Compactor: records {@code upTo} as the compacted revision (its own short transaction, before any
   * row is deleted, so that readers stop looking below it first).
   */
  void markCompacted(Revision upTo) throws SQLException {
    writeTurn.lock();
    try {
      markCompactedTurn(upTo);
    } finally {
      writeTurn.unlock();
    }
  }

  private void markCompactedTurn(Revision upTo) throws SQLException {
    begin(compactor);
    try {
      raiseMark(compactor, upTo);
      exec(compactor, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollback(compactor, e);
      throw e;
    }
  }

  /** The mark only ever rises (writer and compactor both raise it). */
  private static void raiseMark(Connection c, Revision upTo) throws SQLException {
    try (PreparedStatement meta = c.prepareStatement(
        "UPDATE meta SET value = ?1 WHERE key = 'compacted' AND CAST(value AS INTEGER) < ?2")) {
      meta.setString(1, upTo.toString());
      meta.setLong(2, upTo.value());
      meta.executeUpdate();
    }
  }

  /**
   * Compactor: deletes, among the first {@code chunk} history rows after {@code after} and at or below
   * {@code upTo}, those that compaction to {@code upTo} drops (DELETED rows, and rows with a newer row
   * of the same uuid at or below {@code upTo}). One short transaction.
   *
   * @return the highest revision the chunk covered, or -1 if no row is left after {@code after}
   */
  long compactChunk(long after, long upTo, int chunk) throws SQLException {
    writeTurn.lock();
    try {
      return compactChunkTurn(after, upTo, chunk);
    } finally {
      writeTurn.unlock();
    }
  }

  private long compactChunkTurn(long after, long upTo, int chunk) throws SQLException {
    begin(compactor);
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
          exec(compactor, "COMMIT");
          return -1;
        }
      }
      del.setLong(1, after);
      del.setLong(2, hi);
      del.setLong(3, upTo);
      del.executeUpdate();
      exec(compactor, "COMMIT");
      return hi;
    } catch (SQLException | RuntimeException e) {
      rollback(compactor, e);
      throw e;
    }
  }

  /** Compactor: the lowest revision still in history, or -1 if it is empty. */
  long oldestRow() throws SQLException {
    try (Statement st = compactor.createStatement(); ResultSet rs = st.executeQuery("SELECT MIN(revision) FROM history")) {
      rs.next();
      long r = rs.getLong(1);
      return rs.wasNull() ? -1 : r;
    }
  }

  /** Compactor: the newest revision committed at or before {@code cutoffMillis} (epoch ms), or 0. */
  long ageTarget(long cutoffMillis) throws SQLException {
    try (PreparedStatement st = compactor.prepareStatement("SELECT MAX(revision) FROM history WHERE time_ms <= ?")) {
      st.setLong(1, cutoffMillis);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1); // 0 if NULL
      }
    }
  }

  /**
   * The state at revision {@code at} (>= the compacted revision, <= the last committed one): for each
   * uuid its newest row at or below {@code at}, unless a DELETED, sorted by (name, uuid); then one page
   * of it (objects are read only for the entries the page looks at).
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  ListPage stateAt(Kind kind, long at, ListKey after, FieldSelector selector, int limit) {
    return read("the state at revision " + at, (c, compacted) -> {
      if (at < compacted) {
        throw StoreException.compacted(at, compacted);
      }
      List<ListPage.Head> heads = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(
          "SELECT h.revision, h.uuid, h.name FROM history h JOIN (SELECT MAX(revision) AS r FROM history"
              + " WHERE kind = ? AND revision <= ? GROUP BY uuid) m ON h.revision = m.r WHERE h.type != 'DELETED'")) {
        st.setString(1, kind.key());
        st.setLong(2, at);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            heads.add(new ListPage.Head(new ListKey(rs.getString(3), rs.getString(2)), rs.getLong(1)));
          }
        }
      }
      heads.sort((a, b) -> a.key().compareTo(b.key()));
      try (PreparedStatement one = c.prepareStatement("SELECT json FROM history WHERE revision = ?")) {
        return ListPage.cut(Revision.of(at), heads, after, selector, limit, hs -> {
          List<Domain> out = new ArrayList<>(hs.size());
          for (ListPage.Head h : hs) {
            out.add(Json.read(jsonAt(one, h.revision()), Domain.class));
          }
          return out;
        });
      }
    });
  }

  private static byte[] jsonAt(PreparedStatement one, long revision) {
    try {
      one.setLong(1, revision);
      try (ResultSet rs = one.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("history row " + revision + " vanished inside a read transaction");
        }
        return rs.getBytes(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read history row " + revision + ": " + e.getMessage(), e);
    }
  }

  /**
   * The newest row of {@code uuid} at or below {@code at} (a DELETED row means it did not exist at
   * {@code at}), or empty if it never existed up to {@code at}.
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  Optional<StoredEvent> versionAt(Kind kind, String uuid, long at) {
    return read(kind + " " + uuid + " at revision " + at, (c, compacted) -> {
      if (at < compacted) {
        throw StoreException.compacted(at, compacted);
      }
      return newestRow(c, kind, uuid, at);
    });
  }

  /**
   * The row of {@code uuid} before its row at revision {@code version}: empty if there is none.
   *
   * @throws StoreException COMPACTED if {@code version} is at or below the compacted revision (its
   *     predecessors are compacted)
   */
  Optional<StoredEvent> versionBefore(Kind kind, String uuid, long version) {
    return read("the version of " + uuid + " before " + version, (c, compacted) -> {
      if (version <= compacted) {
        throw StoreException.compacted(version - 1, compacted);
      }
      return newestRow(c, kind, uuid, version - 1);
    });
  }

  private static Optional<StoredEvent> newestRow(Connection c, Kind kind, String uuid, long atOrBelow)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT " + ROW + " FROM history WHERE kind = ? AND uuid = ?"
            + " AND revision <= ?"
            + " ORDER BY revision DESC LIMIT 1")) {
      st.setString(1, kind.key());
      st.setString(2, uuid);
      st.setLong(3, atOrBelow);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.of(event(rs)) : Optional.empty();
      }
    }
  }

  /** The columns {@link #event} reads, in its order. */
  private static final String ROW = "revision, type, time_ms, json, prev_name, prev_state, prev_labels, kind, uuid,"
      + " owner, name, state, labels";

  /** A history row read with {@link #ROW}; a domain's object parsed (its readers use it), other kinds' not. */
  private static StoredEvent event(ResultSet rs) throws SQLException {
    byte[] json = rs.getBytes(4);
    Kind kind = Kind.of(rs.getString(8));
    Revision rev = Revision.of(rs.getLong(1));
    Instant time = Instant.ofEpochMilli(rs.getLong(3));
    if (kind == Kind.DOMAINS) {
      return new StoredEvent(rev, rs.getString(2), Json.read(json, Domain.class), time, json, rs.getString(5),
          rs.getString(6), labelsOf(rs.getString(7)));
    }
    return StoredEvent.fromRow(rev, rs.getString(2), kind, rs.getString(9), rs.getString(10), rs.getString(11),
        rs.getString(12), time, json, rs.getString(5), rs.getString(6), labelsOf(rs.getString(13)),
        labelsOf(rs.getString(7)));
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, String>> LABELS =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  /** A label map as a history column: a JSON object, or NULL for none. */
  private static String labelsJson(Map<String, String> labels) {
    return labels.isEmpty() ? null : new String(Json.bytes(labels), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Map<String, String> labelsOf(String column) {
    if (column == null) {
      return Map.of();
    }
    try {
      return java.util.Collections.unmodifiableMap(Json.mapper().readValue(column, LABELS));
    } catch (java.io.IOException e) {
      throw new StoreException("history holds labels that are not a JSON object: " + column, e);
    }
  }

  /**
   * The uuid of the domain named {@code name} at revision {@code at} (not deleted then), if any.
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  Optional<String> uuidNamedAt(Kind kind, String name, long at) {
    return read("the object of " + kind + " named " + name + " at revision " + at, (c, compacted) -> {
      if (at < compacted) {
        throw StoreException.compacted(at, compacted);
      }
      List<String> candidates = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(
          "SELECT DISTINCT uuid FROM history WHERE kind = ? AND name = ? AND revision <= ?")) {
        st.setString(1, kind.key());
        st.setString(2, name);
        st.setLong(3, at);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            candidates.add(rs.getString(1));
          }
        }
      }
      for (String uuid : candidates) {
        Optional<StoredEvent> e = newestRow(c, kind, uuid, at);
        if (e.isPresent() && !e.get().type().equals(WatchEvent.DELETED) && e.get().name().equals(name)) {
          return Optional.of(uuid);
        }
      }
      return Optional.empty();
    });
  }

  /** The uuid of the newest history row with {@code name} (a deleted or renamed domain), if any. */
  Optional<String> lastUuidNamed(Kind kind, String name) {
    return read("the last object of " + kind + " named " + name, (c, compacted) -> {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT uuid FROM history WHERE kind = ? AND name = ? ORDER BY revision DESC LIMIT 1")) {
        st.setString(1, kind.key());
        st.setString(2, name);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /**
   * Retained rows of {@code uuid} at or below {@code at} and below {@code before}, newest first, at
   * most {@code limit} ({@code <= 0}: all). Retained: above the compacted revision, or the newest row
   * at or below it unless a DELETED (rows a running compaction has not deleted yet are not shown).
   */
  HistoryPage historyOf(Kind kind, String uuid, long at, long before, int limit) {
    return read("the history of " + uuid, (c, compacted) -> {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT " + ROW + " FROM history WHERE kind = ?6 AND uuid = ?1"
              + " AND revision <= ?2 AND revision < ?3 AND (revision > ?4 OR (type != 'DELETED' AND revision ="
              + " (SELECT MAX(revision) FROM history WHERE kind = ?6 AND uuid = ?1 AND revision <= ?4)))"
              + " ORDER BY revision DESC LIMIT ?5")) {
        st.setString(1, uuid);
        st.setLong(2, at);
        st.setLong(3, before);
        st.setLong(4, compacted);
        st.setLong(5, limit <= 0 ? -1 : (long) limit + 1);
        st.setString(6, kind.key());
        List<StoredEvent> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(event(rs));
          }
        }
        boolean more = limit > 0 && out.size() > limit;
        return new HistoryPage(more ? out.subList(0, limit) : out, Revision.of(compacted), more);
      }
    });
  }

  private <T> T read(String what, ReadFn<T> fn) {
    synchronized (queryLock) {
      try {
        query.setAutoCommit(false); // one read transaction: the rows and the compacted mark agree
        try {
          long compacted;
          try (Statement st = query.createStatement();
              ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'compacted'")) {
            rs.next();
            compacted = Long.parseLong(rs.getString(1));
          }
          return fn.read(query, compacted);
        } finally {
          query.rollback();
          query.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new StoreException("cannot read " + what + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The retained events of one history page after {@code after} and at or below {@code upTo}, in order
   * and without a gap: page {@code after / PAGE_SIZE}, which holds revisions {@code (k * PAGE_SIZE,
   * (k + 1) * PAGE_SIZE]}. Served from {@code cache} if it holds the page; otherwise read, from the
   * page's first retained revision (not only after {@code after}), and put into the cache if it reached
   * the page's end, so that every other watcher in the same page is served without a read. The caller
   * passes the published revision as {@code upTo}: a commit is on disk a moment before it is published,
   * and serving it earlier would let a list that follows show an older revision (time travel). Rows are
   * not parsed ({@link StoredEvent#fromRow}).
   *
   * <p>The cache is checked again under {@code readLock}: watchers that missed the same page while it
   * was being read wait for that one read and share it.
   *
   * @return the events (possibly none if {@code after >= upTo}); a view the caller must not modify
   * @throws StoreException COMPACTED if a revision after {@code after} is no longer retained
   */
  List<StoredEvent> readPage(HistoryPages cache, long after, long upTo) {
    long page = HistoryPages.pageOf(after);
    long pageStart = HistoryPages.first(page) - 1;
    long pageEnd = HistoryPages.last(page);
    synchronized (readLock) {
      HistoryPages.Page hit = cache.get(page);
      if (hit != null) {
        return hit.after(after);
      }
      try {
        List<StoredEvent> out = new ArrayList<>();
        long from;
        try (PreparedStatement st = reader.prepareStatement(
                "SELECT revision, type, time_ms, json, prev_name, prev_state, uuid, name, state, labels, prev_labels,"
                    + " kind, owner FROM history"
                    + " WHERE revision > ? AND revision <= ? ORDER BY revision");
            PreparedStatement cm = reader.prepareStatement("SELECT value FROM meta WHERE key = 'compacted'")) {
          reader.setAutoCommit(false); // one read transaction: the rows and the compacted mark agree
          long compacted;
          try (ResultSet rs = cm.executeQuery()) {
            rs.next();
            compacted = Long.parseLong(rs.getString(1));
          }
          if (after < compacted) {
            throw StoreException.compacted(after, compacted);
          }
          // Every revision above the mark is there; below it, rows may be gone. Without a cache, only
          // what was asked for.
          from = cache.enabled() ? Math.max(pageStart, compacted) : after;
          st.setLong(1, from);
          st.setLong(2, Math.min(pageEnd, upTo));
          historyReads.increment();
          try (ResultSet rs = st.executeQuery()) {
            long expect = from + 1;
            while (rs.next()) {
              long rev = rs.getLong(1);
              if (rev != expect) {
                throw new IllegalStateException("history has a gap: expected revision " + expect + ", found " + rev);
              }
              out.add(StoredEvent.fromRow(Revision.of(rev), rs.getString(2), Kind.of(rs.getString(12)),
                  rs.getString(7), rs.getString(13), rs.getString(8),
                  rs.getString(9), Instant.ofEpochMilli(rs.getLong(3)), rs.getBytes(4), rs.getString(5),
                  rs.getString(6), labelsOf(rs.getString(10)), labelsOf(rs.getString(11))));
              expect++;
            }
          }
        } finally {
          reader.rollback();
          reader.setAutoCommit(true);
        }
        HistoryPages.Page read = new HistoryPages.Page(from, List.copyOf(out));
        if (from + out.size() == pageEnd) {
          cache.put(page, read);
        }
        return read.after(after);
      } catch (SQLException e) {
        throw new StoreException("cannot read history after revision " + after + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Tests only: simulates a full disk. Limits the write connection's database to {@code maxPages} pages
   * (SQLite's {@code max_page_count}; never below what the file already has, so {@code 1} means "no
   * page more"), which makes a commit that needs a new page fail with SQLITE_FULL exactly as a full
   * file system does; a large value lifts the limit. Call it while no commit is in flight.
   */
  void limitPages(long maxPages) {
    try (Statement st = writer.createStatement()) {
      st.execute("PRAGMA max_page_count = " + Math.max(1, Math.min(maxPages, 0xFFFFFFFEL)));
    } catch (SQLException e) {
      throw new StoreException("cannot set max_page_count: " + e.getMessage(), e);
    }
  }

  /** How many history reads watchers made on the database (not served by the page cache). */
  long historyReads() {
    return historyReads.sum();
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
  void discard(Exception cause) {
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
    synchronized (readLock) {
      closeQuietly(reader);
    }
    synchronized (queryLock) {
      closeQuietly(query);
    }
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
