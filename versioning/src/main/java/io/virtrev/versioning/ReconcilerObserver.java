package io.virtrev.versioning;

/**
 * Told about every committed full resync, on the reconciler thread, outside its lock: it must be quick
 * and must not block or throw (metrics and the service manager's notifier use it).
 */
public interface ReconcilerObserver {
  ReconcilerObserver NONE = r -> { };

  /** A full resync committed. When {@code result.initial()}, the reconciler is ready from now on. */
  void resynced(ResyncResult result);

  /**
   * @param initial the first resync after a (re)connect, which readiness waited for
   * @param domains domains read
   * @param changes revisions it committed
   * @param nanos from opening the listing to the commit
   */
  record ResyncResult(boolean initial, int domains, int changes, long nanos) {}
}
