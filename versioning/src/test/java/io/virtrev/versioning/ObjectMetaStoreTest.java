package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.Domain;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Revision;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.FakeDomainSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes object metadata in the store: labels and annotations read from the domain's XML (also when
 * something else than virtrev edits it, as {@code virsh metadata} does), the creation time, uid, and
 * what label selectors see of committed and history events.
 */
class ObjectMetaStoreTest {
  private static final String U = "11111111-2222-3333-4444-555555555555";
  @TempDir Path dir;

  private static String labelled(String name, String uuid, String elementBody) {
    return DomainXml.tiny(name, uuid, 32).replace("</uuid>", "</uuid><metadata><virtrev:object xmlns:virtrev='"
        + ObjectMetaXml.NAMESPACE + "'>" + elementBody + "</virtrev:object></metadata>");
  }

  @Test
  void labelsFromTheXmlAndAVirshMetadataEditIsARevisionThatKeepsTheGeneration() {
    FakeDomainSource source = new FakeDomainSource();
    try (VersionedStore store = VersionedStore.open(StoreConfig.defaults(dir));
        Reconciler reconciler = new Reconciler(source, store, ReconcilerConfig.defaults())) {
      reconciler.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
      source.define(labelled("web", U, "<virtrev:label key='tier'>web</virtrev:label>"
          + "<virtrev:annotation key='example.com/owner'>team a</virtrev:annotation>"), false);
      await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().byUuid(U).isPresent());
      Domain first = store.snapshot().byUuid(U).orElseThrow();
      assertThat(first.metadata().labels()).containsExactly(Map.entry("tier", "web"));
      assertThat(first.metadata().annotations()).containsExactly(Map.entry("example.com/owner", "team a"));
      assertThat(first.metadata().uid()).isEqualTo(U);
      assertThat(first.metadata().creationTimestamp()).isNotNull();

      // virsh metadata --uri https://virtrev.io/xmlns/domain/v1 --key virtrev --set ...: one metadata-change event.
      source.setMetadata(U, "<metadata><virtrev:object xmlns:virtrev=\"" + ObjectMetaXml.NAMESPACE + "\">"
          + "<virtrev:label key=\"tier\">db</virtrev:label><virtrev:label key=\"new\">yes</virtrev:label>"
          + "</virtrev:object></metadata>");
      await().atMost(Duration.ofSeconds(5)).until(
          () -> store.snapshot().byUuid(U).orElseThrow().metadata().labels()
              .equals(Map.of("tier", "db", "new", "yes")));
      Domain second = store.snapshot().byUuid(U).orElseThrow();
      assertThat(second.resourceVersion().value()).isEqualTo(first.resourceVersion().value() + 1);
      assertThat(second.status().lastEvent().type()).isEqualTo(LibvirtEvent.METADATA_CHANGE);
      assertThat(second.metadata().annotations()).isEmpty();
      assertThat(second.metadata().generation()).as("labels are metadata, not spec").isEqualTo(1);
      assertThat(second.metadata().creationTimestamp()).isEqualTo(first.metadata().creationTimestamp());
      assertThat(second.metadata().creationRevision()).isEqualTo(first.metadata().creationRevision());

      source.redefine(U, 64); // a spec change (and the tiny XML has no labels)
      await().atMost(Duration.ofSeconds(5))
          .until(() -> store.snapshot().byUuid(U).orElseThrow().metadata().generation() == 2);
      assertThat(store.snapshot().byUuid(U).orElseThrow().metadata().labels()).isEmpty();
    }
  }

  /**
   * The store keeps objects in their served form (spec.xml and status.liveXml without virtrev's element,
   * the labels in metadata): reopened, a labelled domain libvirt still holds unchanged is no revision.
   */
  @Test
  void aLabelledDomainIsNoRevisionAfterARestart() throws Exception {
    String xml = labelled("a", U, "<virtrev:label key='tier'>web</virtrev:label>");
    DomainObservation running = new DomainObservation(U, "a", xml, xml, true, false, "running", "booted", 3);
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      assertThat(s.observe(U, running, List.of()).get()).isPresent();
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      Domain stored = s.snapshot().byUuid(U).orElseThrow();
      assertThat(stored.spec().xml()).doesNotContain(ObjectMetaXml.NAMESPACE);
      assertThat(stored.metadata().labels()).containsExactly(Map.entry("tier", "web"));
      assertThat(s.observe(U, running, List.of()).get()).as("unchanged").isEmpty();
      DomainObservation relabelled = new DomainObservation(U, "a", labelled("a", U,
          "<virtrev:label key='tier'>db</virtrev:label>"), xml, true, false, "running", "booted", 3);
      Domain changed = s.observe(U, relabelled, List.of()).get().orElseThrow().object();
      assertThat(changed.metadata().labels()).containsExactly(Map.entry("tier", "db"));
      assertThat(changed.metadata().generation()).isEqualTo(stored.metadata().generation());
    }
  }

  @Test
  void creationTimestampIsTheCreationCommitsTimeKeptAcrossRestartsAndRestampedInAFreshStore() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T22:10:53.750Z"));
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir.resolve("a")), clock)) {
      s.observe(U, StoreTestSupport.obs(U, "a", 32, "shutoff"), List.of()).get();
      clock.advance(Duration.ofHours(1));
      s.observe(U, StoreTestSupport.obs(U, "a", 64, "shutoff"), List.of()).get();
      assertThat(s.snapshot().byUuid(U).orElseThrow().metadata().creationTimestamp())
          .isEqualTo(Instant.parse("2026-12-01T22:10:53Z"));
    }
    clock.advance(Duration.ofHours(1));
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir.resolve("a")), clock)) {
      Domain d = s.snapshot().byUuid(U).orElseThrow();
      assertThat(d.metadata().creationTimestamp()).isEqualTo(Instant.parse("2026-12-01T22:10:53Z"));
      assertThat(new String(io.virtrev.api.Json.bytes(d))).contains("\"creationTimestamp\":\"2026-12-01T22:10:53Z\"")
          .contains("\"uid\":\"" + U + "\"").doesNotContain("\"labels\"").doesNotContain("\"annotations\"");
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir.resolve("fresh")), clock)) {
      s.observe(U, StoreTestSupport.obs(U, "a", 64, "shutoff"), List.of()).get();
      assertThat(s.snapshot().byUuid(U).orElseThrow().metadata().creationTimestamp())
          .as("a fresh data dir has no record of the first one").isEqualTo(Instant.parse("2026-12-02T00:10:53Z"));
    }
  }

  /** Objects an older virtrevd stored have no creationTimestamp: the creation row's commit time fills it in. */
  @Test
  void anObjectStoredWithoutCreationTimestampGetsItsCreationRowsTime() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"));
    String other = "99999999-2222-3333-4444-555555555555";
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir), clock)) {
      s.observe(U, StoreTestSupport.obs(U, "a", 32, "shutoff"), List.of()).get();
      s.observe(other, StoreTestSupport.obs(other, "b", 32, "shutoff"), List.of()).get();
      clock.advance(Duration.ofMinutes(5));
      s.observe(U, StoreTestSupport.obs(U, "a", 64, "shutoff"), List.of()).get();
    }
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
        var st = c.createStatement()) {
      // As an older binary wrote them: no creationTimestamp; b's creation row compacted away.
      st.executeUpdate("UPDATE objects SET json = CAST(json_remove(CAST(json AS TEXT), '$.metadata.creationTimestamp')"
          + " AS BLOB)");
      st.executeUpdate("DELETE FROM history WHERE uuid = '" + other + "'");
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir), clock)) {
      assertThat(s.snapshot().byUuid(U).orElseThrow().metadata().creationTimestamp())
          .isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
      assertThat(s.snapshot().byUuid(other).orElseThrow().metadata().creationTimestamp()).isNull();
    }
  }

  @Test
  void eventsFromTheWriterAndFromHistoryCarryLabelsBeforeAndAfterForLabelSelectors() throws Exception {
    FieldSelector web = FieldSelector.parse(null, "tier=web");
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir).withEventLogCapacity(1))) {
      List<StoredEvent> committed = List.of(
          s.observe(U, obs("<virtrev:label key='tier'>db</virtrev:label>"), List.of()).get().orElseThrow(),
          s.observe(U, obs("<virtrev:label key='tier'>web</virtrev:label>"), List.of()).get().orElseThrow(),
          s.observe(U, obs("<virtrev:label key='tier'>web</virtrev:label><virtrev:label key='x'>1</virtrev:label>"),
              List.of()).get().orElseThrow(),
          s.observe(U, obs(""), List.of()).get().orElseThrow(),
          s.observe(U, obs("<virtrev:label key='tier'>web</virtrev:label>"), List.of()).get().orElseThrow(),
          s.observe(U, null, List.of()).get().orElseThrow());
      List<StoredEvent> history = s.readHistory(Revision.of(1), 100);
      assertThat(history).extracting(StoredEvent::labels).containsExactlyElementsOf(
          committed.stream().map(StoredEvent::labels).toList());
      assertThat(history).extracting(StoredEvent::prevLabels).containsExactly(Map.of(), Map.of("tier", "db"),
          Map.of("tier", "web"), Map.of("tier", "web", "x", "1"), Map.of(), Map.of("tier", "web"));
      List<String> expected = java.util.Arrays.asList(null, "ADDED", "MODIFIED", "DELETED", "ADDED", "DELETED");
      assertThat(committed).extracting(web::typeThrough).containsExactlyElementsOf(expected);
      assertThat(history).extracting(web::typeThrough).containsExactlyElementsOf(expected);
      assertThat(s.list(s.snapshot().revision(), null, web, 0).items()).isEmpty();
      assertThat(s.list(Revision.of(4), null, web, 0).items()).extracting(Domain::uuid).containsExactly(U);
    }
  }

  private static DomainObservation obs(String elementBody) {
    String xml = elementBody.isEmpty() ? DomainXml.tiny("a", U, 32) : labelled("a", U, elementBody);
    return new DomainObservation(U, "a", xml, null, true, false, "shutoff", "unknown", null);
  }
}
