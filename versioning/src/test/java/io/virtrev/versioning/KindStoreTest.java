package io.virtrev.versioning;

import static io.virtrev.versioning.StoreTestSupport.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.api.ApiRequest;
import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Network;
import io.virtrev.api.Revision;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StorageVolume;
import io.virtrev.api.Uids;
import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.StoragePoolObservation;
import io.virtrev.api.source.StorageVolumeObservation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind on one writer and one revision counter: observe, resync (owned), cascade, lists at a revision, restart. */
class KindStoreTest {
  static final String NET = "6a0f6d1e-8c0c-4f2a-9d7c-000000000001";
  static final String POOL = "6a0f6d1e-8c0c-4f2a-9d7c-000000000002";
  static final String DOM = "6a0f6d1e-8c0c-4f2a-9d7c-000000000003";
  static final ApiRequest BY = new ApiRequest("POST", "/apis/virtrev.io/v1/networks/n1/start", "token:t");

  @TempDir Path dir;

  static NetworkObservation net(String name, boolean active, String xmlExtra) {
    String xml = "<network><name>" + name + "</name><uuid>" + NET + "</uuid><bridge name='virbr9'/>" + xmlExtra
        + "</network>";
    return new NetworkObservation(NET, name, xml, active ? xml : null, active, true, false);
  }

  static StoragePoolObservation pool(String state, long allocation) {
    String xml = "<pool type='dir'><name>p1</name><uuid>" + POOL + "</uuid></pool>";
    return new StoragePoolObservation(POOL, "p1", xml, state.equals("inactive") ? null : xml, state, true, false,
        1000, allocation, 1000 - allocation);
  }

  static StorageVolumeObservation vol(String name, long capacity) {
    return new StorageVolumeObservation(POOL, "p1", name, "/p/" + name, "/p/" + name,
        "<volume><name>" + name + "</name><capacity>" + capacity + "</capacity></volume>", "file", capacity, 0);
  }

  static SnapshotObservation snap(String name, boolean current) {
    return new SnapshotObservation(DOM, "d1", name, "<domainsnapshot><name>" + name + "</name></domainsnapshot>",
        null, current, "shutoff", Instant.parse("2026-12-02T01:00:00Z"));
  }

  @Test
  void everyKindSharesOneCounterAndGenerationMovesOnlyWithTheSpecXml() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      long r0 = s.snapshot().revision().value();
      s.observe(DOM, obs(DOM, "d1", 64, "shutoff"), List.of()).get();
      StoredEvent added = s.observe(Kinds.NETWORKS, NET, net("n1", false, ""), Cause.NONE).get().orElseThrow();
      assertThat(added.kind()).isEqualTo(Kind.NETWORKS);
      assertThat(added.revision().value()).isEqualTo(r0 + 2);
      assertThat(added.type()).isEqualTo("ADDED");
      Network n = added.object(Network.class);
      assertThat(n.metadata().uid()).isEqualTo(NET);
      assertThat(n.metadata().generation()).isEqualTo(1);
      assertThat(n.metadata().creationTimestamp()).isNotNull();
      assertThat(n.status().bridge()).isEqualTo("virbr9");

      // The same observation again, with an event: no change, so no revision.
      LibvirtEvent started = new LibvirtEvent("lifecycle", "started", null, Instant.now());
      assertThat(s.observe(Kinds.NETWORKS, NET, net("n1", false, ""), Cause.of(List.of(started))).get()).isEmpty();

      // Started: status changes, the spec does not: generation stays; the revision carries its cause.
      StoredEvent run = s.observe(Kinds.NETWORKS, NET, net("n1", true, ""), Cause.of(List.of(started)).by(BY))
          .get().orElseThrow();
      Network running = run.object(Network.class);
      assertThat(running.status().active()).isTrue();
      assertThat(running.metadata().generation()).isEqualTo(1);
      assertThat(running.status().lastEvent()).isEqualTo(started);
      assertThat(running.status().request()).isEqualTo(BY);

