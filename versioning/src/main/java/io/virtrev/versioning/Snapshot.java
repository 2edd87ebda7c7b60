package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * The whole current state as of one revision. Immutable and safe to share; the writer publishes a new
 * snapshot after each commit. Every object in it has {@code resourceVersion <= revision}.
 */
public final class Snapshot {
  private static final Comparator<Domain> BY_NAME =
      Comparator.comparing(Domain::name).thenComparing(Domain::uuid);

  private final String storeId;
  private final Revision revision;
  private final Revision compacted;
  // Persistent (structure-sharing) maps: the writer derives the next snapshot in O(log n) per change.
  private final PMap<String, Domain> byUuid;
  private final PMap<String, String> uuidByName;
  // memo of bodyFor(): up to two {key, bytes} (e.g. a list and its gzipped form); a benign race may compute twice
  private volatile Object[] body;
  private volatile Object[] body2;
  private volatile List<Domain> sorted; // memo of items(); a benign race may compute it twice

  Snapshot(String storeId, Revision revision, Revision compacted, Map<String, Domain> byUuid,
      Map<String, String> uuidByName) {
    this.storeId = storeId;
    this.revision = revision;
    this.compacted = compacted;
    this.byUuid = byUuid instanceof PMap<String, Domain> p ? p : HashTreePMap.from(byUuid);
    this.uuidByName = uuidByName instanceof PMap<String, String> p ? p : HashTreePMap.from(uuidByName);
  }

  /** The same state with another compacted mark (the maps are shared). */
  Snapshot withCompacted(Revision c) {
    return new Snapshot(storeId, revision, c, byUuid, uuidByName);
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

  public int size() {
    return byUuid.size();
  }

  /** Every domain, ordered by name then uuid. */
  public List<Domain> items() {
    List<Domain> s = sorted;
    if (s == null) {
      List<Domain> copy = new ArrayList<>(byUuid.values());
      copy.sort(BY_NAME);
      s = Collections.unmodifiableList(copy);
      sorted = s;
    }
    return s;
  }

  public Optional<Domain> byUuid(String uuid) {
    return Optional.ofNullable(byUuid.get(uuid));
  }

  public Optional<Domain> byName(String name) {
    String uuid = uuidByName.get(name);
    return uuid == null ? Optional.empty() : byUuid(uuid);
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

  PMap<String, Domain> byUuidMap() {
    return byUuid;
  }

  PMap<String, String> uuidByNameMap() {
    return uuidByName;
  }
}
