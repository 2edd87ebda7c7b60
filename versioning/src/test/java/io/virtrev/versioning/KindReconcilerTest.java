package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.ApiRequest;
import io.virtrev.api.Network;
import io.virtrev.api.Revision;
import io.virtrev.api.StorageVolume;
import io.virtrev.fixtures.FakeDomainSource;
import io.virtrev.fixtures.FakeNetworkSource;
import io.virtrev.fixtures.FakeSnapshotSource;
import io.virtrev.fixtures.FakeStorageSource;
import io.virtrev.fixtures.StorageXml;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconciler and the mutations of the kinds beside domains, against the fakes. */
class KindReconcilerTest {
  static final ApiRequest BY = new ApiRequest("POST", "/apis/virtrev.io/v1/networks", "token:t");
  static final String NET_UUID = "0b7a3a52-1c1e-4a37-9d5e-00000000a001";
  static final String POOL_UUID = "0b7a3a52-1c1e-4a37-9d5e-00000000a002";

  @TempDir Path dir;
  final FakeDomainSource domains = new FakeDomainSource();
  final FakeNetworkSource networks = new FakeNetworkSource();
  final FakeStorageSource storage = new FakeStorageSource();
  final FakeSnapshotSource snapshots = new FakeSnapshotSource();
  VersionedStore store;
  Reconciler reconciler;
  ServedKinds served;

  static String netXml(String name, String extra) {
    return "<network><name>" + name + "</name><uuid>" + NET_UUID + "</uuid><bridge name='virbr77'/>" + extra
        + "</network>";
  }

