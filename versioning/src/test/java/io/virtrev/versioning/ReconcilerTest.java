package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.Domain;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Revision;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.fixtures.FakeDomainSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {
  @TempDir Path dir;
  private final FakeDomainSource source = new FakeDomainSource();
  private VersionedStore store;
  private Reconciler reconciler;

  private void start(ReconcilerConfig cfg) {
    store = VersionedStore.open(StoreConfig.defaults(dir));
    reconciler = new Reconciler(source, store, cfg);
    reconciler.start();
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
  void initialSyncThenEventsBecomeRevisions() {
    String a = source.defineTiny("a");
    start(ReconcilerConfig.defaults());
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    assertThat(store.snapshot().byName("a")).isPresent();

    source.start(a);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> "running".equals(store.snapshot().byUuid(a).map(d -> d.status().state()).orElse("")));
    Domain d = store.snapshot().byUuid(a).orElseThrow();
    assertThat(d.status().lastEvent().event()).isEqualTo("started");
    assertThat(d.status().id()).isNotNull();

    source.undefine(a);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().byUuid(a).isEmpty());
  }

  /**
   * A network event reaches the same listener as domain events; a reconciler without a network source
   * ({@link KindSources#NONE}) ignores it: no domain read, not counted, even when its uid equals a domain's
   * uuid.
   */
  @Test
  void eventsOfOtherKindsThanDomainsAreIgnored() {
    String a = source.defineTiny("a");
    String b = source.defineTiny("b");
    start(ReconcilerConfig.defaults());
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    int readsBefore = source.reads().size();
    long lifecycleBefore = reconciler.eventsReceived("lifecycle");

    reconciler.onEvent(new SourceEvent(SourceEvent.NETWORKS, a, "a",
        new LibvirtEvent("lifecycle", "started", null, Instant.now())));
    source.redefine(b, 48); // a domain event after it: once b is re-read, a's event would have been served
    await().atMost(Duration.ofSeconds(5)).until(() -> source.reads().contains("get " + b));

    assertThat(source.reads().subList(readsBefore, source.reads().size())).doesNotContain("get " + a);
    assertThat(reconciler.eventsReceived("lifecycle")).isEqualTo(lifecycleBefore + 1);
  }

  /**
   * A resync asked for while disconnected waits for the reconnect: the reconciler thread sleeps meanwhile.
   * (It once left the request set, so the loop found a resync due, skipped it and looked again, at 100% CPU.)
   */
  @Test
  void aResyncRequestedWhileDisconnectedWaitsWithoutSpinning() {
    String a = source.defineTiny("a");
    start(ReconcilerConfig.defaults());
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    source.disconnect("test");
    await().atMost(Duration.ofSeconds(5)).until(() -> !reconciler.readiness().ready());
    reconciler.requestResync();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("reconciler"))
        .findFirst().orElseThrow().getId();
    long cpuBefore = threads.getThreadCpuTime(id);
    long wallBefore = System.nanoTime();
    await().atLeast(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5))
        .until(() -> System.nanoTime() - wallBefore >= Duration.ofMillis(500).toNanos());
    long cpu = threads.getThreadCpuTime(id) - cpuBefore;
    assertThat(cpu).as("reconciler CPU time (ns) over 500 ms of waiting for a reconnect")
        .isLessThan(Duration.ofMillis(100).toNanos());
    source.setMemoryConfig(a, 64); // no event: only the resync after the reconnect finds it
    source.reconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready()
        && store.snapshot().byUuid(a).orElseThrow().spec().xml().contains("65536"));
  }

  @Test
  void periodicResyncCatchesChangesWithoutEventsAndDroppedEvents() {
    start(ReconcilerConfig.defaults().withResyncPeriod(Duration.ofMillis(200)));
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    String a = source.defineTiny("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().byUuid(a).isPresent());
    long gen = store.snapshot().byUuid(a).orElseThrow().metadata().generation();

    source.setMemoryConfig(a, 64); // emits no event, like virsh setmem --config
    source.dropEvents(true);
    String b = source.defineTiny("b"); // its event is lost
    await().atMost(Duration.ofSeconds(5)).until(() ->
        store.snapshot().byUuid(b).isPresent()
            && store.snapshot().byUuid(a).orElseThrow().metadata().generation() == gen + 1);
    assertThat(store.snapshot().byUuid(a).orElseThrow().spec().xml()).contains("65536");
  }

  @Test
  void aResyncServesEventsBetweenItsStepsAndDoesNotUndoWhatTheyRead() {
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      uuids.add(source.defineTiny("d" + i));
    }
    String first = uuids.get(0);
    start(ReconcilerConfig.defaults().withResyncStep(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    long resyncs = reconciler.resyncCount();
    // During the next resync, after the first domain was read (step 1), it changes with an event.
    source.onListingStep(step -> {
      if (step == 3) {
        source.redefine(first, 99);
      }
    });
    reconciler.requestResync();
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.resyncCount() > resyncs);
    source.onListingStep(step -> { });

    List<String> reads = source.reads();
    int reread = reads.lastIndexOf("get " + first);
    assertThat(reread).as("the event was served during the resync, between its steps: %s", reads)
        .isGreaterThan(reads.indexOf("listing step 3")).isLessThan(reads.lastIndexOf("listing step 10"));
    await().atMost(Duration.ofSeconds(5)).until(() ->
        store.snapshot().byUuid(first).orElseThrow().spec().xml().contains(">101376<"));
    Revision changed = store.snapshot().byUuid(first).orElseThrow().resourceVersion();
    assertThat(store.snapshot().revision()).as("the resync's older read of the domain was not committed over it")
        .isEqualTo(changed);
  }

  @Test
  void aLongInitialSyncPublishesItsProgressAndTheObserverHearsWhenItMadeTheReconcilerReady() throws Exception {
    for (int i = 0; i < 5; i++) {
      source.defineTiny("p" + i);
    }
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    source.onListingStep(step -> {
      if (step == 3) {
        try {
          release.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    List<ReconcilerObserver.ResyncResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
    store = VersionedStore.open(StoreConfig.defaults(dir));
    reconciler = new Reconciler(source, store, ReconcilerConfig.defaults().withResyncStep(2));
    reconciler.setObserver(results::add);
    reconciler.start();
    try {
      // Steps 1 and 2 read 4 of 5 domains; step 3 is held.
      await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.progress().map(ResyncProgress::read).orElse(0) == 4);
      assertThat(reconciler.progress()).hasValueSatisfying(p -> {
        assertThat(p.initial()).isTrue();
        assertThat(p.total()).isEqualTo(5);
      });
      assertThat(reconciler.readiness().ready()).isFalse();
      assertThat(reconciler.readiness().reason()).endsWith("(initial sync: read 4 of 5 domains)");
      assertThat(results).isEmpty();
    } finally {
      release.countDown();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready() && !results.isEmpty());
    assertThat(results).containsExactly(new ReconcilerObserver.ResyncResult(true, 5, 5, results.get(0).nanos()));
    assertThat(reconciler.progress()).isEmpty();

    reconciler.requestResync();
    await().atMost(Duration.ofSeconds(5)).until(() -> results.size() == 2);
    assertThat(results.get(1).initial()).as("a later resync does not make the reconciler ready again").isFalse();
    assertThat(results.get(1).changes()).isZero();
  }

  @Test
  void disconnectDropsReadinessAndReconnectResyncsWhatWasMissed() {
    String a = source.defineTiny("a");
    start(ReconcilerConfig.defaults());
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());

    source.disconnect("libvirtd went away");
    assertThat(reconciler.readiness().ready()).isFalse();
    assertThat(reconciler.readiness().reason()).contains("libvirtd went away");
    source.dropEvents(true); // nothing reaches us while down
    source.start(a);
    String b = source.defineTiny("b");
    source.dropEvents(false);
    Revision before = store.snapshot().revision();

    source.reconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    assertThat(store.snapshot().byUuid(a).orElseThrow().status().state()).isEqualTo("running");
    assertThat(store.snapshot().byUuid(b)).isPresent();
    assertThat(store.snapshot().revision().value()).isEqualTo(before.value() + 2);
  }

  /**
   * Events of a family that changes nothing versioned (graphics, block-threshold, ...) are counted and
   * cause no read; every other family, including ones this build does not know, causes a re-read.
   */
  @Test
  void onlyEventsThatCanChangeTheDomainAreReRead() throws Exception {
    String a = source.defineTiny("a");
    start(ReconcilerConfig.defaults().withResyncPeriod(Duration.ofMinutes(10)));
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    String get = "get " + a;
    long readsBefore = source.reads().stream().filter(get::equals).count();
    for (String type : io.virtrev.api.LibvirtEvent.NOT_VERSIONED) {
      reconciler.onEvent(new io.virtrev.api.source.SourceEvent(a, "a",
          new io.virtrev.api.LibvirtEvent(type, null, "x", java.time.Instant.now())));
    }
    // Two tasks in a row: any re-read queued before the first one has run by the time the second completes.
    reconciler.runExclusive(() -> null).get(5, java.util.concurrent.TimeUnit.SECONDS);
    reconciler.runExclusive(() -> null).get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(source.reads().stream().filter(get::equals).count()).isEqualTo(readsBefore);
    assertThat(reconciler.eventsReceived(io.virtrev.api.LibvirtEvent.GRAPHICS)).isEqualTo(1);
    assertThat(reconciler.eventsReceived(io.virtrev.api.LibvirtEvent.MEMORY_FAILURE)).isEqualTo(1);

    for (String type : List.of(io.virtrev.api.LibvirtEvent.TUNABLE, "some-future-event")) {
      long before = source.reads().stream().filter(get::equals).count();
      reconciler.onEvent(new io.virtrev.api.source.SourceEvent(a, "a",
          new io.virtrev.api.LibvirtEvent(type, null, null, java.time.Instant.now())));
      await().atMost(Duration.ofSeconds(5))
          .until(() -> source.reads().stream().filter(get::equals).count() == before + 1);
    }
  }

  @Test
  void anEventStormBeyondTheLimitBecomesOneResync() {
    start(ReconcilerConfig.defaults().withMaxPendingDomains(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    long resyncs = reconciler.resyncCount();
    source.blockReads();
    source.defineTiny("first");
    await().atMost(Duration.ofSeconds(5)).until(() -> source.blockedReads() == 1);
    for (int i = 1; i < 200; i++) {
      source.defineTiny("d" + i); // piles up behind the blocked read: more than 2 domains pending
    }
    source.unblockReads();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.snapshot().size() == 200);
    assertThat(reconciler.resyncCount()).as("overflow must have forced a resync").isGreaterThan(resyncs);
  }

  /**
   * Random mutations with events randomly dropped, then a resync: the store must equal the fake
   * hypervisor (the model), and its history must be dense with one revision per change.
   */
  @Test
  void randomizedMutationsConvergeToTheModel() throws Exception {
    start(ReconcilerConfig.defaults().withResyncPeriod(Duration.ofMillis(300)));
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    Random rnd = new Random(42);
    List<String> live = new ArrayList<>();
    for (int step = 0; step < 400; step++) {
      source.dropEvents(rnd.nextInt(10) == 0);
      int op = live.isEmpty() ? 0 : rnd.nextInt(8);
      switch (op) {
        case 0 -> live.add(source.defineTiny("r" + step));
        case 1 -> source.start(pick(live, rnd));
        case 2 -> source.suspend(pick(live, rnd));
        case 3 -> source.resume(pick(live, rnd));
        case 4 -> source.destroy(pick(live, rnd));
        case 5 -> source.setMemoryConfig(pick(live, rnd), 32 + rnd.nextInt(64));
        case 6 -> source.reboot(pick(live, rnd));
        default -> {
          String u = pick(live, rnd);
          source.undefine(u);
          live.remove(u);
        }
      }
    }
    source.dropEvents(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> model().equals(stored()));
    long rev = store.snapshot().revision().value();
    assertThat(store.readHistory(Revision.of(1), 100_000)).extracting(e -> e.revision().value())
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, rev).boxed().toList());
  }

  private Map<String, String> model() {
    Map<String, String> m = new TreeMap<>();
    for (DomainObservation o : source.all()) {
      m.put(o.uuid(), o.name() + "|" + o.state() + "|" + o.reason() + "|" + XmlCanon.canonical(o.configXml()));
    }
    return m;
  }

  private Map<String, String> stored() {
    Map<String, String> m = new TreeMap<>();
    for (Domain d : store.snapshot().items()) {
      m.put(d.uuid(), d.name() + "|" + d.status().state() + "|" + d.status().reason() + "|"
          + XmlCanon.canonical(d.spec().xml()));
    }
    return m;
  }

  private static String pick(List<String> l, Random rnd) {
    return l.get(rnd.nextInt(l.size()));
  }
}
