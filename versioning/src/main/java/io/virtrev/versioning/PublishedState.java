package io.virtrev.versioning;

import io.virtrev.api.Revision;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the store has published: the latest {@link Snapshot} and the compacted mark.
 *
 * <p>Threads: the snapshot is replaced by the sync thread only ({@code store-sync}, {@link StoreSyncer}),
 * in queue order; anyone reads it (a volatile read). The compacted mark is raised by the sync thread
 * (the count limit, with the commit that crosses it) and by the compactor ({@code store-compactor}, the
 * age limit); it only ever rises ({@code accumulateAndGet} with max). The mark is published before a
 * snapshot carrying it, so {@link Snapshot#compacted()} may lag {@link #compacted()}, never lead it.
 * No lock.
 */
final class PublishedState {
  private volatile Snapshot snapshot;
  private final AtomicReference<Revision> compacted;

  PublishedState(Snapshot loaded) {
    this.snapshot = loaded;
    this.compacted = new AtomicReference<>(loaded.compacted());
  }

  /** The latest published state. */
  Snapshot snapshot() {
    return snapshot;
  }

  /** Sync thread only: publishes {@code s}. */
  void publish(Snapshot s) {
    snapshot = s;
  }

  /** The compacted revision as of now. */
  Revision compacted() {
    return compacted.get();
  }

  /** Raises the compacted mark to {@code upTo} unless it is already there. */
  void raise(Revision upTo) {
    compacted.accumulateAndGet(upTo, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  /** Checks that every revision after {@code rev} is retained. */
  void checkRetained(Revision rev) {
    Revision c = compacted.get();
    if (rev.compareTo(c) < 0) {
      throw StoreException.compacted(rev.value(), c.value());
    }
  }
}
