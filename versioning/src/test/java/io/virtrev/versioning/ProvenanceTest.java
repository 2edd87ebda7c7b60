package io.virtrev.versioning;

import static io.virtrev.versioning.StoreTestSupport.BY;
import static io.virtrev.versioning.StoreTestSupport.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.Domain;
import io.virtrev.api.DomainStatus;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.ApiRequest;
import io.virtrev.api.Revision;
import io.virtrev.api.source.LifecycleAction;
import io.virtrev.fixtures.FakeDomainSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status.lastEvent}, {@code events}, {@code eventsOmitted} and {@code request} describe the one
 * revision that carries them: the events that led to its read, the request that made it, nothing carried
 * over from an earlier revision, nothing for a change a resync found.
 */
class ProvenanceTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  @TempDir Path dir;
  private final FakeDomainSource source = new FakeDomainSource();
  private VersionedStore store;
  private Reconciler reconciler;
  private Mutations mutations;

  private void start(ReconcilerConfig cfg) {
    store = VersionedStore.open(StoreConfig.defaults(dir));
    reconciler = new Reconciler(source, store, cfg);
    reconciler.start();
    mutations = new Mutations(source, store, reconciler);
    await().atMost(WAIT).until(() -> reconciler.readiness().ready());
  }

  @AfterEach
  void stop() {
    if (reconciler != null) {
      reconciler.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aChangeFoundByAResyncCarriesNoEventAndNoRevisionInheritsAnEarlierOnesEvents() {
    start(ReconcilerConfig.defaults());
    String a = source.defineTiny("a");
    await().atMost(WAIT).until(() -> store.snapshot().byUuid(a).isPresent());
    source.start(a);
    await().atMost(WAIT).until(() -> "running".equals(state(a)));
    DomainStatus started = status(a);
    assertThat(started.lastEvent().event()).isEqualTo("started");
    assertThat(describe(started.events())).containsExactly("lifecycle started/booted");

    source.setMemoryConfig(a, 64); // no event, as virsh setmem --config
    long before = store.snapshot().revision().value();
    reconciler.requestResync();
    await().atMost(WAIT).until(() -> store.snapshot().revision().value() > before);
    Domain found = store.snapshot().byUuid(a).orElseThrow();
    assertThat(found.spec().xml()).contains("65536");
    assertThat(found.status().lastEvent()).as("the resync's revision, not the start's event").isNull();
    assertThat(found.status().events()).isNull();
    assertThat(found.status().eventsOmitted()).isNull();
    assertThat(found.status().request()).isNull();
  }

  @Test
  void eventsCoalescedIntoOneReadAreExactlyThatRevisionsAndTheBoundCountsWhatItLeavesOut() throws Exception {
    start(ReconcilerConfig.defaults());
    String a = source.defineTiny("a");
    String b = source.defineTiny("b");
    await().atMost(WAIT).until(() -> store.snapshot().byUuid(a).isPresent() && store.snapshot().byUuid(b).isPresent());
    source.start(a);
    await().atMost(WAIT).until(() -> "running".equals(state(a)));
    Revision running = store.snapshot().byUuid(a).orElseThrow().resourceVersion();

    // While the reconciler reads b (held at the gate), three events for a pile up: one read, one revision.
    source.blockReads();
    source.redefine(b, 48);
    await().atMost(WAIT).until(() -> source.blockedReads() == 1);
    source.suspend(a);
    source.resume(a);
    source.destroy(a);
    source.unblockReads();
    await().atMost(WAIT).until(() -> "shutoff".equals(state(a)));
    List<StoredEvent> revisions = since(a, running);
    assertThat(revisions).hasSize(1);
    DomainStatus destroyed = revisions.get(0).object().status();
    assertThat(describe(destroyed.events())).containsExactly("lifecycle suspended/paused",
        "lifecycle resumed/unpaused", "lifecycle stopped/destroyed");
    assertThat(destroyed.lastEvent().detail()).isEqualTo("destroyed");
    assertThat(destroyed.eventsOmitted()).isNull();

    source.start(a);
    await().atMost(WAIT).until(() -> "running".equals(state(a)));
    Revision restarted = store.snapshot().byUuid(a).orElseThrow().resourceVersion();
    assertThat(describe(status(a).events())).as("not the destroy's events").containsExactly("lifecycle started/booted");

    // More events than the bound coalesced into one read: the newest 16 listed, the older ones counted.
    source.blockReads();
    source.redefine(b, 40);
    await().atMost(WAIT).until(() -> source.blockedReads() == 1);
    for (int i = 0; i < DomainStatus.MAX_EVENTS + 4; i++) {
      source.reboot(a);
    }
    source.unblockReads();
    await().atMost(WAIT).until(() -> !since(a, restarted).isEmpty());
    List<StoredEvent> reboots = since(a, restarted);
    assertThat(reboots).hasSize(1);
    DomainStatus many = reboots.get(0).object().status();
    assertThat(many.events()).hasSize(DomainStatus.MAX_EVENTS).allMatch(e -> e.type().equals(LibvirtEvent.REBOOT));
    assertThat(many.eventsOmitted()).isEqualTo(4);
    assertThat(many.request()).isNull();
  }

  /**
   * As libvirt's destroy: the event that led to a re-read is followed, while that read runs, by the event
   * announcing what the read sees. Both are in the one revision (once the read was repeated), not the
   * first alone with the second consumed by a re-read that finds nothing new.
   */
  @Test
  void anEventArrivingDuringAReadThatSawItsChangeIsInTheRevisionThatReadMakes() {
    start(ReconcilerConfig.defaults());
    String a = source.defineTiny("a");
    await().atMost(WAIT).until(() -> store.snapshot().byUuid(a).isPresent());
    source.start(a);
    await().atMost(WAIT).until(() -> "running".equals(state(a)));
    Revision running = store.snapshot().byUuid(a).orElseThrow().resourceVersion();

    source.blockReads();
    source.suspend(a); // its re-read is held at the gate, as libvirt holds a read while it destroys
    await().atMost(WAIT).until(() -> source.blockedReads() == 1);
    source.destroy(a); // arrives during that read, which will see shutoff
    source.unblockReads();
    await().atMost(WAIT).until(() -> "shutoff".equals(state(a)));
    List<StoredEvent> revisions = since(a, running);
    assertThat(revisions).hasSize(1);
    DomainStatus s = revisions.get(0).object().status();
    assertThat(describe(s.events())).containsExactly("lifecycle suspended/paused", "lifecycle stopped/destroyed");
    assertThat(s.lastEvent().detail()).isEqualTo("destroyed");
    assertThat(source.reads().stream().filter(r -> r.equals("get " + a)).count())
        .as("the read was repeated once for the event that came during it").isGreaterThanOrEqualTo(2);
  }

  @Test
  void aMutationsRevisionCarriesItsRequestAndOnlyTheEventsThatArrivedBeforeItsRead() throws Exception {
    start(ReconcilerConfig.defaults());
    String a = source.defineTiny("a");
    String b = source.defineTiny("b");
    await().atMost(WAIT).until(() -> store.snapshot().byUuid(a).isPresent() && store.snapshot().byUuid(b).isPresent());
    Revision defined = store.snapshot().byUuid(a).orElseThrow().resourceVersion();

    // The reconciler is busy (a read of b at the gate) while a changes with an event and a start is asked for.
    source.blockReads();
    source.redefine(b, 48);
    await().atMost(WAIT).until(() -> source.blockedReads() == 1);
    source.redefine(a, 64);
    CompletableFuture<Mutations.Result> start = mutations.act("a", LifecycleAction.START, Precondition.NONE,
        DryRun.NONE, BY);
    source.unblockReads();
    Mutations.Result r = start.get(5, TimeUnit.SECONDS);

    List<StoredEvent> revisions = since(a, defined);
    assertThat(revisions).hasSize(2);
    DomainStatus outOfBand = revisions.get(0).object().status();
    assertThat(revisions.get(0).object().spec().xml()).contains("65536");
    assertThat(describe(outOfBand.events())).as("the mutation's first read took the event that came before it")
        .containsExactly("lifecycle defined/updated");
    assertThat(outOfBand.request()).isNull();
    DomainStatus made = r.object().status();
    assertThat(r.object().resourceVersion()).isEqualTo(revisions.get(1).revision());
    assertThat(made.request()).isEqualTo(BY);
    // The fake emits started/booted during the call, before the read-back: that read takes it.
    assertThat(describe(made.events())).containsExactly("lifecycle started/booted");
    assertThat(revisions.get(1).object().status()).as("history holds what the answer holds").isEqualTo(made);

    // A later revision made by an event carries neither the request nor the earlier events.
    source.destroy(a);
    await().atMost(WAIT).until(() -> "shutoff".equals(state(a)));
    DomainStatus destroyed = status(a);
    assertThat(destroyed.request()).isNull();
    assertThat(describe(destroyed.events())).containsExactly("lifecycle stopped/destroyed");

    // A request that coalesced no event: request only. And an undefine's DELETED carries its own cause.
    ApiRequest del = new ApiRequest("DELETE", "/apis/virtrev.io/v1/domains/a", null);
    Mutations.Result gone = mutations.delete("a", Precondition.NONE, new io.virtrev.api.source.UndefineOptions(
        false, false, false, false, false), DryRun.NONE, del).get(5, TimeUnit.SECONDS);
    assertThat(gone.object().status().request()).isEqualTo(del);
    assertThat(store.snapshot().byUuid(a)).isEmpty();
  }

  @Test
  void theStoreCopiesACauseIntoTheRevisionItMakesOnlyAndADeletionFoundByAResyncHasNone() throws Exception {
    String u = "11111111-1111-1111-1111-111111111111";
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      LibvirtEvent started = new LibvirtEvent(LibvirtEvent.LIFECYCLE, "started", "booted", Instant.now());
      s.observe(u, obs(u, "a", 32, "shutoff"), List.of()).get();
      Domain up = s.observe(u, obs(u, "a", 32, "running"), Cause.of(List.of(started)).by(BY)).get().orElseThrow()
          .object();
      assertThat(up.status().lastEvent()).isEqualTo(started);
      assertThat(up.status().events()).containsExactly(started);
      assertThat(up.status().request()).isEqualTo(BY);
      assertThat(s.observe(u, obs(u, "a", 32, "running"), Cause.NONE.by(BY)).get())
          .as("a request alone changes nothing observable").isEmpty();
      Domain later = s.observe(u, obs(u, "a", 64, "running"), List.of()).get().orElseThrow().object();
      assertThat(later.status().lastEvent()).isNull();
      assertThat(later.status().request()).isNull();
      List<StoredEvent> gone = s.resync(List.of()).get();
      assertThat(gone).extracting(StoredEvent::type).containsExactly("DELETED");
      assertThat(gone.get(0).object().status().state()).isEqualTo("running");
      assertThat(gone.get(0).object().status().lastEvent()).isNull();
    }
  }

  @Test
  void aCauseKeepsTheNewestEventsWithinTheBoundAndCountsTheRest() {
    List<LibvirtEvent> many = new ArrayList<>();
    for (int i = 0; i < DomainStatus.MAX_EVENTS + 3; i++) {
      many.add(new LibvirtEvent(LibvirtEvent.REBOOT, null, "n" + i, Instant.EPOCH));
    }
    Cause c = new Cause(many, 2, null);
    assertThat(c.events()).hasSize(DomainStatus.MAX_EVENTS);
    assertThat(c.events().get(0).detail()).isEqualTo("n3");
    assertThat(c.last().detail()).isEqualTo("n" + (DomainStatus.MAX_EVENTS + 2));
    assertThat(c.omitted()).isEqualTo(5);
    assertThat(Cause.of(List.of())).isSameAs(Cause.NONE);
  }

  private String state(String uuid) {
    return store.snapshot().byUuid(uuid).map(d -> d.status().state()).orElse("");
  }

  private DomainStatus status(String uuid) {
    return store.snapshot().byUuid(uuid).orElseThrow().status();
  }

  /** The revisions of {@code uuid} after {@code after}, oldest first. */
  private List<StoredEvent> since(String uuid, Revision after) {
    List<StoredEvent> out = new ArrayList<>(store.history(uuid, store.snapshot().revision(), null, 0).events());
    java.util.Collections.reverse(out);
    out.removeIf(e -> !e.revision().isAfter(after));
    return out;
  }

  private static List<String> describe(List<LibvirtEvent> events) {
    return events == null ? List.of() : events.stream().map(e -> e.type() + " " + e.event() + "/" + e.detail()).toList();
  }
}