      // The XML changes: generation 2; provenance is this revision's only (none).
      Network edited = s.observe(Kinds.NETWORKS, NET, net("n1", true, "<domain name='x'/>"), Cause.NONE).get()
          .orElseThrow().object(Network.class);
      assertThat(edited.metadata().generation()).isEqualTo(2);
      assertThat(edited.status().lastEvent()).isNull();
      assertThat(edited.status().request()).isNull();
      assertThat(s.snapshot().find(Kinds.NETWORKS, null, "n1")).contains(edited);
      assertThat(s.snapshot().find(Kinds.NETWORKS, null, NET.toUpperCase())).contains(edited);
      // Domains see no network: the domain accessors are per kind.
      assertThat(s.snapshot().items()).extracting(d -> d.name()).containsExactly("d1");
    }
  }

  @Test
  void ownedResyncAndCascadingDeletesAreRevisionsAndSurviveARestart() throws Exception {
    long afterVolumes;
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      s.observe(DOM, obs(DOM, "d1", 64, "shutoff"), List.of()).get();
      s.resync(Kinds.DOMAIN_SNAPSHOTS, List.of(snap("s1", false), snap("s2", true)), Set.of()).get();
      s.resync(Kinds.STORAGE_POOLS, List.of(pool("running", 10)), Set.of()).get();
      List<StoredEvent> vols = s.resyncOwned(Kinds.STORAGE_VOLUMES, POOL, List.of(vol("a", 1), vol("b", 2))).get();
      assertThat(vols).extracting(StoredEvent::type).containsExactly("ADDED", "ADDED");
      assertThat(vols.get(0).ownerUid()).isEqualTo(POOL);
      assertThat(vols.get(0).isOf(Kind.STORAGE_VOLUMES, POOL)).isTrue();
      assertThat(vols.get(0).isOf(Kind.STORAGE_VOLUMES, null)).isTrue();
      assertThat(vols.get(0).isOf(Kind.STORAGE_VOLUMES, DOM)).isFalse();
      assertThat(vols.get(0).isOf(Kind.STORAGE_POOLS, null)).isFalse();
      assertThat(vols.get(0).uuid()).isEqualTo(Uids.storageVolume(POOL, "a"));
      afterVolumes = s.snapshot().revision().value();

      // Owned resync: b is gone, a resized.
      List<StoredEvent> again = s.resyncOwned(Kinds.STORAGE_VOLUMES, POOL, List.of(vol("a", 5))).get();
      assertThat(again).extracting(e -> e.type() + " " + e.name()).containsExactly("DELETED b", "MODIFIED a");

      // The list at the earlier revision still has both; the current one has a at capacity 5.
      ListPage<StorageVolume> then = s.list(Kinds.STORAGE_VOLUMES, POOL, Revision.of(afterVolumes), null,
          FieldSelector.EVERYTHING, 0);
      assertThat(then.items()).extracting(v -> v.metadata().name()).containsExactly("a", "b");
      ListPage<StorageVolume> now = s.list(Kinds.STORAGE_VOLUMES, POOL, s.snapshot().revision(), null,
          FieldSelector.EVERYTHING, 0);
      assertThat(now.items()).extracting(v -> v.status().capacity()).containsExactly(5L);
      ListPage<StorageVolume> paged = s.list(Kinds.STORAGE_VOLUMES, POOL, Revision.of(afterVolumes), null,
          FieldSelector.EVERYTHING, 1);
      assertThat(paged.items()).extracting(v -> v.metadata().name()).containsExactly("a");
      assertThat(paged.next()).isEqualTo(new ListKey("a", Uids.storageVolume(POOL, "a")));
      assertThat(s.list(Kinds.STORAGE_VOLUMES, "another-pool", s.snapshot().revision(), null,
          FieldSelector.EVERYTHING, 0).items()).isEmpty();

      // The pool is gone: its volume first, then the pool; the domain is gone: its snapshots, then it.
      long before = s.snapshot().revision().value();
      s.resync(Kinds.STORAGE_POOLS, List.of(), Set.of()).get();
      s.resync(List.of()).get();
      List<StoredEvent> tail = s.readHistory(Revision.of(before), 100);
      assertThat(tail).extracting(e -> e.type() + " " + e.kind() + " " + e.name()).containsExactly(
          "DELETED storagevolumes a", "DELETED storagepools p1", "DELETED domainsnapshots s1",
          "DELETED domainsnapshots s2", "DELETED domains d1");
      assertThat(s.snapshot().size(Kind.STORAGE_VOLUMES)).isZero();
      assertThat(s.snapshot().size(Kind.DOMAIN_SNAPSHOTS)).isZero();
      // History of one volume, by uid; its uid by name within its pool at a revision.
      assertThat(s.history(Kind.STORAGE_VOLUMES, Uids.storageVolume(POOL, "b"), s.snapshot().revision(), null, 0)
          .events()).extracting(StoredEvent::type).containsExactly("DELETED", "ADDED");
      assertThat(s.uidNamedAt(Kind.STORAGE_VOLUMES, POOL, "b", Revision.of(afterVolumes)))
          .contains(Uids.storageVolume(POOL, "b"));
      assertThat(s.uidNamedAt(Kind.STORAGE_VOLUMES, "other", "b", Revision.of(afterVolumes))).isEmpty();
      s.resync(Kinds.STORAGE_POOLS, List.of(pool("running", 10)), Set.of()).get();
      s.resyncOwned(Kinds.STORAGE_VOLUMES, POOL, List.of(vol("c", 3))).get();
      s.observe(Kinds.NETWORKS, NET, net("n1", false, ""), Cause.NONE).get();
      s.observe(Kinds.DOMAINS, DOM, obs(DOM, "d1", 64, "shutoff"), Cause.NONE).get();
      s.resyncOwned(Kinds.DOMAIN_SNAPSHOTS, DOM, List.of(snap("s9", true))).get();
    }
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      assertThat(s.snapshot().byName(Kinds.STORAGE_VOLUMES, POOL, "c").map(v -> v.status().capacity())).contains(3L);
      assertThat(s.snapshot().byName(Kinds.NETWORKS, null, "n1")).isPresent();
      assertThat(s.snapshot().byName(Kinds.DOMAIN_SNAPSHOTS, DOM, "s9").map(x -> x.status().current()))
          .contains(true);
      assertThat(s.snapshot().items(Kinds.STORAGE_POOLS)).extracting(p -> p.metadata().name()).containsExactly("p1");
      // A restart finds nothing new: the same observations make no revision.
      long r = s.snapshot().revision().value();
      assertThat(s.resyncOwned(Kinds.STORAGE_VOLUMES, POOL, List.of(vol("c", 3))).get()).isEmpty();
      assertThat(s.observe(Kinds.NETWORKS, NET, net("n1", false, ""), Cause.NONE).get()).isEmpty();
      assertThat(s.snapshot().revision().value()).isEqualTo(r);
    }
  }

  @Test
  void aPreconditionIsDecidedByTheWriterForEveryKind() throws Exception {
    try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir))) {
      StoredEvent e = s.observe(Kinds.STORAGE_POOLS, POOL, pool("running", 1), Cause.NONE).get().orElseThrow();
      Precondition stale = new Precondition(e.revision(), null, StoreException.Reason.CONFLICT);
      assertThat(s.observeAndCheck(Kinds.STORAGE_POOLS, POOL, pool("running", 1), Cause.NONE, stale).get()).isEmpty();
      // An out-of-band change (allocation moved) is committed, then the precondition fails against it.
      assertThatThrownBy(() -> s.observeAndCheck(Kinds.STORAGE_POOLS, POOL, pool("running", 2), Cause.NONE, stale)
          .join()).cause().isInstanceOfSatisfying(StoreException.class, x -> {
            assertThat(x.reason()).isEqualTo(StoreException.Reason.CONFLICT);
            assertThat(x.getMessage()).contains("storage pool \"p1\"").contains(e.revision() + " expected");
            assertThat(x.details()).containsEntry("kind", "storagepools");
          });
      assertThat(s.snapshot().byUid(Kinds.STORAGE_POOLS, POOL).map(p -> p.status().allocation())).contains(2L);
      assertThatThrownBy(() -> s.observeAndCheck(Kinds.STORAGE_POOLS, POOL, null, Cause.NONE, Precondition.NONE)
          .join()).cause().isInstanceOfSatisfying(StoreException.class,
              x -> assertThat(x.reason()).isEqualTo(StoreException.Reason.NOT_FOUND));
      assertThat(s.snapshot().byUid(Kinds.STORAGE_POOLS, POOL)).isEqualTo(Optional.empty());
      assertThat(s.snapshot().items(Kinds.DOMAIN_SNAPSHOTS)).isEmpty();
      assertThat(s.snapshot().byName(Kinds.DOMAIN_SNAPSHOTS, DOM, "x")).map(DomainSnapshot::kind).isEmpty();
      assertThat(s.snapshot().items(Kinds.STORAGE_POOLS)).map(StoragePool::kind).isEmpty();
    }
  }
}