  void start() {
    store = VersionedStore.open(StoreConfig.defaults(dir));
    reconciler = new Reconciler(domains, new KindSources(networks, storage, snapshots), store,
        ReconcilerConfig.defaults());
    networks.listen(reconciler);
    storage.listen(reconciler);
    snapshots.listen(reconciler);
    served = ServedKinds.of(new KindSources(networks, storage, snapshots), store, reconciler);
    reconciler.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
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
  void theInitialSyncListsEveryKindAndEventsBecomeRevisions() {
    networks.define(netXml("n1", ""));
    storage.definePool(StorageXml.dirPool("p1", POOL_UUID, dir.resolve("p1").toString()));
    start();
    assertThat(store.snapshot().byName(Kinds.NETWORKS, null, "n1")).isPresent();
    assertThat(store.snapshot().byName(Kinds.STORAGE_POOLS, null, "p1")).isPresent();

    networks.start(NET_UUID); // emits lifecycle/started: a re-read
    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().byUid(Kinds.NETWORKS, NET_UUID)
        .map(n -> n.status().active()).orElse(false));
    Network n = store.snapshot().byUid(Kinds.NETWORKS, NET_UUID).orElseThrow();
    assertThat(n.status().lastEvent().event()).isEqualTo("started");

    // A pool's start event lists its volumes too.
    storage.build(POOL_UUID);
    storage.start(POOL_UUID);
    await().atMost(Duration.ofSeconds(5)).until(() -> "running".equals(store.snapshot()
        .byUid(Kinds.STORAGE_POOLS, POOL_UUID).map(p -> p.status().state()).orElse("")));

    // A change without an event (dropped) is healed by the resync.
    networks.dropEvents(true);
    networks.changeSilently(NET_UUID, netXml("n1", "<domain name='healed'/>"));
    reconciler.requestResync();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().byUid(Kinds.NETWORKS, NET_UUID)
        .map(x -> x.spec().xml().contains("healed")).orElse(false));
    assertThat(store.snapshot().byUid(Kinds.NETWORKS, NET_UUID).orElseThrow().metadata().generation()).isEqualTo(2);
  }

  /** A driver without networks (libvirt's NO_SUPPORT for every call) serves domains as ever. */
  @Test
  void aKindTheDriverDoesNotSupportIsSkippedAndDomainsAreServed() {
    io.virtrev.api.source.NetworkSource unsupported = (io.virtrev.api.source.NetworkSource)
        java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {io.virtrev.api.source.NetworkSource.class}, (proxy, m, args) -> {
              throw new io.virtrev.api.source.SourceException(io.virtrev.api.source.SourceException.Kind.OTHER, 3,
                  "this function is not supported by the connection driver: virConnectListAllNetworks", null);
            });
    String d = domains.defineTiny("only-domains");
    store = VersionedStore.open(StoreConfig.defaults(dir));
    reconciler = new Reconciler(domains, new KindSources(unsupported, null, null), store, ReconcilerConfig.defaults());
    reconciler.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.readiness().ready());
    assertThat(store.snapshot().byUuid(d)).isPresent();
    long resyncs = reconciler.resyncCount();
    reconciler.requestResync();
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.resyncCount() > resyncs);
    assertThat(reconciler.readiness().ready()).isTrue();
    assertThat(store.snapshot().size(Kind.NETWORKS)).isZero();
  }

  @Test
  void sixteenConcurrentUpdatesWithOneResourceVersionExactlyOneWins() throws Exception {
    start();
    Network created = served.networks().create(null, netXml("n2", ""), FieldValidation.STRICT, DryRun.NONE, BY)
        .get().object();
    assertThat(created.status().request()).isEqualTo(BY);
    Revision rv = created.metadata().resourceVersion();
    List<CompletableFuture<KindResult<Network>>> all = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      all.add(served.networks().update(null, "n2", netXml("n2", "<domain name='v" + i + "'/>"),
          new Precondition(rv, null, StoreException.Reason.CONFLICT), FieldValidation.STRICT, DryRun.NONE, BY));
    }
    int won = 0;
    int conflicts = 0;
    for (var f : all) {
      try {
        f.join();
        won++;
      } catch (java.util.concurrent.CompletionException e) {
        assertThat(e.getCause()).isInstanceOfSatisfying(StoreException.class,
            x -> assertThat(x.reason()).isEqualTo(StoreException.Reason.CONFLICT));
        conflicts++;
      }
    }
    assertThat(won).isEqualTo(1);
    assertThat(conflicts).isEqualTo(15);
    assertThat(store.snapshot().byName(Kinds.NETWORKS, null, "n2").orElseThrow().metadata().generation())
        .isEqualTo(2);

    // Bad input changes nothing: a precise message, no revision.
    long before = store.snapshot().revision().value();
    assertThatThrownBy(() -> served.networks().create(null, "<pool><name>x</name></pool>", FieldValidation.STRICT,
        DryRun.NONE, BY)).isInstanceOfSatisfying(StoreException.class,
            x -> assertThat(x.getMessage()).contains("<pool>").contains("<network>"));
    assertThatThrownBy(() -> served.networks().act(null, "n2", ObjectAction.of("reboot"), Precondition.NONE,
        DryRun.NONE, BY).join()).cause().hasMessageContaining("no action \"reboot\"");
    assertThat(store.snapshot().revision().value()).isEqualTo(before);
  }

  /** A dry run validates through the source, answers the object as it would be, and commits nothing. */
  @Test
  void dryRunsValidateAndChangeNothing() throws Exception {
    start();
    long before = store.snapshot().revision().value();
    KindResult<Network> planned = served.networks().create(null, netXml("dry", ""), FieldValidation.STRICT,
        DryRun.ALL, BY).get();
    assertThat(planned.changed()).isFalse();
    assertThat(planned.object().metadata().name()).isEqualTo("dry");
    assertThat(planned.object().metadata().resourceVersion()).isNull();
    assertThat(networks.listAll()).isEmpty();
    // libvirt's schema refuses an unknown element (the fake's <bogus/>): INVALID, nothing defined.
    assertThatThrownBy(() -> served.networks().create(null, netXml("dry", "<bogus/>"), FieldValidation.STRICT,
        DryRun.ALL, BY).join()).cause().isInstanceOfSatisfying(StoreException.class, x -> {
          assertThat(x.reason()).isEqualTo(StoreException.Reason.INVALID);
          assertThat(x.getMessage()).contains("bogus");
        });
    // Without validation it would be defined (libvirt drops what it does not know): the dry run passes.
    assertThat(served.networks().create(null, netXml("dry", "<bogus/>"), FieldValidation.IGNORE, DryRun.ALL, BY)
        .get().changed()).isFalse();
    Network real = served.networks().create(null, netXml("dry", ""), FieldValidation.STRICT, DryRun.NONE, BY).get()
        .object();
    long afterCreate = store.snapshot().revision().value();
    assertThat(afterCreate).isEqualTo(before + 1);
    KindResult<Network> dryUpdate = served.networks().update(null, "dry", netXml("dry", "<domain name='d'/>"),
        Precondition.NONE, FieldValidation.STRICT, DryRun.ALL, BY).get();
    assertThat(dryUpdate.object().spec().xml()).contains("<domain name='d'/>");
    assertThat(dryUpdate.object().metadata().resourceVersion()).isEqualTo(real.metadata().resourceVersion());
    assertThat(dryUpdate.object().metadata().generation()).isEqualTo(2);
    assertThat(store.snapshot().byUid(Kinds.NETWORKS, NET_UUID)).contains(real);
    served.networks().delete(null, "dry", Precondition.NONE, DryRun.ALL, BY).get();
    served.networks().act(null, "dry", ObjectAction.of(ObjectAction.START), Precondition.NONE, DryRun.ALL, BY).get();
    assertThat(store.snapshot().revision().value()).isEqualTo(afterCreate);
    assertThat(networks.get(NET_UUID).orElseThrow().active()).isFalse();
  }

  @Test
  void volumesAndSnapshotsChangeThroughMutationsAndTheirOwnersDeleteThem() throws Exception {
    start();
    served.storagePools().create(null, StorageXml.dirPool("p3", POOL_UUID, dir.resolve("p3").toString()),
        FieldValidation.STRICT, DryRun.NONE, BY).get();
    served.storagePools().act(null, "p3", ObjectAction.of(ObjectAction.BUILD), Precondition.NONE, DryRun.NONE, BY)
        .get();
    served.storagePools().act(null, "p3", ObjectAction.of(ObjectAction.START), Precondition.NONE, DryRun.NONE, BY)
        .get();
    StorageVolume v = served.storageVolumes().create("p3", StorageXml.volume("v1", StorageXml.MIB),
        FieldValidation.STRICT, DryRun.NONE, BY).get().object();
    assertThat(v.status().poolUuid()).isEqualTo(POOL_UUID);
    StorageVolume resized = served.storageVolumes().act("p3", "v1", ObjectAction.resize(2 * StorageXml.MIB),
        new Precondition(v.metadata().resourceVersion(), null, StoreException.Reason.CONFLICT), DryRun.NONE, BY)
        .get().object();
    assertThat(resized.status().capacity()).isEqualTo(2 * StorageXml.MIB);
    assertThatThrownBy(() -> served.storageVolumes().update("p3", "v1", "<volume/>", Precondition.NONE,
        FieldValidation.STRICT, DryRun.NONE, BY).join()).cause().hasMessageContaining("cannot be updated");
    assertThatThrownBy(() -> served.storageVolumes().create("nope", StorageXml.volume("v2", 1), FieldValidation.STRICT,
        DryRun.NONE, BY).join()).cause().hasMessageContaining("storage pool \"nope\" not found");

    // Stopping the pool: its volumes cannot be listed, so they are gone from the store.
    served.storagePools().act(null, "p3", ObjectAction.of(ObjectAction.DESTROY), Precondition.NONE, DryRun.NONE, BY)
        .get();
    assertThat(store.snapshot().items(Kinds.STORAGE_VOLUMES, POOL_UUID)).isEmpty();

    String d = domains.defineTiny("d1");
    snapshots.addDomain(d, "d1", false);
    reconciler.requestResync();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().byName("d1").isPresent());
    var s1 = served.snapshots().create("d1", "<domainsnapshot><name>s1</name></domainsnapshot>",
        FieldValidation.STRICT, DryRun.NONE, BY).get().object();
    assertThat(s1.status().current()).isTrue();
    served.snapshots().create("d1", "<domainsnapshot><name>s2</name></domainsnapshot>", FieldValidation.STRICT,
        DryRun.NONE, BY).get();
    // Taking s2 made s1 not current: the siblings are re-listed with the mutation.
    assertThat(store.snapshot().byName(Kinds.DOMAIN_SNAPSHOTS, d, "s1").orElseThrow().status().current()).isFalse();
    domains.undefine(d);
    snapshots.removeDomain(d);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().byName("d1").isEmpty());
    assertThat(store.snapshot().items(Kinds.DOMAIN_SNAPSHOTS, d)).isEmpty();
  }
}
