package io.virtrev.versioning;

/**
 * The kinds of object the store keeps, a closed set. {@link #key()} (the plural resource name) is what
 * the store is keyed by, with the object's uid: the {@code kind} column of every table, and the
 * {@code kind} of every {@link StoredEvent}. One revision counter serves every kind (as etcd has one
 * revision for all keys), so a revision names one change of one object of one kind.
 */
public enum Kind {
  DOMAINS("domains"),
  NETWORKS("networks"),
  STORAGE_POOLS("storagepools"),
  /** Belongs to its pool: its {@link StoredObject#ownerUid()} is the pool's uid. */
  STORAGE_VOLUMES("storagevolumes"),
  /** Belongs to its domain: its {@link StoredObject#ownerUid()} is the domain's uid. */
  DOMAIN_SNAPSHOTS("domainsnapshots");

  private final String key;

  Kind(String key) {
    this.key = key;
  }

  /** The plural resource name, as stored and as served in paths. */
  public String key() {
    return key;
  }

  /**
   * The kind stored as {@code key}.
   *
   * @throws StoreException if no kind has that key (a store written by a newer virtrevd)
   */
  public static Kind of(String key) {
    for (Kind k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    throw new StoreException("unknown kind in the store: " + key);
  }

  @Override
  public String toString() {
    return key;
  }
}
