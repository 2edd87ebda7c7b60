package io.virtrev.versioning;

import static io.virtrev.versioning.StoreTestSupport.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction with etcd's rule, by count and by age, on its own thread beside commits and watchers. */
class CompactionTest {
  @TempDir Path dir;

  /**
   * Random adds, changes, renames, deletes and re-adds of the same uuids; after compaction the state at
   * every revision from the compacted one up is exactly what the store published then, and below it
   * the answer is 410.
   */
  @Test
  void compactionKeepsTheStateAtEveryRetainedRevisionReconstructable() throws Exception {
    StoreConfig cfg = StoreConfig.defaults(dir).withHistoryRetention(150).withCompactionChunk(7);
    try (VersionedStore s = VersionedStore.open(cfg)) {
      Map<Long, List<Domain>> published = new HashMap<>();
      List<String> uuids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        uuids.add(UUID.randomUUID().toString());
      }
      Map<String, String> names = new HashMap<>();
      Random rnd = new Random(42);
      int n = 0;
      while (s.snapshot().revision().value() < 700) {
        String u = uuids.get(rnd.nextInt(uuids.size()));
        boolean exists = s.snapshot().byUuid(u).isPresent();
        int op = rnd.nextInt(10);
        if (exists && op == 0) {
          s.observe(u, null, List.of()).get(); // deleted; the uuid may come back later
        } else {
          if (op == 1 || !names.containsKey(u)) {
            names.put(u, "d" + (n++)); // a rename (or a new name after a delete)
          }
          s.observe(u, obs(u, names.get(u), 32 + rnd.nextInt(64), rnd.nextBoolean() ? "running" : "shutoff"),
              List.of()).get();
        }
        Snapshot snap = s.snapshot();
        published.put(snap.revision().value(), snap.items());
      }
      Revision c = s.compactNow().get(30, TimeUnit.SECONDS);
      long now = s.snapshot().revision().value();
      assertThat(c.value()).isEqualTo(now - 150);
      assertThat(s.compacted()).isEqualTo(c);
      await().atMost(Duration.ofSeconds(5)).until(() -> s.snapshot().compacted().equals(c));

      for (long r = c.value(); r <= now; r++) {
        List<Domain> expected = published.get(r);
        if (expected == null) {
          continue; // a no-op observation made no revision
        }
        assertThat(s.list(Revision.of(r), null, FieldSelector.EVERYTHING, 0).items())
            .as("state at %d", r).containsExactlyElementsOf(expected);
      }
      assertThatThrownBy(() -> s.list(Revision.of(c.value() - 1), null, FieldSelector.EVERYTHING, 0))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.COMPACTED));
      // Rows really went: at most one per live uuid at or below the mark, none of them a DELETED.
      try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
          Statement st = db.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT uuid), SUM(type = 'DELETED')"
            + " FROM history WHERE revision <= " + c.value())) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2)).isLessThanOrEqualTo(uuids.size());
          assertThat(rs.getLong(3)).isZero();
        }
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM history WHERE revision > " + c.value())) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(150);
        }
      }
    }
  }

  /**
   * A large compaction (thousands of rows in chunks of 5) runs while a committer and a watcher keep
   * going: commits complete and the watcher reads every revision in order while it runs.
   */
  @Test
  void compactionRunsBesideCommitsAndAWatcher() throws Exception {
    String u = UUID.randomUUID().toString();
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      CompletableFuture<?> last = null;
      for (int i = 0; i < 6000; i++) {
        last = s.observe(u, obs(u, "bulk", 32 + i, "shutoff"), List.of());
      }
      last.get(60, TimeUnit.SECONDS);
    }
    StoreConfig small = StoreConfig.defaults(dir).withHistoryRetention(100).withCompactionChunk(5)
        .withHistoryMaxAge(Duration.ZERO);
    try (VersionedStore s = VersionedStore.open(small)) {
      long start = s.snapshot().revision().value();
      AtomicLong seen = new AtomicLong(start);
      AtomicReference<String> watchError = new AtomicReference<>();
      Thread watcher = new Thread(() -> {
        long cursor = start;
        while (!Thread.currentThread().isInterrupted()) {
          RecentEvents r = s.readRecent(Revision.of(cursor), 100);
          List<StoredEvent> got = r.outOfRange() ? s.readHistory(Revision.of(cursor), 100) : r.events();
          for (StoredEvent e : got) {
            if (e.revision().value() != cursor + 1) {
              watchError.set("gap: " + cursor + " then " + e.revision());
              return;
            }
            cursor++;
          }
          seen.set(cursor);
          Thread.onSpinWait();
        }
      }, "test-watcher");
      watcher.start();
      CompletableFuture<Revision> compaction = s.compactNow();
      int commitsDuring = 0;
      long watchedDuring = 0;
      int i = 0;
      while (!compaction.isDone()) {
        s.observe(u, obs(u, "bulk", 10_000 + i++, "shutoff"), List.of()).get(10, TimeUnit.SECONDS);
        if (!compaction.isDone()) {
          commitsDuring++;
          watchedDuring = seen.get() - start;
        }
      }
      Revision c = compaction.get();
      long end = s.snapshot().revision().value();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.get() >= end || watchError.get() != null);
      watcher.interrupt();
      watcher.join();
      assertThat(watchError.get()).isNull();
      assertThat(commitsDuring).as("commits completed while the compaction ran").isGreaterThan(5);
      assertThat(watchedDuring).as("revisions the watcher read while the compaction ran").isGreaterThan(5);
      assertThat(c.value()).isGreaterThanOrEqualTo(start - 100);
      assertThat(s.list(s.compacted(), null, FieldSelector.EVERYTHING, 0).items()).hasSize(1);
      System.out.printf("compaction of ~%d rows in chunks of 5: %d commits and %d watched revisions meanwhile%n",
          start - 100, commitsDuring, watchedDuring);
    }
  }

  /** Revisions older than historyMaxAge are compacted (by the store's clock), never the newest one. */
  @Test
  void ageRetentionCompactsOldRevisionsButNeverTheNewest() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    StoreConfig cfg = StoreConfig.defaults(dir).withHistoryMaxAge(Duration.ofHours(1));
    String u = UUID.randomUUID().toString();
    try (VersionedStore s = VersionedStore.open(cfg, clock)) {
      for (int i = 0; i < 10; i++) {
        s.observe(u, obs(u, "a", 32 + i, "shutoff"), List.of()).get();
      }
      assertThat(s.compactNow().get(10, TimeUnit.SECONDS)).isEqualTo(Revision.of(1));
      clock.advance(Duration.ofMinutes(90));
      for (int i = 0; i < 5; i++) {
        s.observe(u, obs(u, "a", 100 + i, "shutoff"), List.of()).get();
      }
      assertThat(s.compactNow().get(10, TimeUnit.SECONDS).value()).isEqualTo(11);
      assertThatThrownBy(() -> s.checkRetained(Revision.of(10))).isInstanceOf(StoreException.class);
      s.checkRetained(Revision.of(11));
      assertThat(s.list(Revision.of(11), null, FieldSelector.EVERYTHING, 0).items())
          .singleElement().satisfies(d -> assertThat(d.resourceVersion().value()).isEqualTo(11));

      clock.advance(Duration.ofHours(5)); // everything is old now; the newest revision stays
      assertThat(s.compactNow().get(10, TimeUnit.SECONDS).value()).isEqualTo(15);
      assertThat(s.readHistory(Revision.of(15), 10)).extracting(e -> e.revision().value()).containsExactly(16L);
    }
  }

  @Test
  void noAgeLimitWhenMaxAgeIsZero() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    String u = UUID.randomUUID().toString();
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir).withHistoryMaxAge(Duration.ZERO), clock)) {
      for (int i = 0; i < 5; i++) {
        s.observe(u, obs(u, "a", 32 + i, "shutoff"), List.of()).get();
      }
      clock.advance(Duration.ofDays(3650));
      assertThat(s.compactNow().get(10, TimeUnit.SECONDS)).isEqualTo(Revision.of(1));
    }
  }

  /** The mark survives a restart, and rows a stopped compaction left are deleted after it. */
  @Test
  void theCompactedRevisionSurvivesARestart() throws Exception {
    String u = UUID.randomUUID().toString();
    StoreConfig cfg = StoreConfig.defaults(dir).withHistoryRetention(10);
    Revision c;
    try (VersionedStore s = VersionedStore.open(cfg)) {
      for (int i = 0; i < 40; i++) {
        s.observe(u, obs(u, "a", 32 + i, "shutoff"), List.of()).get();
      }
      c = s.compactNow().get(10, TimeUnit.SECONDS);
      assertThat(c.value()).isEqualTo(31);
    }
    try (VersionedStore s = VersionedStore.open(cfg)) {
      assertThat(s.compacted()).isEqualTo(c);
      assertThat(s.snapshot().compacted()).isEqualTo(c);
      assertThatThrownBy(() -> s.checkRetained(Revision.of(30))).isInstanceOf(StoreException.class);
    }
  }
}
