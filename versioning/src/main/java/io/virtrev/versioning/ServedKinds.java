package io.virtrev.versioning;

import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.Network;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StorageVolume;

/**
 * The mutations of the kinds beside domains that this daemon serves; a null entry: that kind has no source
 * (its objects can still be read from the store; a change answers as for an unknown resource).
 */
public record ServedKinds(KindMutations<Network> networks, KindMutations<StoragePool> storagePools,
    KindMutations<StorageVolume> storageVolumes, KindMutations<DomainSnapshot> snapshots) {
  public static final ServedKinds NONE = new ServedKinds(null, null, null, null);

  /** The mutations of every kind {@code sources} has a source for, on {@code lane} and {@code store}. */
  public static ServedKinds of(KindSources sources, VersionedStore store, Reconciler lane) {
    return new ServedKinds(
        sources.networks() == null ? null : ObjectMutations.networks(sources.networks(), store, lane),
        sources.storage() == null ? null : ObjectMutations.storagePools(sources.storage(), store, lane),
        sources.storage() == null ? null : ObjectMutations.storageVolumes(sources.storage(), store, lane),
        sources.snapshots() == null ? null : ObjectMutations.snapshots(sources.snapshots(), store, lane));
  }

  /** The mutations of {@code kind}, or null if it is not served (domains: {@link Mutations}). */
  public KindMutations<?> of(Kind kind) {
    return switch (kind) {
      case NETWORKS -> networks;
      case STORAGE_POOLS -> storagePools;
      case STORAGE_VOLUMES -> storageVolumes;
      case DOMAIN_SNAPSHOTS -> snapshots;
      case DOMAINS -> null;
    };
  }
}
