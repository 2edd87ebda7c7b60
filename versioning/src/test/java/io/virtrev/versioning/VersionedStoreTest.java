package io.virtrev.versioning;

import static io.virtrev.versioning.StoreTestSupport.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.Domain;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Revision;
import io.virtrev.api.source.DomainObservation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionedStoreTest {
  @TempDir Path dir;

  private static final String U1 = "11111111-1111-1111-1111-111111111111";
  private static final String U2 = "22222222-2222-2222-2222-222222222222";

  @Test
  void eachObservedChangeGetsTheNextRevisionAndNoChangeGetsNone() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      assertThat(s.snapshot().revision()).as("a new store is at revision 1, never 0").isEqualTo(Revision.of(1));
      var added = s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get().orElseThrow();
      assertThat(added.type()).isEqualTo("ADDED");
      assertThat(added.revision().value()).isEqualTo(2);
      Domain d = added.object();
      assertThat(d.metadata().generation()).isEqualTo(1);
      assertThat(d.metadata().creationRevision().value()).isEqualTo(2);

      // Same content, reformatted XML: no revision.
      DomainObservation same = obs(U1, "a", 32, "shutoff");
      same = new DomainObservation(U1, "a", same.configXml().replace("\n", "\n\n  "), null, true, false,
          "shutoff", "unknown", null);
      assertThat(s.observe(U1, same, List.of(lifecycle("defined", "updated"))).get()).isEmpty();
      assertThat(s.snapshot().revision().value()).isEqualTo(2);

      // Config change: MODIFIED, generation bumps.
      var mod = s.observe(U1, obs(U1, "a", 64, "shutoff"), List.of()).get().orElseThrow();
      assertThat(mod.type()).isEqualTo("MODIFIED");
      assertThat(mod.revision().value()).isEqualTo(3);
      assertThat(mod.object().metadata().generation()).isEqualTo(2);

      // State change only: MODIFIED, generation stays, lastEvent recorded.
      var started = s.observe(U1, obs(U1, "a", 64, "running"), List.of(lifecycle("started", "booted"))).get().orElseThrow();
      assertThat(started.object().metadata().generation()).isEqualTo(2);
      assertThat(started.object().status().state()).isEqualTo("running");
      assertThat(started.object().status().lastEvent().event()).isEqualTo("started");

      // A reboot changes nothing else but is a revision.
      var reboot = s.observe(U1, obs(U1, "a", 64, "running"),
          List.of(new LibvirtEvent(LibvirtEvent.REBOOT, null, null, Instant.now()))).get().orElseThrow();
      assertThat(reboot.revision().value()).isEqualTo(5);

      // Gone: DELETED carrying the last state at the deletion's revision.
      var del = s.observe(U1, null, List.of(lifecycle("undefined", "removed"))).get().orElseThrow();
      assertThat(del.type()).isEqualTo("DELETED");
      assertThat(del.object().resourceVersion().value()).isEqualTo(6);
      assertThat(del.object().status().state()).isEqualTo("running");
      assertThat(s.snapshot().size()).isZero();
      assertThat(s.observe(U1, null, List.of()).get()).isEmpty();
    }
  }

  @Test
  void renameKeepsIdentityAndNameIndex() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "old", 32, "shutoff"), List.of()).get();
      s.observe(U1, obs(U1, "new", 32, "shutoff"), List.of()).get();
      assertThat(s.snapshot().byName("old")).isEmpty();
      assertThat(s.snapshot().byName("new").orElseThrow().uuid()).isEqualTo(U1);
      assertThat(s.snapshot().find(U1.toUpperCase()).orElseThrow().name()).isEqualTo("new");
    }
  }

  @Test
  void resyncDeletesFirstThenAddsAndModifies() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "x", 32, "shutoff"), List.of()).get();
      // U1 is gone; U2 now has the name "x".
      List<StoredEvent> events = s.resync(List.of(obs(U2, "x", 32, "running"))).get();
      assertThat(events).extracting(StoredEvent::type).containsExactly("DELETED", "ADDED");
      assertThat(events).extracting(e -> e.revision().value()).containsExactly(3L, 4L);
      assertThat(s.snapshot().byName("x").orElseThrow().uuid()).isEqualTo(U2);
      assertThat(s.resync(List.of(obs(U2, "x", 32, "running"))).get()).isEmpty();
    }
  }

  @Test
  void revisionsAndObjectsSurviveRestartAndContinue() throws Exception {
    String storeId;
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get();
      s.observe(U2, obs(U2, "b", 32, "running"), List.of()).get();
      s.observe(U1, null, List.of()).get();
      storeId = s.snapshot().storeId();
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      assertThat(s.snapshot().storeId()).isEqualTo(storeId);
      assertThat(s.snapshot().revision().value()).isEqualTo(4);
      assertThat(s.snapshot().items()).extracting(Domain::name).containsExactly("b");
      var next = s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get().orElseThrow();
      assertThat(next.revision().value()).as("never reuses a revision").isEqualTo(5);
      // History from before the restart is readable, dense, in order.
      assertThat(s.readHistory(Revision.of(1), 100)).extracting(e -> e.revision().value())
          .containsExactly(2L, 3L, 4L, 5L);
    }
  }

  /**
   * The edit-base marker is in every serialized object (watch lines, history rows) and in no object the
   * store holds, also after a restart that reads them back: change detection compares libvirt's XML
   * with libvirt's XML, so observing the same definition again makes no revision.
   */
  @Test
  void theEditBaseMarkerIsOnTheWireOnlyAlsoAfterARestart() throws Exception {
    DomainObservation b = obs(U2, "b", 32, "running");
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      StoredEvent e = s.observe(U2, b, List.of()).get().orElseThrow();
      assertThat(new String(e.objectJson(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("\"xml\":\"<?virtrev-base generation=\\\"1\\\"?>\\n<domain");
      assertThat(e.object().spec().xml()).isEqualTo(b.configXml());
      assertThat(e.detached().object().spec().xml()).as("parsed from the line").isEqualTo(b.configXml());
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      assertThat(s.snapshot().byUuid(U2).orElseThrow().spec().xml()).isEqualTo(b.configXml());
      assertThat(s.readHistory(Revision.of(1), 10)).singleElement()
          .satisfies(h -> assertThat(h.object().spec().xml()).isEqualTo(b.configXml()));
      assertThat(s.observe(U2, b, List.of()).get()).as("no change, no revision").isEmpty();
    }
  }

  @Test
  void aWipedStoreGetsANewId() throws Exception {
    String first;
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      first = s.snapshot().storeId();
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(Files.createDirectories(dir.resolve("other"))))) {
      assertThat(s.snapshot().storeId()).isNotEqualTo(first);
    }
  }

  @Test
  void secondOpenOfTheSameStoreIsRefused() {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(dir)))
          .isInstanceOf(StoreException.class).hasMessageContaining("in use");
    }
  }

  @Test
  void newerSchemaAndGarbageAreRefusedWithoutTouchingTheFile() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get();
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
        var st = c.createStatement()) {
      st.executeUpdate("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    }
    byte[] before = Files.readAllBytes(dir.resolve("virtrev.db"));
    assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(dir)))
        .isInstanceOf(StoreException.class).hasMessageContaining("newer virtrevd");
    assertThat(Files.readAllBytes(dir.resolve("virtrev.db"))).isEqualTo(before);

    Path junk = Files.createDirectories(dir.resolve("junk"));
    Files.writeString(junk.resolve("virtrev.db"), "this is not a database, just text that is long enough".repeat(50));
    assertThatThrownBy(() -> VersionedStore.open(StoreConfig.defaults(junk)))
        .isInstanceOf(StoreException.class).hasMessageContaining("not a readable virtrev store");
  }

  @Test
  void eventsBeyondTheMemoryLogComeFromHistoryAndCompactedOnesAreExpired() throws Exception {
    StoreConfig cfg = StoreConfig.defaults(dir).withEventLogCapacity(4).withHistoryRetention(20);
    try (VersionedStore s = VersionedStore.open(cfg)) {
      for (int i = 0; i < 50; i++) {
        s.observe(U1, obs(U1, "a", 32 + i, "shutoff"), List.of()).get();
      }
      assertThat(s.snapshot().revision().value()).isEqualTo(51);
      assertThat(s.readRecent(Revision.of(47), 10).events()).extracting(e -> e.revision().value())
          .containsExactly(48L, 49L, 50L, 51L);
      assertThat(s.readRecent(Revision.of(46), 10).outOfRange()).isTrue();
      long compacted = s.snapshot().compacted().value();
      assertThat(compacted).isBetween(29L, 31L);
      assertThat(s.readHistory(Revision.of(compacted), 5)).extracting(e -> e.revision().value())
          .containsExactly(compacted + 1, compacted + 2, compacted + 3, compacted + 4, compacted + 5);
      assertThatThrownBy(() -> s.readHistory(Revision.of(compacted - 1), 5))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.COMPACTED));
      assertThatThrownBy(() -> s.checkRetained(Revision.of(3)))
          .isInstanceOfSatisfying(StoreException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(StoreException.Reason.COMPACTED);
                assertThat(e.details()).containsEntry("compactedRevision", Long.toString(compacted));
              });
    }
  }

  @Test
  void awaitRevisionCompletesWhenReached() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      var f = s.awaitRevision(Revision.of(3));
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get();
      assertThat(f).isNotDone();
      s.observe(U2, obs(U2, "b", 32, "shutoff"), List.of()).get();
      assertThat(f.get(5, TimeUnit.SECONDS).value()).isEqualTo(3);
      assertThat(s.awaitRevision(Revision.of(2))).isCompleted();
    }
  }

  @Test
  void concurrentSubmittersGetDenseUniqueRevisions() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      List<Thread> threads = new ArrayList<>();
      List<CompletableFuture<?>> all = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 8; t++) {
        Thread th = new Thread(() -> {
          for (int i = 0; i < 50; i++) {
            String u = UUID.randomUUID().toString();
            all.add(s.observe(u, obs(u, "d-" + u, 32, "shutoff"), List.of()));
          }
        });
        th.start();
        threads.add(th);
      }
      for (Thread t : threads) {
        t.join();
      }
      for (var f : all) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(s.snapshot().revision().value()).isEqualTo(401);
      assertThat(s.readHistory(Revision.of(1), 1000)).extracting(e -> e.revision().value())
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, 401).boxed().toList());
    }
  }

  /**
   * Holds SQLite's write lock from another connection, so the store's sync thread waits in its commit
   * (busy_timeout) while its writer goes on applying: a real disk-side stall, no hook in the store.
   */
  private Connection holdWriteLock() throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
    }
    return c;
  }

  private static void awaitApplied(VersionedStore s, long revision) {
    await().atMost(Duration.ofSeconds(5))
        .until(() -> s.appliedRevision() == revision);
  }

  @Test
  void batchesAppliedWhileACommitWaitsAreCommittedTogetherAndPublishedInOrder() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      List<Integer> commits = Collections.synchronizedList(new ArrayList<>());
      s.setObserver((revisions, nanos) -> commits.add(revisions));
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS);
      CompletableFuture<?> first;
      CompletableFuture<?> second;
      CompletableFuture<?> third;
      try (Connection lock = holdWriteLock()) {
        first = s.observe(U1, obs(U1, "a", 64, "shutoff"), List.of());
        awaitApplied(s, 3); // its commit now waits for the lock
        second = s.observe(U2, obs(U2, "b", 32, "shutoff"), List.of());
        awaitApplied(s, 4); // applied on top of revision 3, which is not durable yet
        third = s.observe(U1, obs(U1, "a", 96, "shutoff"), List.of());
        awaitApplied(s, 5);
        assertThat(s.snapshot().revision().value()).as("nothing is published before it is durable").isEqualTo(2);
        assertThat(List.of(first, second, third)).as("nothing completes before it is durable")
            .noneMatch(CompletableFuture::isDone);
        try (Statement st = lock.createStatement()) {
          st.execute("ROLLBACK");
        }
      }
      CompletableFuture.allOf(first, second, third).get(10, TimeUnit.SECONDS);
      assertThat(commits).as("one commit for the first batch, one for the two that waited behind it")
          .containsExactly(1, 1, 2);
      assertThat(s.snapshot().revision().value()).isEqualTo(5);
      assertThat(s.snapshot().find(U1).orElseThrow().resourceVersion().value()).isEqualTo(5);
      assertThat(s.readHistory(Revision.of(1), 10)).extracting(e -> e.revision().value())
          .containsExactly(2L, 3L, 4L, 5L);
    }
  }

  @Test
  void aFailedCommitFailsWhatWasAppliedOnTopOfItAndItsRevisionsAreReused() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(U1, obs(U1, "a", 32, "shutoff"), List.of()).get(5, TimeUnit.SECONDS);
      CompletableFuture<?> poisoned;
      CompletableFuture<?> onTop;
      try (Connection lock = holdWriteLock()) {
        try (Statement st = lock.createStatement()) {
          // A real SQLite failure for one row, visible to the store once this transaction commits.
          st.execute("CREATE TRIGGER poison BEFORE INSERT ON history WHEN NEW.name = 'poison'"
              + " BEGIN SELECT RAISE(ABORT, 'poisoned row'); END");
        }
        poisoned = s.observe(U2, obs(U2, "poison", 32, "shutoff"), List.of());
        awaitApplied(s, 3);
        onTop = s.observe(U1, obs(U1, "a", 64, "shutoff"), List.of()); // decided on a state holding revision 3
        awaitApplied(s, 4);
        try (Statement st = lock.createStatement()) {
          st.execute("COMMIT");
        }
      }
      assertThatThrownBy(() -> poisoned.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
          .hasMessageContaining("poisoned row");
      assertThatThrownBy(() -> onTop.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
          .hasMessageContaining("earlier commit");
      assertThat(s.snapshot().revision().value()).isEqualTo(2);
      assertThat(s.snapshot().find(U2)).isEmpty();

      // The writer starts again from what is published: revision 3 is reused, nothing is skipped.
      var again = s.observe(U1, obs(U1, "a", 64, "shutoff"), List.of()).get(5, TimeUnit.SECONDS).orElseThrow();
      assertThat(again.revision().value()).isEqualTo(3);
      assertThat(again.type()).isEqualTo("MODIFIED");
      assertThat(s.readHistory(Revision.of(1), 10)).extracting(e -> e.revision().value()).containsExactly(2L, 3L);
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      assertThat(s.snapshot().revision().value()).isEqualTo(3);
      assertThat(s.snapshot().find(U2)).isEmpty();
    }
  }

  private static LibvirtEvent lifecycle(String event, String detail) {
    return new LibvirtEvent(LibvirtEvent.LIFECYCLE, event, detail, Instant.now());
  }
}
