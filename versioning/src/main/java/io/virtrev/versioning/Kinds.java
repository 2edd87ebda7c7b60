package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.DomainSnapshotSpec;
import io.virtrev.api.DomainSnapshotStatus;
import io.virtrev.api.Network;
import io.virtrev.api.NetworkSpec;
import io.virtrev.api.NetworkStatus;
import io.virtrev.api.NetworkXml;
import io.virtrev.api.Revision;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StoragePoolSpec;
import io.virtrev.api.StoragePoolStatus;
import io.virtrev.api.StorageVolume;
import io.virtrev.api.StorageVolumeSpec;
import io.virtrev.api.StorageVolumeStatus;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.StoragePoolObservation;
import io.virtrev.api.source.StorageVolumeObservation;
import java.time.Instant;
import java.util.Map;

/**
 * The model of every kind the store keeps ({@link KindModel}), one constant per {@link Kind}.
 *
 * <ul>
 *   <li>{@link #DOMAINS}: {@link ChangeDetector}'s rule (live XML, labels from the XML, reboots);
 *   <li>{@link #NETWORKS}: uid = libvirt's uuid; {@code status.state} (for selectors) is {@code active}
 *       or {@code inactive};
 *   <li>{@link #STORAGE_POOLS}: uid = libvirt's uuid; state = libvirt's pool state;
 *   <li>{@link #STORAGE_VOLUMES}: owned by the pool ({@code ownerUid} = pool uuid), uid =
 *       {@link io.virtrev.api.Uids#storageVolume}; no state (null);
 *   <li>{@link #DOMAIN_SNAPSHOTS}: owned by the domain, uid = {@link io.virtrev.api.Uids#domainSnapshot};
 *       state = the domain's state the snapshot holds.
 * </ul>
 * The new kinds have no labels (their XML has no place for them in libvirt 9.0).
 */
public final class Kinds {
  private Kinds() {}

  public static final KindModel<DomainObservation, Domain> DOMAINS = new KindModel<>() {
    @Override
    public Kind kind() {
      return Kind.DOMAINS;
    }

    @Override
    public Class<Domain> type() {
      return Domain.class;
    }

    @Override
    public String uid(DomainObservation o) {
      return o.uuid();
    }

    @Override
    public String ownerUid(DomainObservation o) {
      return null;
    }

    @Override
    public DomainMeta meta(Domain d) {
      return d.metadata();
    }

    @Override
    public StoredObject view(Domain d) {
      return StoredObject.of(d);
    }

    @Override
    public Change<Domain> next(Domain current, DomainObservation observed, Cause cause, Revision rev, Instant now) {
      ChangeDetector.Change c = ChangeDetector.detect(current, observed, cause, rev, now);
      return c == null ? null : new Change<>(c.type(), c.object());
    }
  };

  public static final KindModel<NetworkObservation, Network> NETWORKS = new ObservedModel<>() {
    @Override
    public Kind kind() {
      return Kind.NETWORKS;
    }

    @Override
    public Class<Network> type() {
      return Network.class;
    }

    @Override
    public String uid(NetworkObservation o) {
      return o.uuid();
    }

    @Override
    public String ownerUid(NetworkObservation o) {
      return null;
    }

    @Override
    public DomainMeta meta(Network n) {
      return n.metadata();
    }

    @Override
    public StoredObject view(Network n) {
      return new StoredObject(Kind.NETWORKS, n.metadata().uuid(), n.metadata().name(), null,
          n.metadata().resourceVersion(), n.status().active() ? "active" : "inactive", Map.of());
    }

    @Override
    String name(NetworkObservation o) {
      return o.name();
    }

    @Override
    String specXml(NetworkObservation o) {
      return o.configXml();
    }

    @Override
    String storedXml(Network n) {
      return n.spec().xml();
    }

    @Override
    Network build(DomainMeta meta, NetworkObservation o, String xml, Cause c) {
      return Network.of(meta, new NetworkSpec(xml, o.autostart()), new NetworkStatus(o.active(), o.persistent(),
          NetworkXml.bridge(o.liveXml() != null ? o.liveXml() : o.configXml()), o.liveXml(), c.last(), c.events(),
          c.omitted(), c.request()));
    }

    @Override
    Network with(Network n, DomainMeta meta, Cause c) {
      NetworkStatus s = n.status();
      return Network.of(meta, n.spec(), new NetworkStatus(s.active(), s.persistent(), s.bridge(), s.liveXml(),
          c.last(), c.events(), c.omitted(), c.request()));
    }
  };

  public static final KindModel<StoragePoolObservation, StoragePool> STORAGE_POOLS = new ObservedModel<>() {
    @Override
    public Kind kind() {
      return Kind.STORAGE_POOLS;
    }

    @Override
    public Class<StoragePool> type() {
      return StoragePool.class;
    }

    @Override
    public String uid(StoragePoolObservation o) {
      return o.uuid();
    }

    @Override
    public String ownerUid(StoragePoolObservation o) {
      return null;
    }

    @Override
    public DomainMeta meta(StoragePool p) {
      return p.metadata();
    }

    @Override
    public StoredObject view(StoragePool p) {
      return new StoredObject(Kind.STORAGE_POOLS, p.metadata().uuid(), p.metadata().name(), null,
          p.metadata().resourceVersion(), p.status().state(), Map.of());
    }

    @Override
    String name(StoragePoolObservation o) {
      return o.name();
    }

    @Override
    String specXml(StoragePoolObservation o) {
      return o.configXml();
    }

    @Override
    String storedXml(StoragePool p) {
      return p.spec().xml();
    }

    @Override
    StoragePool build(DomainMeta meta, StoragePoolObservation o, String xml, Cause c) {
      return StoragePool.of(meta, new StoragePoolSpec(xml, o.autostart()), new StoragePoolStatus(o.state(),
          o.capacity(), o.allocation(), o.available(), o.persistent(), o.liveXml(), c.last(), c.events(),
          c.omitted(), c.request()));
    }

    @Override
    StoragePool with(StoragePool p, DomainMeta meta, Cause c) {
      StoragePoolStatus s = p.status();
      return StoragePool.of(meta, p.spec(), new StoragePoolStatus(s.state(), s.capacity(), s.allocation(),
          s.available(), s.persistent(), s.liveXml(), c.last(), c.events(), c.omitted(), c.request()));
    }
  };

