package io.virtrev.versioning;

/**
 * Told about every durable commit, on the store's sync thread, after the commit and before it is published:
 * it must be quick and must not block or throw (metrics use it).
 */
public interface StoreObserver {
  StoreObserver NONE = (revisions, nanos) -> { };

  /** {@code revisions} were committed in one transaction that took {@code nanos} (fsync included). */
  void committed(int revisions, long nanos);
}
