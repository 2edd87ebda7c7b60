package io.virtrev.versioning.sqlite;

import io.virtrev.versioning.Kind;
import io.virtrev.versioning.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's SQLite schema, its creation and its migration. Schema {@value #VERSION}:
 *
 * <pre>
 * meta(key PRIMARY KEY, value)        schema_version, store_id, revision (the one counter of every kind), compacted
 * objects(kind, uuid, revision, json)  the current object per (kind, uid); PRIMARY KEY (kind, uuid)
 * history(revision PRIMARY KEY, kind, uuid, owner, name, type, time_ms, prev_name, prev_state, json, state,
 *         labels, prev_labels)         one row per retained revision, of whatever kind it changed
 * indexes: history(kind, uuid, revision), history(kind, name, revision), history(time_ms)
 * </pre>
 *
 * Migrations, each one transaction with the version bump (a crash leaves the store as it was):
 * <ul>
 *   <li>1 to 2: every row becomes kind {@code domains} (schema 1 kept domains only): {@code history}
 *       gains {@code kind} and {@code owner}, {@code objects} is rebuilt keyed by (kind, uuid), the uuid
 *       and name indexes lead with the kind. Stores of schema 1 made before the {@code state} and
 *       {@code labels} columns existed get those first (NULL: parse the object; no labels).
 * </ul>
 * A store of a newer schema is refused before anything is written to it. Stateless; called by
 * {@link SqliteRevisions#load} on the write connection, inside its transaction.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
  static final int VERSION = 2;

  private Schema() {}

  /** Creates schema {@value #VERSION} and a new store at revision 1 on an empty database. */
  static void create(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      st.execute(OBJECTS.replace("%s", "objects"));
      st.execute("CREATE TABLE history(revision INTEGER PRIMARY KEY, kind TEXT NOT NULL, uuid TEXT NOT NULL,"
          + " owner TEXT, name TEXT NOT NULL, type TEXT NOT NULL, time_ms INTEGER NOT NULL, prev_name TEXT,"
          + " prev_state TEXT, json BLOB NOT NULL, state TEXT, labels TEXT, prev_labels TEXT)");
      indexes(st);
    }
    putMeta(c, "schema_version", Integer.toString(VERSION));
    putMeta(c, "store_id", UUID.randomUUID().toString());
    // A new store is at revision 1, "created", with nothing before it retained: so no list or watch
    // ever carries RV 0, which Kubernetes clients read as "any" (not "before everything").
    putMeta(c, "revision", "1");
    putMeta(c, "compacted", "1");
  }

  private static final String OBJECTS = "CREATE TABLE %s(kind TEXT NOT NULL, uuid TEXT NOT NULL,"
      + " revision INTEGER NOT NULL, json BLOB NOT NULL, PRIMARY KEY (kind, uuid))";

  private static void indexes(Statement st) throws SQLException {
    st.execute("CREATE INDEX history_uuid ON history(kind, uuid, revision)");
    st.execute("CREATE INDEX history_name ON history(kind, name, revision)");
    st.execute("CREATE INDEX history_time ON history(time_ms)");
  }

  /**
   * Brings a store of schema {@code found} up to {@value #VERSION}.
   *
   * @throws StoreException if {@code found} is newer than {@value #VERSION} (nothing is written then)
   */
  static void migrate(Connection c, int found, Path dir) throws SQLException {
    if (found > VERSION) {
      throw new StoreException("store " + dir + " has schema version " + found
          + ", written by a newer virtrevd; this one understands up to " + VERSION + ". Refusing to touch it.");
    }
    if (found < 1) {
      throw new StoreException("store " + dir + " is corrupt: meta 'schema_version' = " + found);
    }
    if (found == 1) {
      from1(c);
      LOG.info("store {} migrated from schema 1 to {}: every object is of kind domains", dir, VERSION);
    }
  }

  private static void from1(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      if (!columnExists(c, "history", "state")) {
        st.execute("ALTER TABLE history ADD COLUMN state TEXT");
      }
      if (!columnExists(c, "history", "labels")) {
        st.execute("ALTER TABLE history ADD COLUMN labels TEXT");
        st.execute("ALTER TABLE history ADD COLUMN prev_labels TEXT");
      }
      st.execute("ALTER TABLE history ADD COLUMN kind TEXT NOT NULL DEFAULT '" + Kind.DOMAINS.key() + "'");
      st.execute("ALTER TABLE history ADD COLUMN owner TEXT");
      st.execute("DROP INDEX IF EXISTS history_uuid");
      st.execute("DROP INDEX IF EXISTS history_name");
      st.execute("DROP INDEX IF EXISTS history_time");
      indexes(st);
      st.execute(OBJECTS.replace("%s", "objects_v2"));
      st.execute("INSERT INTO objects_v2(kind, uuid, revision, json) SELECT '" + Kind.DOMAINS.key()
          + "', uuid, revision, json FROM objects");
      st.execute("DROP TABLE objects");
      st.execute("ALTER TABLE objects_v2 RENAME TO objects");
      st.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    }
  }

  static boolean tableExists(Connection c, String name) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean columnExists(Connection c, String table, String column) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (rs.getString("name").equals(column)) {
          return true;
        }
      }
      return false;
    }
  }

  private static void putMeta(Connection c, String key, String value) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?)")) {
      st.setString(1, key);
      st.setString(2, value);
      st.executeUpdate();
    }
  }
}
