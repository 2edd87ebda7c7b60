package io.virtrev.versioning;

import static io.virtrev.versioning.StoreTestSupport.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.api.Revision;
import io.virtrev.versioning.sqlite.HistoryPages;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History for watchers behind the event log: the event log's byte budget, pages shared between
 * watchers, events that carry what a watch needs without parsing, the compacted mark on shared pages.
 */
class HistoryReadTest {
  private static final String U1 = "11111111-1111-1111-1111-111111111111";
  private static final String U2 = "22222222-2222-2222-2222-222222222222";
  @TempDir Path dir;

  /** Commits {@code n} changes of one domain as fast as the writer takes them; returns the last revision. */
  private static long commit(VersionedStore s, String uuid, int n, int memFrom) throws Exception {
    CompletableFuture<?> last = null;
    for (int i = 0; i < n; i++) {
      last = s.observe(uuid, obs(uuid, "bulk", memFrom + i, "shutoff"), List.of());
    }
    last.get(60, TimeUnit.SECONDS);
    return s.snapshot().revision().value();
  }

  /** What one watcher reads from history, from {@code after} to {@code to}, {@code batch} at a time. */
  private static List<Long> readAll(VersionedStore s, long after, long to, int batch) {
    List<Long> out = new ArrayList<>();
    long cursor = after;
    while (cursor < to) {
      List<StoredEvent> got = s.readHistory(Revision.of(cursor), batch);
      assertThat(got).isNotEmpty();
      for (StoredEvent e : got) {
        out.add(e.revision().value());
        cursor = e.revision().value();
      }
    }
    return out;
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void theEventLogsByteBudgetSendsReadersBehindItToHistory() throws Exception {
    long perEvent;
    try (VersionedStore probe = VersionedStore.open(StoreConfig.defaults(dir.resolve("probe")))) {
      probe.observe(U1, obs(U1, "bulk", 32, "shutoff"), List.of()).get();
      perEvent = probe.observe(U1, obs(U1, "bulk", 33, "shutoff"), List.of()).get().orElseThrow().retainedBytes();
    }
    // Room for 5 events of this size (the count limit stays far away).
    StoreConfig cfg = StoreConfig.defaults(dir.resolve("store")).withEventLogBytes(5 * perEvent + perEvent / 2);
    try (VersionedStore s = VersionedStore.open(cfg)) {
      long last = commit(s, U1, 40, 32);
      assertThat(s.eventLog().size()).isEqualTo(5);
      assertThat(s.eventLog().bytes()).isLessThanOrEqualTo(cfg.eventLogBytes());
      assertThat(s.readRecent(Revision.of(last - 5), 100).events()).extracting(e -> e.revision().value())
          .isEqualTo(range(last - 4, last));
      assertThat(s.readRecent(Revision.of(last - 6), 100).outOfRange()).isTrue();
      assertThat(readAll(s, last - 20, last, 7)).isEqualTo(range(last - 19, last));
    }
  }

  /**
   * Many watchers reading the same range of history at once cost one database read per page; without
   * the page cache every watcher reads every page itself.
   */
  @Test
  void watchersReadingTheSameRangeShareOneDatabaseReadPerPage() throws Exception {
    int watchers = 40;
    StoreConfig cfg = StoreConfig.defaults(dir).withEventLogCapacity(4);
    try (VersionedStore s = VersionedStore.open(cfg)) {
      // Revisions 2..1024: pages (0,256], (256,512], (512,768], (768,1024], all full.
      long last = commit(s, U1, 1023, 32);
      assertThat(last).isEqualTo(4 * HistoryPages.PAGE_SIZE);
      List<List<Long>> seen = readConcurrently(s, watchers, 1, last);
      for (List<Long> one : seen) {
        assertThat(one).isEqualTo(range(2, last));
      }
      assertThat(s.historyReads()).as("one read per page for %d watchers", watchers).isEqualTo(4);
      assertThat(readAll(s, 600, last, 50)).isEqualTo(range(601, last));
      assertThat(s.historyReads()).as("a later watcher in cached pages reads nothing").isEqualTo(4);
    }
  }

  @Test
  void withoutThePageCacheEveryWatcherReadsForItself() throws Exception {
    StoreConfig cfg = StoreConfig.defaults(dir).withEventLogCapacity(4).withHistoryCacheBytes(0);
    try (VersionedStore s = VersionedStore.open(cfg)) {
      long last = commit(s, U1, 1023, 32);
      for (List<Long> one : readConcurrently(s, 10, 1, last)) {
        assertThat(one).isEqualTo(range(2, last));
      }
      assertThat(s.historyReads()).isGreaterThanOrEqualTo(10 * 4);
    }
  }

  private static List<List<Long>> readConcurrently(VersionedStore s, int watchers, long after, long to)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(watchers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<Long>>> all = new ArrayList<>();
      for (int i = 0; i < watchers; i++) {
        int batch = 50 + i; // different batch sizes: cursors cross page boundaries at different places
        all.add(pool.submit(() -> {
          go.await();
          return readAll(s, after, to, batch);
        }));
      }
      go.countDown();
      List<List<Long>> out = new ArrayList<>();
      for (Future<List<Long>> f : all) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void thePageCacheKeepsTheMostRecentlyUsedPagesWithinItsBytes() throws Exception {
    StoreConfig cfg = StoreConfig.defaults(dir).withEventLogCapacity(4);
    try (VersionedStore s = VersionedStore.open(cfg)) {
      commit(s, U1, 1023, 32);
      HistoryPages.Page page1 = page(s, 1);
      long pageBytes = page1.bytes();
      HistoryPages pages = new HistoryPages(2 * pageBytes + pageBytes / 2); // room for two pages
      pages.put(1, page1);
      pages.put(2, page(s, 2));
      assertThat(pages.get(1)).isNotNull(); // page 1 is now the most recently used
      HistoryPages.Page page3 = page(s, 3);
      pages.put(3, page3);
      assertThat(pages.size()).isEqualTo(2);
      assertThat(pages.bytes()).isEqualTo(pageBytes + page3.bytes()).isLessThanOrEqualTo(2 * pageBytes + pageBytes / 2);
      assertThat(pages.get(2)).as("the least recently used page went").isNull();
      assertThat(pages.get(1)).isNotNull();
      assertThat(pages.get(3)).isNotNull();
      HistoryPages tiny = new HistoryPages(pageBytes - 1);
      tiny.put(1, page1);
      assertThat(tiny.size()).as("a page larger than the whole budget is not kept").isZero();
    }
  }

  /** Page {@code k} as read from the store. */
  private static HistoryPages.Page page(VersionedStore s, long k) {
    long before = HistoryPages.first(k) - 1;
    List<StoredEvent> events = s.readHistory(Revision.of(before), HistoryPages.PAGE_SIZE);
    assertThat(events).hasSize(HistoryPages.PAGE_SIZE);
    return new HistoryPages.Page(before, List.copyOf(events));
  }

  @Test
  void historyEventsCarryTheSameLineAndWhatFieldSelectorsNeed() throws Exception {
    StoreConfig cfg = StoreConfig.defaults(dir).withEventLogCapacity(1);
    try (VersionedStore s = VersionedStore.open(cfg)) {
      Map<Long, StoredEvent> committed = new ConcurrentHashMap<>();
      for (String[] step : new String[][] {{U1, "running"}, {U2, "shutoff"}, {U1, "paused"}, {U1, "running"},
          {U2, "running"}, {U1, "shutoff"}}) {
        StoredEvent e = s.observe(step[0], obs(step[0], step[0].equals(U1) ? "a" : "b", 32, step[1]), List.of())
            .get().orElseThrow();
        committed.put(e.revision().value(), e);
      }
      StoredEvent deleted = s.observe(U2, null, List.of()).get().orElseThrow();
      committed.put(deleted.revision().value(), deleted);
      List<StoredEvent> history = s.readHistory(Revision.of(1), 100);
      assertThat(history).hasSize(committed.size());
      FieldSelector running = FieldSelector.parse("status.state=running");
      FieldSelector namedB = FieldSelector.parse("metadata.name=b");
      List<String> runningTypes = new ArrayList<>();
      for (StoredEvent h : history) {
        StoredEvent c = committed.get(h.revision().value());
        assertThat(h.line()).isEqualTo(c.line());
        assertThat(h.type()).isEqualTo(c.type());
        assertThat(h.uuid()).isEqualTo(c.object().uuid());
        assertThat(h.name()).isEqualTo(c.object().name());
        assertThat(h.state()).isEqualTo(c.object().status().state());
        assertThat(h.object()).isEqualTo(c.object());
        assertThat(running.typeThrough(h)).isEqualTo(running.typeThrough(c));
        assertThat(namedB.typeThrough(h)).isEqualTo(namedB.typeThrough(c));
        runningTypes.add(running.typeThrough(h));
      }
      // a: running (ADDED), b: shutoff (-), a: paused (DELETED), a: running (ADDED), b: running (ADDED),
      // a: shutoff (DELETED), b deleted (DELETED).
      assertThat(runningTypes).containsExactly("ADDED", null, "DELETED", "ADDED", "ADDED", "DELETED", "DELETED");
    }
  }

  /**
   * Rows written before the state column existed have none (a schema 1 store's migration keeps them
   * NULL): filters still work.
   */
  @Test
  void rowsWithoutTheStateColumnStillFilterByState() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "a", 32, "running"), List.of()).get();
      s.observe(U1, obs(U1, "a", 32, "paused"), List.of()).get();
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
        var st = c.createStatement()) {
      st.executeUpdate("UPDATE history SET state = NULL"); // as rows of an older store have it
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir).withEventLogCapacity(1))) {
      s.observe(U1, obs(U1, "a", 32, "running"), List.of()).get();
      List<StoredEvent> history = s.readHistory(Revision.of(1), 100);
      assertThat(history).extracting(StoredEvent::state).containsExactly("running", "paused", "running");
      FieldSelector paused = FieldSelector.parse("status.state=paused");
      assertThat(history).extracting(paused::typeThrough).containsExactly(null, "ADDED", "DELETED");
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT revision, state FROM history ORDER BY revision")) {
      List<String> states = new ArrayList<>();
      while (rs.next()) {
        states.add(rs.getLong(1) + ":" + rs.getString(2));
      }
      assertThat(states).as("old rows have none, new rows do")
          .containsExactly("2:null", "3:null", "4:running");
    }
  }

  /**
   * A page kept in the cache is not served to a watcher that the compacted mark has since passed: it
   * gets EXPIRED as it would from the database. A page that begins below the mark is read from the
   * first retained revision.
   */
  @Test
  void theCompactedMarkHoldsForCachedPagesAndPagesThatBeginBelowIt() throws Exception {
    StoreConfig cfg = StoreConfig.defaults(dir).withEventLogCapacity(4).withHistoryRetention(600)
        .withCompactionChunk(7);
    try (VersionedStore s = VersionedStore.open(cfg)) {
      long last = commit(s, U1, 511, 32); // revisions 2..512: pages 0 and 1
      assertThat(s.compacted().value()).as("not compacted yet").isEqualTo(1);
      assertThat(readAll(s, 10, last, 100)).isEqualTo(range(11, last));
      long reads = s.historyReads();
      assertThat(readAll(s, 10, last, 100)).isEqualTo(range(11, last));
      assertThat(s.historyReads()).as("page 0 and 1 are cached").isEqualTo(reads);

      last = commit(s, U1, 300, 2000); // revisions 513..812: the mark moves to about 812 - 600
      long mark = s.compactNow().get(30, TimeUnit.SECONDS).value(); // and the rows below it are deleted
      assertThat(mark).isBetween(100L, 255L);
      assertThatThrownBy(() -> s.readHistory(Revision.of(10), 100)).as("cached, but behind the mark")
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.COMPACTED));
      assertThat(readAll(s, mark, last, 100)).isEqualTo(range(mark + 1, last));
    }
    // A new store on the same directory: nothing cached, page 0 begins below the mark (rows deleted).
    try (VersionedStore s = VersionedStore.open(cfg)) {
      long mark = s.compacted().value();
      long last = s.snapshot().revision().value();
      assertThat(readAll(s, mark, last, 100)).isEqualTo(range(mark + 1, last));
      assertThat(readAll(s, mark + 1, last, 100)).isEqualTo(range(mark + 2, last));
      assertThat(readAll(s, 300, last, 33)).isEqualTo(range(301, last));
    }
  }
}
