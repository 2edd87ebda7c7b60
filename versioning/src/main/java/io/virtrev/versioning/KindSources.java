package io.virtrev.versioning;

import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SnapshotSource;
import io.virtrev.api.source.StorageSource;

/**
 * The sources of the kinds beside domains, all on the domain source's connection (its events, its
 * {@code onConnected}). A null source: that kind is not served (its objects stay as the store has them).
 */
public record KindSources(NetworkSource networks, StorageSource storage, SnapshotSource snapshots) {
  /** Domains only. */
  public static final KindSources NONE = new KindSources(null, null, null);
}