  public static final KindModel<StorageVolumeObservation, StorageVolume> STORAGE_VOLUMES = new ObservedModel<>() {
    @Override
    public Kind kind() {
      return Kind.STORAGE_VOLUMES;
    }

    @Override
    public Class<StorageVolume> type() {
      return StorageVolume.class;
    }

    @Override
    public String uid(StorageVolumeObservation o) {
      return o.uid();
    }

    @Override
    public String ownerUid(StorageVolumeObservation o) {
      return o.poolUuid();
    }

    @Override
    public DomainMeta meta(StorageVolume v) {
      return v.metadata();
    }

    @Override
    public StoredObject view(StorageVolume v) {
      return new StoredObject(Kind.STORAGE_VOLUMES, v.metadata().uuid(), v.metadata().name(), v.status().poolUuid(),
          v.metadata().resourceVersion(), null, Map.of());
    }

    @Override
    String name(StorageVolumeObservation o) {
      return o.name();
    }

    @Override
    String specXml(StorageVolumeObservation o) {
      return o.xml();
    }

    @Override
    String storedXml(StorageVolume v) {
      return v.spec().xml();
    }

    @Override
    StorageVolume build(DomainMeta meta, StorageVolumeObservation o, String xml, Cause c) {
      return StorageVolume.of(meta, new StorageVolumeSpec(xml), new StorageVolumeStatus(o.poolName(), o.poolUuid(),
          o.key(), o.path(), o.type(), o.capacity(), o.allocation(), c.last(), c.events(), c.omitted(), c.request()));
    }

    @Override
    StorageVolume with(StorageVolume v, DomainMeta meta, Cause c) {
      StorageVolumeStatus s = v.status();
      return StorageVolume.of(meta, v.spec(), new StorageVolumeStatus(s.pool(), s.poolUuid(), s.key(), s.path(),
          s.type(), s.capacity(), s.allocation(), c.last(), c.events(), c.omitted(), c.request()));
    }
  };

  public static final KindModel<SnapshotObservation, DomainSnapshot> DOMAIN_SNAPSHOTS = new ObservedModel<>() {
    @Override
    public Kind kind() {
      return Kind.DOMAIN_SNAPSHOTS;
    }

    @Override
    public Class<DomainSnapshot> type() {
      return DomainSnapshot.class;
    }

    @Override
    public String uid(SnapshotObservation o) {
      return o.uid();
    }

    @Override
    public String ownerUid(SnapshotObservation o) {
      return o.domainUuid();
    }

    @Override
    public DomainMeta meta(DomainSnapshot s) {
      return s.metadata();
    }

    @Override
    public StoredObject view(DomainSnapshot s) {
      return new StoredObject(Kind.DOMAIN_SNAPSHOTS, s.metadata().uuid(), s.metadata().name(), s.status().domainUid(),
          s.metadata().resourceVersion(), s.status().state(), Map.of());
    }

    @Override
    String name(SnapshotObservation o) {
      return o.name();
    }

    @Override
    String specXml(SnapshotObservation o) {
      return o.xml();
    }

    @Override
    String storedXml(DomainSnapshot s) {
      return s.spec().xml();
    }

    @Override
    DomainSnapshot build(DomainMeta meta, SnapshotObservation o, String xml, Cause c) {
      return DomainSnapshot.of(meta, new DomainSnapshotSpec(xml), new DomainSnapshotStatus(o.domainName(),
          o.domainUuid(), o.parent(), o.current(), o.state(), o.creationTime(), c.last(), c.events(), c.omitted(),
          c.request()));
    }

    @Override
    DomainSnapshot with(DomainSnapshot s, DomainMeta meta, Cause c) {
      DomainSnapshotStatus st = s.status();
      return DomainSnapshot.of(meta, s.spec(), new DomainSnapshotStatus(st.domain(), st.domainUid(), st.parent(),
          st.current(), st.state(), st.creationTime(), c.last(), c.events(), c.omitted(), c.request()));
    }
  };

  /** The model of {@code kind}. */
  public static KindModel<?, ?> of(Kind kind) {
    return switch (kind) {
      case DOMAINS -> DOMAINS;
      case NETWORKS -> NETWORKS;
      case STORAGE_POOLS -> STORAGE_POOLS;
      case STORAGE_VOLUMES -> STORAGE_VOLUMES;
      case DOMAIN_SNAPSHOTS -> DOMAIN_SNAPSHOTS;
    };
  }

  /** The model whose served objects are of class {@code type}. */
  public static KindModel<?, ?> ofType(Class<?> type) {
    for (Kind k : Kind.values()) {
      if (of(k).type().equals(type)) {
        return of(k);
      }
    }
    throw new IllegalArgumentException("no kind serves " + type.getName());
  }

  /** The kind whose objects belong to {@code owner}'s (volumes to pools, snapshots to domains); null if none. */
  public static Kind ownedBy(Kind owner) {
    return switch (owner) {
      case DOMAINS -> Kind.DOMAIN_SNAPSHOTS;
      case STORAGE_POOLS -> Kind.STORAGE_VOLUMES;
      default -> null;
    };
  }
}
