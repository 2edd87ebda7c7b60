package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.ApiRequest;
import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.Network;
import io.virtrev.api.Revision;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StorageVolume;
import io.virtrev.api.source.DomainSource;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.StorageXml;
import io.virtrev.fixtures.WatchGuarantees;
import io.virtrev.versioning.DryRun;
import io.virtrev.versioning.FieldSelector;
import io.virtrev.versioning.FieldValidation;
import io.virtrev.versioning.Kind;
import io.virtrev.versioning.KindResult;
import io.virtrev.versioning.KindSources;
import io.virtrev.versioning.Kinds;
import io.virtrev.versioning.ObjectAction;
import io.virtrev.versioning.Precondition;
import io.virtrev.versioning.Reconciler;
import io.virtrev.versioning.ReconcilerConfig;
import io.virtrev.versioning.ServedKinds;
import io.virtrev.versioning.StoreConfig;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.StoredEvent;
import io.virtrev.versioning.VersionedStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of the kinds beside domains at the store, reconciler and mutation level (what the HTTP
 * layer calls), run against the fakes ({@link KindsFakeTest}) and the real libvirtd ({@link KindsLibvirtdIT}).
 * The periodic resync is off (1 h): a change made behind the daemon's back becomes a revision by its
 * libvirt event (networks, pools) or by the resync or mutation that lists it (volumes, snapshots, which
 * emit none). Every name is unique to the run ({@link #name}).
 */
abstract class KindsContract {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final ApiRequest BY = new ApiRequest("POST", "/apis/virtrev.io/v1/kinds-contract", "token:contract");

  Path dir;
  VersionedStore store;
  Reconciler reconciler;
  ServedKinds served;

  /** The domain source whose connection (and listener) every kind shares; a new one per call. */
  abstract DomainSource domains();

  /** The other kinds' sources on {@code domains}' connection. */
  abstract KindSources kinds(DomainSource domains);

  /** A name unique to this run, with the fixture's prefix. */
  abstract String name(String base);

  /** Defines and starts a network behind the daemon's back (virsh net-define / net-start). */
  abstract void networkBehindTheBack(String name, String uuid, String xml);

  /** Creates a volume in an active pool behind the daemon's back (virsh vol-create-as); emits no event. */
  abstract void volumeBehindTheBack(String poolName, String poolUuid, String name);

  /** Refreshes a pool behind the daemon's back (virsh pool-refresh): libvirt emits the pool's refresh event. */
  abstract void poolRefreshBehindTheBack(String poolName, String poolUuid);

  /** A shut-off domain that can be snapshotted (a qcow2 disk for QEMU), defined behind the back; its uuid. */
  abstract String snapshottableDomain(String name);

  /** Takes a snapshot behind the daemon's back (virsh snapshot-create-as); emits no snapshot event. */
  abstract void snapshotBehindTheBack(String domainName, String domainUuid, String snapshot);

  /** Removes everything this run made from the hypervisor. */
  abstract void cleanUp();

  DomainSource source;

  void startDaemon() throws Exception {
    if (dir == null) {
      dir = Files.createTempDirectory("virtrev-kinds");
    }
    store = VersionedStore.open(StoreConfig.defaults(dir.resolve("store")));
    source = domains();
    KindSources k = kinds(source);
    reconciler = new Reconciler(source, k, store, ReconcilerConfig.defaults().withResyncPeriod(Duration.ofHours(1)));
    served = ServedKinds.of(k, store, reconciler);
    listen(k);
    reconciler.start();
    await().atMost(WAIT).until(() -> reconciler.readiness().ready());
  }

  /** Fakes deliver their events to the reconciler themselves; libvirt's go through the domain source. */
  void listen(KindSources k) {}

  void stopDaemon() {
    if (reconciler != null) {
      reconciler.close();
      reconciler = null;
    }
    if (store != null) {
      store.close();
      store = null;
    }
  }

  @AfterEach
  void tearDown() {
    stopDaemon();
    cleanUp();
  }

  static String networkXml(String name, String uuid, String extra) {
    String bridge = "vk" + Integer.toHexString(name.hashCode() & 0xfffff);
    return "<network><name>" + name + "</name><uuid>" + uuid + "</uuid><bridge name='" + bridge + "'/>" + extra
        + "</network>";
  }

  @Test
  void aNetworkChangedBehindTheBackIsARevisionByItsEventAndUpdatesAreCompareAndSwap() throws Exception {
    startDaemon();
    long start = store.snapshot().revision().value();
    String name = name("net");
    String uuid = UUID.randomUUID().toString();
    networkBehindTheBack(name, uuid, networkXml(name, uuid, ""));
    await().atMost(WAIT).until(() -> store.snapshot().byUid(Kinds.NETWORKS, uuid)
        .map(n -> n.status().active()).orElse(false));
    Network seen = store.snapshot().byUid(Kinds.NETWORKS, uuid).orElseThrow();
    assertThat(seen.status().lastEvent()).as("made by its libvirt event").isNotNull();

    // 16 updates with one resourceVersion: exactly one wins, the others conflict; nothing else changes.
    Revision rv = seen.metadata().resourceVersion();
    List<CompletableFuture<KindResult<Network>>> updates = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      updates.add(served.networks().update(null, name, networkXml(name, uuid, "<mtu size='" + (1400 + i) + "'/>"),
          new Precondition(rv, null, StoreException.Reason.CONFLICT), FieldValidation.STRICT, DryRun.NONE, BY));
    }
    int won = 0;
    for (var f : updates) {
      try {
        assertThat(f.join().object().status().request()).isEqualTo(BY);
        won++;
      } catch (CompletionException e) {
        assertThat(((StoreException) e.getCause()).reason()).isEqualTo(StoreException.Reason.CONFLICT);
      }
    }
    assertThat(won).isEqualTo(1);
    Network updated = store.snapshot().byUid(Kinds.NETWORKS, uuid).orElseThrow();
    assertThat(updated.metadata().generation()).isEqualTo(seen.metadata().generation() + 1);

    KindResult<Network> stopped = served.networks().act(null, name, ObjectAction.of(ObjectAction.DESTROY),
        Precondition.NONE, DryRun.NONE, BY).get();
    assertThat(stopped.object().status().active()).isFalse();
    KindResult<Network> gone = served.networks().delete(null, name, new Precondition(
        stopped.object().metadata().resourceVersion(), null, StoreException.Reason.CONFLICT), DryRun.NONE, BY).get();
    assertThat(gone.changed()).isTrue();
    assertThat(store.snapshot().byUid(Kinds.NETWORKS, uuid)).isEmpty();

    // The watch of every kind from the start, and of networks alone: ordered, unique, nothing missed.
    // Up to the revision published before the read: a resync may commit more while the history is read.
    long end = store.snapshot().revision().value();
    List<StoredEvent> all = store.readHistory(Revision.of(start), Integer.MAX_VALUE).stream()
        .filter(e -> e.revision().value() <= end).toList();
    List<SeenEvent> stream = seen(all);
    assertThat(WatchGuarantees.all(start, stream)).isEmpty();
    List<Long> dense = new ArrayList<>();
    for (long r = start + 1; r <= end; r++) {
      dense.add(r);
    }
    assertThat(WatchGuarantees.reliable(start, stream, dense)).isEmpty();
    List<StoredEvent> ours = all.stream().filter(e -> e.kind() == Kind.NETWORKS && e.uuid().equals(uuid)).toList();
    assertThat(ours.get(0).type()).isEqualTo("ADDED");
    assertThat(ours.get(ours.size() - 1).type()).isEqualTo("DELETED");
    List<Revision> newestFirst = new ArrayList<>(ours.stream().map(StoredEvent::revision).toList());
    java.util.Collections.reverse(newestFirst);
    assertThat(store.history(Kind.NETWORKS, uuid, store.snapshot().revision(), null, 0).events())
        .extracting(StoredEvent::revision).containsExactlyElementsOf(newestFirst);
  }

  @Test
  void aPoolsEventsAndItsVolumesAreRevisionsAndARestartKeepsThem() throws Exception {
    startDaemon();
    String pool = name("pool");
    String poolUuid = UUID.randomUUID().toString();
    Path target = dir.resolve(pool);
    StoragePool defined = served.storagePools().create(null, StorageXml.dirPool(pool, poolUuid, target.toString()),
        FieldValidation.STRICT, DryRun.NONE, BY).get().object();
    assertThat(defined.status().state()).isEqualTo("inactive");
    served.storagePools().act(null, pool, ObjectAction.of(ObjectAction.BUILD), Precondition.NONE, DryRun.NONE, BY)
        .get();
    StoragePool running = served.storagePools().act(null, pool, ObjectAction.of(ObjectAction.START),
        Precondition.NONE, DryRun.NONE, BY).get().object();
    assertThat(running.status().state()).isEqualTo("running");

    StorageVolume v = served.storageVolumes().create(pool, StorageXml.volume("v1", StorageXml.MIB),
        FieldValidation.STRICT, DryRun.NONE, BY).get().object();
    assertThat(v.status().capacity()).isEqualTo(StorageXml.MIB);
    StorageVolume bigger = served.storageVolumes().act(pool, "v1", ObjectAction.resize(4 * StorageXml.MIB),
        new Precondition(v.metadata().resourceVersion(), null, StoreException.Reason.CONFLICT), DryRun.NONE, BY)
        .get().object();
    assertThat(bigger.status().capacity()).isEqualTo(4 * StorageXml.MIB);

    // A volume made behind the back emits nothing: a refresh behind the back emits the pool's refresh
    // event, whose re-read lists the pool's volumes again.
    volumeBehindTheBack(pool, poolUuid, "v2");
    assertThat(store.snapshot().byName(Kinds.STORAGE_VOLUMES, poolUuid, "v2")).isEmpty();
    poolRefreshBehindTheBack(pool, poolUuid);
    await().atMost(WAIT).until(() -> store.snapshot().byName(Kinds.STORAGE_VOLUMES, poolUuid, "v2").isPresent());
    // The API's refresh finds nothing more (no revision of the volumes); it answers the pool.
    served.storagePools().act(null, pool, ObjectAction.of(ObjectAction.REFRESH), Precondition.NONE, DryRun.NONE, BY)
        .get();
    Revision at = store.snapshot().revision();
    List<StorageVolume> listed = store.list(Kinds.STORAGE_VOLUMES, poolUuid, at, null, FieldSelector.EVERYTHING, 0)
        .items();
    assertThat(listed).extracting(x -> x.metadata().name()).containsExactly("v1", "v2");

    StoragePool poolBefore = store.snapshot().byUid(Kinds.STORAGE_POOLS, poolUuid).orElseThrow();
    stopDaemon();
    startDaemon();
    // A restart finds nothing new about these (other clients of a shared libvirtd may change other objects).
    assertThat(store.snapshot().revision()).isGreaterThanOrEqualTo(at);
    assertThat(store.snapshot().byUid(Kinds.STORAGE_POOLS, poolUuid)).contains(poolBefore);
    assertThat(store.list(Kinds.STORAGE_VOLUMES, poolUuid, store.snapshot().revision(), null,
        FieldSelector.EVERYTHING, 0).items()).isEqualTo(listed);
    assertThat(store.list(Kinds.STORAGE_VOLUMES, poolUuid, at, null, FieldSelector.EVERYTHING, 0).items())
        .isEqualTo(listed);

    served.storageVolumes().delete(pool, "v2", Precondition.NONE, DryRun.NONE, BY).get();
    served.storageVolumes().delete(pool, "v1", Precondition.NONE, DryRun.NONE, BY).get();
    served.storagePools().act(null, pool, ObjectAction.of(ObjectAction.DESTROY), Precondition.NONE, DryRun.NONE, BY)
        .get();
    served.storagePools().delete(null, pool, Precondition.NONE, DryRun.NONE, BY).get();
    assertThat(store.snapshot().byUid(Kinds.STORAGE_POOLS, poolUuid)).isEmpty();
    assertThat(store.snapshot().items(Kinds.STORAGE_VOLUMES, poolUuid)).isEmpty();
  }

  @Test
  void snapshotsTakenByTheApiOrBehindTheBackAreRevisions() throws Exception {
    startDaemon();
    String dom = name("dom");
    String domUuid = snapshottableDomain(dom);
    reconciler.requestResync();
    await().atMost(WAIT).until(() -> store.snapshot().byUid(io.virtrev.versioning.Kinds.DOMAINS, domUuid).isPresent());

    DomainSnapshot s1 = served.snapshots().create(dom, "<domainsnapshot><name>s1</name></domainsnapshot>",
        FieldValidation.STRICT, DryRun.NONE, BY).get().object();
    assertThat(s1.status().current()).isTrue();
    assertThat(s1.status().request()).isEqualTo(BY);
    assertThat(s1.metadata().uid()).isEqualTo(io.virtrev.api.Uids.domainSnapshot(domUuid, "s1"));

    snapshotBehindTheBack(dom, domUuid, "s2");
    long before = reconciler.resyncCount();
    reconciler.requestResync();
    await().atMost(WAIT).until(() -> reconciler.resyncCount() > before);
    DomainSnapshot s2 = store.snapshot().byName(Kinds.DOMAIN_SNAPSHOTS, domUuid, "s2").orElseThrow();
    assertThat(s2.status().current()).isTrue();
    assertThat(store.snapshot().byName(Kinds.DOMAIN_SNAPSHOTS, domUuid, "s1").orElseThrow().status().current())
        .isFalse();

    served.snapshots().act(dom, "s1", ObjectAction.of(ObjectAction.REVERT), Precondition.NONE, DryRun.NONE, BY).get();
    assertThat(store.snapshot().byName(Kinds.DOMAIN_SNAPSHOTS, domUuid, "s1").orElseThrow().status().current())
        .isTrue();
    served.snapshots().delete(dom, "s2", Precondition.NONE, DryRun.NONE, BY).get();
    assertThat(store.snapshot().byName(Kinds.DOMAIN_SNAPSHOTS, domUuid, "s2")).isEmpty();
  }

  private static List<SeenEvent> seen(List<StoredEvent> events) {
    List<SeenEvent> out = new ArrayList<>();
    for (StoredEvent e : events) {
      out.add(new SeenEvent(e.type(), e.uuid(), e.name(), e.revision().value(),
          new String(e.objectJson(), java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }
}
