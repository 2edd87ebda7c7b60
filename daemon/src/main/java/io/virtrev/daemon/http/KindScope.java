package io.virtrev.daemon.http;

import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.DomainList;
import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.DomainSnapshotList;
import io.virtrev.api.ListMeta;
import io.virtrev.api.Network;
import io.virtrev.api.NetworkList;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StoragePoolList;
import io.virtrev.api.StorageVolume;
import io.virtrev.api.StorageVolumeList;
import io.virtrev.versioning.KindModel;
import io.virtrev.versioning.Kinds;
import io.virtrev.versioning.Snapshot;
import io.virtrev.versioning.VersionedStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What a request on one kind's collection (or one of its objects) addresses: the kind, its store model,
 * its Table, how a list of it is written, and for a kind that belongs to another (volumes, snapshots) the
 * owner named in the path, resolved to its uid. The routes shared by every kind (list, get, watch, history,
 * diff, writes) take one of these instead of knowing a kind. Immutable.
 *
 * @param api the kind as served
 * @param model the kind in the store
 * @param ownerUid the owner's uid (null for a kind that belongs to nothing)
 * @param table the kind's Table
 * @param listOf a list body of the kind from its metadata and items
 * @param <T> the kind's wire record
 */
record KindScope<T>(ApiKind api, KindModel<?, T> model, String ownerUid, KindTable<T> table,
    BiFunction<ListMeta, List<T>, Object> listOf) {

  /** Domains: the collection every other kind's routes were first written for. */
  static final KindScope<Domain> DOMAINS = new KindScope<>(ApiKind.DOMAINS, Kinds.DOMAINS, null, DomainTable.TABLE,
      DomainList::of);

  /**
   * The scope of {@code call}'s path for kind {@code k}: the owner in the path (its {@link ApiKind#ownerParam})
   * resolved by name or uid, now or, if it is gone, as the one that last had the name in history.
   *
   * @throws ApiException NOT_FOUND naming the owner if there is none by that name or uid
   */
  static KindScope<?> of(ApiKind k, Call call) {
    return switch (k) {
      case DOMAINS -> DOMAINS;
      case NETWORKS -> new KindScope<>(k, Kinds.NETWORKS, null, KindTable.NETWORKS, NetworkList::of);
      case STORAGE_POOLS -> new KindScope<>(k, Kinds.STORAGE_POOLS, null, KindTable.STORAGE_POOLS, StoragePoolList::of);
      case STORAGE_VOLUMES -> new KindScope<>(k, Kinds.STORAGE_VOLUMES, owner(k, call), KindTable.STORAGE_VOLUMES,
          StorageVolumeList::of);
      case DOMAIN_SNAPSHOTS -> new KindScope<>(k, Kinds.DOMAIN_SNAPSHOTS, owner(k, call), KindTable.DOMAIN_SNAPSHOTS,
          DomainSnapshotList::of);
    };
  }

  private static String owner(ApiKind k, Call call) {
    String id = call.param(k.ownerParam());
    KindModel<?, ?> owner = Kinds.of(io.virtrev.versioning.Kind.of(k.owner().resource()));
    VersionedStore store = call.api().store();
    Snapshot snap = store.snapshot();
    Optional<String> uid = snap.find(owner, null, id).map(o -> ((KindModel<?, Object>) owner).meta(o).uuid());
    if (uid.isEmpty() && io.virtrev.versioning.Uuids.looksLikeUuid(id)) {
      uid = Optional.of(io.virtrev.versioning.Uuids.normalize(id)).filter(u -> hasHistory(store, owner, u));
    }
    if (uid.isEmpty()) {
      uid = store.lastUidNamed(owner.kind(), null, id);
    }
    return uid.orElseThrow(() -> new ApiException(ApiException.Reason.NOT_FOUND, k.owner().singular() + " \"" + id
        + "\" not found", Map.of("name", id, "kind", k.owner().resource()), null));
  }

  private static boolean hasHistory(VersionedStore store, KindModel<?, ?> kind, String uid) {
    return store.versionAt(kind.kind(), uid, store.snapshot().revision()).isPresent();
  }

  /** The list body of {@code items} with {@code meta}. */
  Object list(ListMeta meta, List<T> items) {
    return listOf.apply(meta, items);
  }

  /**
   * What a continue token of this scope names, so a token is used only with the collection that issued it:
   * null for domains (tokens from before other kinds were served stay good), else the resource and owner.
   */
  String tokenScope() {
    return api == ApiKind.DOMAINS ? null : ownerUid == null ? api.resource() : api.resource() + "/" + ownerUid;
  }

  /** The object's definition XML ({@code spec.xml}). */
  static String specXml(Object o) {
    if (o instanceof Domain d) {
      return d.spec().xml();
    } else if (o instanceof Network n) {
      return n.spec().xml();
    } else if (o instanceof StoragePool p) {
      return p.spec().xml();
    } else if (o instanceof StorageVolume v) {
      return v.spec().xml();
    } else if (o instanceof DomainSnapshot s) {
      return s.spec().xml();
    }
    throw new IllegalArgumentException("not a served kind: " + o.getClass());
  }

  /** The object's live XML ({@code status.liveXml}) where its kind has one and it is active, else null. */
  static String liveXml(Object o) {
    if (o instanceof Domain d) {
      return d.status().liveXml();
    } else if (o instanceof Network n) {
      return n.status().liveXml();
    } else if (o instanceof StoragePool p) {
      return p.status().liveXml();
    }
    return null;
  }

  /**
   * The object of the kind with this name or uid at revision {@code rv} (blocks on SQLite): a uid as
   * given, else the one that had the name at {@code rv}, else the current one of that name.
   *
   * @throws ApiException NOT_FOUND if none existed then
   */
  T at(VersionedStore store, Snapshot snap, String id, io.virtrev.api.Revision rv) {
    List<String> uids = new java.util.ArrayList<>();
    if (io.virtrev.versioning.Uuids.looksLikeUuid(id)) {
      uids.add(io.virtrev.versioning.Uuids.normalize(id));
    }
    store.uidNamedAt(model.kind(), ownerUid, id, rv).ifPresent(uids::add);
    snap.byName(model, ownerUid, id).ifPresent(o -> uids.add(model.meta(o).uuid()));
    for (String uid : uids) {
      Optional<io.virtrev.versioning.StoredEvent> e = store.versionAt(model.kind(), uid, rv);
      if (e.isPresent() && !e.get().type().equals(io.virtrev.api.WatchEvent.DELETED)
          && java.util.Objects.equals(ownerUid, e.get().ownerUid())) {
        return e.get().object(model.type());
      }
    }
    throw new ApiException(ApiException.Reason.NOT_FOUND, api.singular() + " \"" + id + "\" not found at revision "
        + rv, Map.of("name", id, "kind", api.resource()), null);
  }

  /** An object of the kind by name or uid, now; NOT_FOUND naming it otherwise. */
  T find(Snapshot snap, String id) {
    return snap.find(model, ownerUid, id).orElseThrow(() -> notFound(id));
  }

  ApiException notFound(String id) {
    return new ApiException(ApiException.Reason.NOT_FOUND, api.singular() + " \"" + id + "\" not found",
        Map.of("name", id, "kind", api.resource()), null);
  }
}
