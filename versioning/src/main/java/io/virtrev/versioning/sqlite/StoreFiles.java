package io.virtrev.versioning.sqlite;

import io.virtrev.versioning.StoreException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The store's files before SQLite writes to them: whose they are, and who may read them. Everything
 * here runs once, at open, on the opening thread, before any write connection exists.
 *
 * <p>Contract: a store is created only where {@code virtrev.db} does not exist, in a directory that is
 * new or holds nothing but our lock file, an audit trail (regular files named {@code audit*}, for an
 * {@code --audit-log} kept there) and a file system's {@code lost+found}; an existing
 * {@code virtrev.db} is used only if it is a SQLite database whose tables are all ours and include
 * {@code meta}. Anything else is refused with a {@link StoreException} that names the file and says
 * what to do, and nothing is written to it. The data directory is made {@code 0700} and the files
 * {@code 0600}: the database holds every domain's XML.
 */
final class StoreFiles {
  /** Tables this store creates; SQLite's own ({@code sqlite_*}) are not counted. */
  static final Set<String> OUR_TABLES = Set.of("meta", "objects", "history");
  private static final Set<String> ALLOWED_IN_NEW_DIR = Set.of("lost+found");
  private static final Set<PosixFilePermission> RW_OWNER = PosixFilePermissions.fromString("rw-------");
  static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(RW_OWNER);
  private static final FileAttribute<Set<PosixFilePermission>> DIR_OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final String WHAT_TO_DO = "Refusing to start; nothing was written to it. Move it away (or restore"
      + " the store from a backup), or point --data-dir at an empty directory to start a new, empty store.";

  private StoreFiles() {}

  /** Creates {@code dir} (and missing parents) as 0700; an existing directory is left as it is. */
  static void createDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, DIR_OWNER_ONLY);
    }
  }

  /**
   * Refuses to create a store in a directory that holds anything but {@code lockFile}, audit files
   * and {@code lost+found}: most likely the database was removed from it (a -wal left behind would be
   * applied to the new one) or the directory is not the one meant.
   */
  static void checkEmptyForNewStore(Path dir, String lockFile) throws IOException {
    Set<String> foreign = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        boolean audit = name.startsWith("audit") && Files.isRegularFile(p);
        if (!name.equals(lockFile) && !ALLOWED_IN_NEW_DIR.contains(name) && !audit) {
          foreign.add(name);
        }
      }
    }
    if (!foreign.isEmpty()) {
      List<String> shown = new ArrayList<>(foreign).subList(0, Math.min(foreign.size(), 5));
      throw new StoreException("data directory " + dir + " has no " + SqliteRevisions.DB_FILE + " but is not empty ("
          + String.join(", ", shown) + (foreign.size() > shown.size() ? ", ..." : "") + "): a new store is"
          + " created only in an empty or new directory. If the database was moved or deleted, put it back;"
          + " otherwise point --data-dir at an empty directory. Nothing was written to it.");
    }
  }

  /**
   * Refuses {@code db} unless it is a SQLite database whose tables are ours and include {@code meta}.
   * Reads it on a read-only connection, so nothing is written to it.
   */
  static void checkOurs(Path dir, Path db) throws IOException {
    if (Files.size(db) == 0) {
      throw new StoreException(db + " is empty (0 bytes), so it is not a virtrev store (a store starts with its"
          + " schema; an empty file is what a failed copy or an interrupted first start leaves). " + WHAT_TO_DO);
    }
    SQLiteConfig ro = new SQLiteConfig();
    ro.setReadOnly(true);
    ro.setOpenMode(SQLiteOpenMode.READONLY);
    Set<String> tables = new TreeSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, ro.toProperties());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw SqliteRevisions.unreadable(dir, e);
    }
    tables.removeIf(t -> t.startsWith("sqlite_"));
    Set<String> foreign = new TreeSet<>(tables);
    foreign.removeAll(OUR_TABLES);
    if (!foreign.isEmpty()) {
      throw new StoreException(db + " is not a virtrev store: it holds table(s) " + String.join(", ", foreign)
          + " that virtrev does not create. " + WHAT_TO_DO);
    }
    if (!tables.contains("meta")) {
      throw new StoreException(db + " is not a virtrev store: it is a SQLite database without virtrev's meta table"
          + (tables.isEmpty() ? " (no table at all)" : " (tables: " + String.join(", ", tables) + ")") + ". "
          + WHAT_TO_DO);
    }
  }

  /** Makes the existing ones of {@code files} 0600 (stores made by older versions were 0644). */
  static void narrow(Path... files) throws IOException {
    for (Path f : files) {
      if (Files.isRegularFile(f) && !Files.getPosixFilePermissions(f).equals(RW_OWNER)) {
        Files.setPosixFilePermissions(f, RW_OWNER);
      }
    }
  }
}
