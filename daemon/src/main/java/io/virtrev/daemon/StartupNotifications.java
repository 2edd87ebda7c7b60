package io.virtrev.daemon;

import io.virtrev.versioning.Readiness;
import io.virtrev.versioning.ReconcilerObserver;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What virtrevd tells systemd ({@code Type=notify}): {@code READY=1} once the initial sync after a
 * connect has committed (from the reconciler, right after the commit), {@code STATUS=} with why it is not
 * ready while it is not (polled: "initial sync: read N of M domains" during a long sync), and
 * {@code STOPPING=1} when shutdown begins.
 *
 * <p>Threads: {@link #resynced} runs on the reconciler thread, {@link #poll} on the daemon's timer thread,
 * {@link #stopping} on the shutdown thread. The monitor of {@code this} guards {@code lastStatus} and
 * {@code stopped} (nothing is sent after STOPPING=1), and orders the readiness check of {@link #poll}
 * with the READY=1 of {@link #resynced}, so a stale "not ready" status never follows READY=1. It is taken
 * before the reconciler's lock (in {@code readiness}), never inside it. Sending never blocks
 * ({@link ServiceNotifier#send}).
 */
final class StartupNotifications implements ReconcilerObserver {
  /** How often {@link #poll} should run. */
  static final long POLL_MILLIS = 1000;

  private final ServiceNotifier notifier;
  private final Supplier<Readiness> readiness;
  private String lastStatus; // guarded by this
  private boolean stopped; // guarded by this: after STOPPING=1 nothing else is sent
  private boolean readySent; // guarded by this

  StartupNotifications(ServiceNotifier notifier, Supplier<Readiness> readiness) {
    this.notifier = notifier;
    this.readiness = readiness;
  }

  @Override
  public synchronized void resynced(ResyncResult r) {
    if (r.initial() && !stopped) {
      readySent = true;
      lastStatus = null;
      notifier.send("READY=1\nSTATUS=ready: initial sync finished: " + r.domains() + " domains, " + r.changes()
          + " changes, took " + TimeUnit.NANOSECONDS.toMillis(r.nanos()) + " ms");
    }
  }

  /**
   * Sends the reason for not being ready when it changed, and {@code STATUS=ready} when the daemon is
   * ready again after READY=1 (e.g. the store commits again after a full disk: no new initial sync).
   */
  synchronized void poll() {
    if (stopped) {
      return;
    }
    Readiness r = readiness.get();
    if (r.ready()) {
      if (lastStatus != null && readySent) {
        notifier.send("STATUS=ready");
      }
      lastStatus = null;
      return;
    }
    String status = "not ready: " + r.reason();
    if (!status.equals(lastStatus)) {
      lastStatus = status;
      notifier.send("STATUS=" + status.replace('\n', ' '));
    }
  }

  synchronized void stopping() {
    stopped = true;
    notifier.send("STOPPING=1\nSTATUS=shutting down");
  }
}
