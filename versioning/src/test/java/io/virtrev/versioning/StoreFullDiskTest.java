package io.virtrev.versioning;

import static io.virtrev.versioning.StoreTestSupport.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.Revision;
import io.virtrev.api.source.DomainObservation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, simulated with SQLite's {@code max_page_count} on the store's own write connection (the
 * same SQLITE_FULL, and the same automatic rollback of the whole transaction, as a full file system):
 * a failed commit leaves nothing in the file, the store says it cannot commit, and it recovers by
 * itself with the next commit once there is room.
 */
class StoreFullDiskTest {
  private static final String U1 = "11111111-1111-1111-1111-111111111111";
  private static final String U2 = "22222222-2222-2222-2222-222222222222";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void aFailedCommitLeavesNoRowAndTheStoreRecoversWhenThereIsRoomAgain() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS);
      assertThat(s.commitFailure()).isEmpty();

      s.limitDatabasePages(0); // no page beyond what the file has: the next commit that needs one fails
      var failed = s.observe(U2, bulky(U2, "b"), List.of());
      assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
          .hasMessageContaining("full");
      assertThat(s.commitFailure()).hasValueSatisfying(r -> assertThat(r).contains("full"));
      assertThat(rows()).as("nothing of the failed commit is in the file").isEqualTo(new Rows(2, 2, 1));
      // Still full: a retry fails the same way and leaves nothing either.
      assertThatThrownBy(() -> s.observe(U2, bulky(U2, "b"), List.of()).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StoreException.class);
      assertThat(rows()).isEqualTo(new Rows(2, 2, 1));
      assertThat(s.snapshot().revision().value()).isEqualTo(2);

      s.limitDatabasePages(Long.MAX_VALUE); // room again
      var ok = s.observe(U2, bulky(U2, "b"), List.of()).get(5, TimeUnit.SECONDS).orElseThrow();
      assertThat(ok.revision().value()).as("the failed revision is reused, none skipped").isEqualTo(3);
      assertThat(s.commitFailure()).isEmpty();
      assertThat(s.snapshot().revision().value()).isEqualTo(3);
      assertThat(rows()).isEqualTo(new Rows(3, 3, 2));
      var next = s.observe(U1, obs(U1, "a", 64, "shutoff"), List.of()).get(5, TimeUnit.SECONDS).orElseThrow();
      assertThat(next.revision().value()).isEqualTo(4);
      assertThat(s.readHistory(Revision.of(1), 10)).extracting(e -> e.revision().value())
          .containsExactly(2L, 3L, 4L);
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      assertThat(s.snapshot().revision().value()).isEqualTo(4);
      assertThat(s.snapshot().size()).isEqualTo(2);
    }
  }

  @Test
  void aCommitThatFindsNothingToWriteStillTellsWhetherTheStoreCanCommitAgain() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS);
      s.limitDatabasePages(0);
      assertThatThrownBy(() -> s.observe(U2, bulky(U2, "b"), List.of()).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StoreException.class);
      // The change went away meanwhile: the resync that follows has nothing to commit, but it probes.
      assertThat(s.resync(List.of(obs(U1, "a", 32, "shutoff"))).get(5, TimeUnit.SECONDS)).isEmpty();
      assertThat(s.commitFailure()).as("still full").isPresent();
      s.limitDatabasePages(Long.MAX_VALUE);
      assertThat(s.resync(List.of(obs(U1, "a", 32, "shutoff"))).get(5, TimeUnit.SECONDS)).isEmpty();
      assertThat(s.commitFailure()).as("a write went through").isEmpty();
    }
  }

  /**
   * The symptom: the file holds a revision the store has not published (an earlier commit
   * reported a failure but reached the file). The next commit of that revision fails on the history's
   * primary key; the store then takes what the file holds, publishes it, and goes on from there.
   */
  @Test
  void aRevisionTheFileHoldsButTheStoreDidNotPublishIsTakenFromTheFile() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS);
      copyRevisionAs(2, 3, "MODIFIED"); // revision 3 reached the file, unknown to the store
      // A commit of revision 3 fails (primary key); the store catches up with the file.
      assertThatThrownBy(() -> s.observe(U2, obs(U2, "b", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StoreException.class).hasMessageContaining("history.revision");
      await().atMost(WAIT).until(() -> s.snapshot().revision().value() == 3);
      assertThat(s.readRecent(Revision.of(2), 10).events()).extracting(e -> e.revision().value()).containsExactly(3L);
      var next = s.observe(U2, obs(U2, "b", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS).orElseThrow();
      assertThat(next.revision().value()).isEqualTo(4);
      assertThat(s.commitFailure()).isEmpty();
    }
  }

  /** An observation whose XML needs pages of its own (a description of 64 KiB). */
  private static DomainObservation bulky(String uuid, String name) {
    var o = obs(uuid, name, 32, "shutoff");
    String xml = o.configXml()
        .replace("</domain>", "<description>" + "x".repeat(64 * 1024) + "</description></domain>");
    return new DomainObservation(uuid, name, xml, null, true, false, "shutoff", "unknown", null);
  }

  private record Rows(long metaRevision, long maxHistory, long objects) {}

  private Rows rows() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT (SELECT value FROM meta WHERE key = 'revision'),"
            + " (SELECT MAX(revision) FROM history), (SELECT COUNT(*) FROM objects)")) {
      rs.next();
      return new Rows(Long.parseLong(rs.getString(1)), rs.getLong(2), rs.getLong(3));
    }
  }

  /** Writes history row {@code from} again as revision {@code to} and moves meta and objects with it. */
  private void copyRevisionAs(long from, long to, String type) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
        Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=5000");
      st.execute("BEGIN IMMEDIATE");
      st.executeUpdate("INSERT INTO history(revision, kind, uuid, name, type, time_ms, prev_name, prev_state, json,"
          + " state) SELECT " + to + ", kind, uuid, name, '" + type + "', time_ms, name, state,"
          + " replace(json, '\"resourceVersion\":\"" + from + "\"', '\"resourceVersion\":\"" + to + "\"'), state"
          + " FROM history WHERE revision = " + from);
      st.executeUpdate("UPDATE objects SET revision = " + to + ", json = (SELECT json FROM history WHERE revision = "
          + to + ") WHERE uuid = (SELECT uuid FROM history WHERE revision = " + to + ")");
      st.executeUpdate("UPDATE meta SET value = '" + to + "' WHERE key = 'revision'");
      st.execute("COMMIT");
    }
  }
}
