package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * The whole current state as of one revision, every kind. Immutable and safe to share; the writer
 * publishes a new snapshot after each commit. Every object in it has {@code resourceVersion <= revision}.
 *
 * <p>Per kind it keeps objects by uid and uids by (owner uid, name) ({@link #nameKey}): names are unique
 * within a kind and owner at every revision. Domains keep their own accessors ({@link #items()},
 * {@link #byUuid}, {@link #byName}, {@link #find}); every kind is read through {@link #items(KindModel)},
 * {@link #byUid(KindModel, String)}, {@link #byName(KindModel, String, String)} and
 * {@link #find(KindModel, String, String)}.
 */
public final class Snapshot {
  private final String storeId;
  private final Revision revision;
  private final Revision compacted;
  // Persistent (structure-sharing) maps: the writer derives the next snapshot in O(log n) per change.
  private final PMap<Kind, PMap<String, Object>> byUid;
  private final PMap<Kind, PMap<String, String>> uidByName; // per kind: nameKey(owner, name) -> uid
  private final java.util.concurrent.ConcurrentHashMap<Kind, List<?>> sortedByKind =
      new java.util.concurrent.ConcurrentHashMap<>(); // memo of items(kind); a benign race may compute twice
  // memo of bodyFor(): up to two {key, bytes} (e.g. a list and its gzipped form); a benign race may compute twice
  private volatile Object[] body;
  private volatile Object[] body2;
  private volatile List<Domain> sorted; // memo of items(); a benign race may compute it twice

  Snapshot(String storeId, Revision revision, Revision compacted, PMap<Kind, PMap<String, Object>> byUid,
      PMap<Kind, PMap<String, String>> uidByName) {
    this.storeId = storeId;
    this.revision = revision;
    this.compacted = compacted;
    this.byUid = byUid;
    this.uidByName = uidByName;
  }

  /** The state made of {@code objects} (current objects of any kinds, as loaded from the file). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Snapshot of(String storeId, Revision revision, Revision compacted, List<Object> objects) {
    PMap<Kind, PMap<String, Object>> byUid = HashTreePMap.empty();
    PMap<Kind, PMap<String, String>> names = HashTreePMap.empty();
    java.util.Map<Kind, java.util.Map<String, Object>> objs = new java.util.EnumMap<>(Kind.class);
    java.util.Map<Kind, java.util.Map<String, String>> nms = new java.util.EnumMap<>(Kind.class);
    for (Object o : objects) {
      KindModel model = Kinds.ofType(o.getClass());
      StoredObject v = model.view(o);
      objs.computeIfAbsent(v.kind(), k -> new java.util.HashMap<>()).put(v.uid(), o);
      nms.computeIfAbsent(v.kind(), k -> new java.util.HashMap<>()).put(nameKey(v.ownerUid(), v.name()), v.uid());
    }
    for (var e : objs.entrySet()) {
      byUid = byUid.plus(e.getKey(), HashTreePMap.from(e.getValue()));
      names = names.plus(e.getKey(), HashTreePMap.from(nms.get(e.getKey())));
    }
    return new Snapshot(storeId, revision, compacted, byUid, names);
  }

  /** An empty state of every kind. */
  static Snapshot empty(String storeId, Revision revision, Revision compacted) {
    return new Snapshot(storeId, revision, compacted, HashTreePMap.empty(), HashTreePMap.empty());
  }

  /** The key of the name index: the name within its owner (the owner's uid, or none). */
  static String nameKey(String ownerUid, String name) {
    return ownerUid == null ? name : ownerUid + "\u0000" + name;
  }

  /** The same state with another compacted mark (the maps are shared). */
  Snapshot withCompacted(Revision c) {
    return new Snapshot(storeId, revision, c, byUid, uidByName);
  }

  /** The random id of the store; a new id means a new store whose revisions are unrelated. */
  public String storeId() {
    return storeId;
  }

  /** The revision this snapshot is at: the last committed revision. */
  public Revision revision() {
    return revision;
  }

  /** Revisions at or below this are no longer retained: a watch must start at or after it. */
  public Revision compacted() {
    return compacted;
  }

  /** How many domains there are. */
  public int size() {
    return size(Kind.DOMAINS);
  }

  /** How many objects of {@code kind} there are. */
  public int size(Kind kind) {
    PMap<String, Object> m = byUid.get(kind);
    return m == null ? 0 : m.size();
  }

  /** Every domain, ordered by name then uuid. */
  public List<Domain> items() {
    List<Domain> s = sorted;
    if (s == null) {
      s = items(Kinds.DOMAINS);
      sorted = s;
    }
    return s;
  }

  /** Every object of a kind (of every owner), in list order ({@link ListKey}: name, then uid). */
  @SuppressWarnings("unchecked")
  public <T> List<T> items(KindModel<?, T> kind) {
    List<T> s = (List<T>) sortedByKind.get(kind.kind());
    if (s == null) {
      List<T> copy = new ArrayList<>();
      for (Object o : map(kind.kind()).values()) {
        copy.add(kind.type().cast(o));
      }
      copy.sort(Comparator.comparing((T o) -> kind.meta(o).name()).thenComparing(o -> kind.meta(o).uuid()));
      s = Collections.unmodifiableList(copy);
      sortedByKind.put(kind.kind(), s);
    }
    return s;
  }

  /** The objects of a kind that belong to {@code ownerUid} (null: every object of the kind), in list order. */
  public <T> List<T> items(KindModel<?, T> kind, String ownerUid) {
    List<T> all = items(kind);
    if (ownerUid == null) {
      return all;
    }
    List<T> out = new ArrayList<>();
    for (T o : all) {
      if (ownerUid.equals(kind.view(o).ownerUid())) {
        out.add(o);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** The object of a kind with this uid. */
  public <T> Optional<T> byUid(KindModel<?, T> kind, String uid) {
    return Optional.ofNullable(map(kind.kind()).get(uid)).map(kind.type()::cast);
  }

  /** The object of a kind named {@code name} within {@code ownerUid} (null for kinds that belong to nothing). */
  public <T> Optional<T> byName(KindModel<?, T> kind, String ownerUid, String name) {
    PMap<String, String> names = uidByName.get(kind.kind());
    String uid = names == null ? null : names.get(nameKey(ownerUid, name));
    return uid == null ? Optional.empty() : byUid(kind, uid);
  }

  /** The object of a kind by uid (canonical form, any case) or else by name within {@code ownerUid}, as {@link #find(String)}. */
  public <T> Optional<T> find(KindModel<?, T> kind, String ownerUid, String nameOrUid) {
    if (Uuids.looksLikeUuid(nameOrUid)) {
      Optional<T> o = byUid(kind, Uuids.normalize(nameOrUid));
      if (o.isPresent() && java.util.Objects.equals(ownerUid, kind.view(o.get()).ownerUid())) {
        return o;
      }
    }
    return byName(kind, ownerUid, nameOrUid);
  }

  public Optional<Domain> byUuid(String uuid) {
    return byUid(Kinds.DOMAINS, uuid);
  }

  public Optional<Domain> byName(String name) {
    return byName(Kinds.DOMAINS, null, name);
  }

  /**
   * A domain by uuid (any case, with or without dashes is not accepted: libvirt's canonical
   * 8-4-4-4-12 form) or else by name. A name that looks like a uuid of another domain loses: libvirt
   * resolves uuids first too ({@code virsh} does the same).
   */
  public Optional<Domain> find(String nameOrUuid) {
    if (Uuids.looksLikeUuid(nameOrUuid)) {
      Optional<Domain> d = byUuid(Uuids.normalize(nameOrUuid));
      if (d.isPresent()) {
        return d;
      }
    }
    return byName(nameOrUuid);
  }

  /**
   * A response body computed from this snapshot alone (plus {@code key}, e.g. the compacted revision it
   * names), memoized: repeated full lists at one revision are serialized once.
   */
  public byte[] bodyFor(Object key, Supplier<byte[]> compute) {
    Object[] m = body;
    if (m != null && m[0].equals(key)) {
      return (byte[]) m[1];
    }
    Object[] m2 = body2;
    if (m2 != null && m2[0].equals(key)) {
      return (byte[]) m2[1];
    }
    byte[] b = compute.get();
    body2 = body; // the previous one stays: a client that asks for gzip and one that does not both hit
    body = new Object[] {key, b};
    return b;
  }

  private PMap<String, Object> map(Kind kind) {
    PMap<String, Object> m = byUid.get(kind);
    return m == null ? HashTreePMap.empty() : m;
  }

  PMap<Kind, PMap<String, Object>> byUidMaps() {
    return byUid;
  }

  PMap<Kind, PMap<String, String>> uidByNameMaps() {
    return uidByName;
  }
}
