package io.virtrev.versioning;

import static io.virtrev.versioning.StoreTestSupport.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files the store accepts, creates and refuses, and who may read them. Real files throughout. */
class StoreFilesTest {
  private static final String U1 = "11111111-1111-1111-1111-111111111111";
  @TempDir Path dir;

  @Test
  void anEmptyDatabaseFileIsRefusedAndLeftAsItIs() throws Exception {
    Path db = Files.createFile(dir.resolve("virtrev.db"));
    assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(dir))).isInstanceOf(StoreException.class)
        .hasMessageContaining(db.toString()).hasMessageContaining("0 bytes").hasMessageContaining("--data-dir");
    assertThat(Files.size(db)).isZero();
    assertThat(Files.exists(dir.resolve("virtrev.db-wal"))).isFalse();
  }

  @Test
  void aForeignSqliteDatabaseIsRefusedAndNotWrittenTo() throws Exception {
    Path db = dir.resolve("virtrev.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)");
      st.execute("INSERT INTO notes(text) VALUES ('keep me')");
    }
    byte[] before = Files.readAllBytes(db);
    assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(dir))).isInstanceOf(StoreException.class)
        .hasMessageContaining(db.toString()).hasMessageContaining("notes").hasMessageContaining("Move it away");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    assertThat(Files.exists(dir.resolve("virtrev.db-wal"))).as("not switched to WAL").isFalse();
  }

  @Test
  void aSqliteDatabaseWithoutTablesIsRefused() throws Exception {
    Path db = dir.resolve("virtrev.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = 7"); // writes the header: a database with no table
    }
    byte[] before = Files.readAllBytes(db);
    assertThat(before).isNotEmpty();
    assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(dir))).isInstanceOf(StoreException.class)
        .hasMessageContaining("without virtrev's meta table");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
  }

  @Test
  void ourStoreWithATableWeDidNotCreateIsRefused() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS);
    }
    Path db = dir.resolve("virtrev.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE extra(x)");
    }
    byte[] before = Files.readAllBytes(db);
    assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(dir))).isInstanceOf(StoreException.class)
        .hasMessageContaining("extra");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
  }

  @Test
  void aNewStoreIsCreatedOnlyInAnEmptyDirectory() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "someone else's");
    Files.writeString(dir.resolve("virtrev.db-wal"), "a store's WAL without its database");
    assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(dir))).isInstanceOf(StoreException.class)
        .hasMessageContaining("not empty").hasMessageContaining("notes.txt, virtrev.db-wal")
        .hasMessageContaining("--data-dir");
    assertThat(Files.exists(dir.resolve("virtrev.db"))).isFalse();

    // Our lock file (left by a start that was refused), the audit trail and a file system's lost+found
    // are fine.
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.createFile(other.resolve("virtrev.lock"));
    Files.writeString(other.resolve("audit.jsonl"), "{}\n");
    Files.createDirectory(other.resolve("lost+found"));
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(other))) {
      assertThat(s.snapshot().revision().value()).isEqualTo(1);
    }
  }

  @Test
  void theDataDirectoryIsTheOwnersAloneAndSoAreTheDatabaseFiles() throws Exception {
    Path data = dir.resolve("new").resolve("data");
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(data))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
      for (String f : List.of("virtrev.db", "virtrev.db-wal", "virtrev.db-shm", "virtrev.lock")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(f)))).as(f)
            .isEqualTo("rw-------");
      }
    }
    // A store made by an older version (0644 files) is narrowed when opened.
    for (String f : List.of("virtrev.db", "virtrev.lock")) {
      Files.setPosixFilePermissions(data.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(data))) {
      for (String f : List.of("virtrev.db", "virtrev.db-wal", "virtrev.db-shm", "virtrev.lock")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(f)))).as(f)
            .isEqualTo("rw-------");
      }
    }
  }

  /**
   * A first start on a full disk (a 1 MiB tmpfs filled up; needs root to mount) fails and leaves no
   * database behind, so the next start, with room, creates the store instead of refusing an empty file.
   */
  @Test
  void aFirstStartOnAFullDiskLeavesNoDatabaseBehind() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    Path mount = Files.createDirectories(dir.resolve("tmpfs"));
    assertThat(run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mount.toString())).isZero();
    try {
      Path filler = mount.resolve("filler");
      try (OutputStream out = Files.newOutputStream(filler)) {
        byte[] page = new byte[4096];
        while (true) {
          out.write(page);
        }
      } catch (IOException full) {
        assertThat(full.getMessage()).contains("No space left");
      }
      Path data = mount.resolve("data");
      assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(data))).isInstanceOf(StoreException.class)
          .hasMessageContaining("cannot create a store").hasMessageContaining("full");
      assertThat(Files.exists(data.resolve("virtrev.db"))).isFalse();
      Files.delete(filler);
      try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(data))) {
        assertThat(s.snapshot().revision().value()).isEqualTo(1);
      }
    } finally {
      assertThat(run("umount", mount.toString())).isZero();
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().transferTo(System.out);
    return p.waitFor();
  }

  /** A crash (kill -9) leaves the WAL behind, not yet checkpointed: the check reads through it. */
  @Test
  void aStoreLeftByACrashWithItsWalIsOpened() throws Exception {
    Path copy = Files.createDirectories(dir.resolve("copy"));
    String storeId;
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir.resolve("live")))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS);
      storeId = s.snapshot().storeId();
      for (String f : List.of("virtrev.db", "virtrev.db-wal")) { // what a crash leaves: no clean close
        Files.copy(dir.resolve("live").resolve(f), copy.resolve(f));
      }
    }
    assertThat(Files.size(copy.resolve("virtrev.db-wal"))).isPositive();
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(copy))) {
      assertThat(s.snapshot().storeId()).isEqualTo(storeId);
      assertThat(s.snapshot().revision().value()).isEqualTo(2);
    }
  }
}
