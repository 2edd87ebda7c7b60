package io.virtrev.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.virtrev.api.Revision;
import io.virtrev.versioning.Snapshot;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.StoredEvent;
import io.virtrev.versioning.VersionedStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's mirror into etcd (docs/fleet.md, "Mirror"): publishes every committed revision of the host's
 * {@link VersionedStore}, in the host's order, exactly once, and keeps the host's registration alive.
 *
 * <p>Contract:
 * <ul>
 *   <li>each host revision R is one etcd transaction {@code If(progress == the bytes last read)
 *       Then(put or delete the object key, put progress = {storeId, R}) Else(get progress)}, so etcd holds a
 *       host revision's change exactly when progress says so, and a retry, a lost answer, a restart or a
 *       second mirror of the same store cannot apply a revision twice or out of order: a failed compare
 *       only makes the mirror continue from the progress etcd holds;
 *   <li>it resumes from the progress key after a restart or an etcd outage, reading the store's retained
 *       history ({@link VersionedStore#readHistory});
 *   <li>when progress is missing, belongs to another store, is ahead of the store, or the store compacted
 *       past it, it re-mirrors the store's snapshot in one transaction ({@link FullMirror}): etcd never
 *       holds half of a host's state;
 *   <li>it mirrors only while its registration holds the host name, or another process of the same store's
 *       does ({@link HostRegistration}): two stores under one host name never re-mirror over each other;
 *   <li>etcd's absence never reaches the host: the store is only read, failures are retried with a
 *       doubling wait up to {@link MirrorSettings#maxBackoff}, and lag is reported ({@link #status}).
 * </ul>
 *
 * <p>Threads: one thread, {@code fleet-mirror}, does all etcd calls and store reads (store reads of
 * history may block on SQLite: that is why it has its own thread). The store's sync thread only unparks it
 * ({@link VersionedStore#subscribe}; never blocks). {@link #status} and {@link #close} from any thread.
 * Locks: none; the fields the mirror thread writes and others read are volatile or adders.
 */
public final class FleetMirror implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetMirror.class);

  private final Client etcd;
  private final VersionedStore store;
  private final MirrorSettings settings;
  private final HostRegistration registration;
  private final ByteSequence progressKey;
  private final Thread thread;
  private final AutoCloseable subscription;

  private volatile boolean running = true;
  private volatile boolean revokeOnClose = true;
  // Mirror thread only: progress as last read or written; null: unknown (read it first).
  private MirrorProgress progress;
  private boolean progressAbsent;
  private int consecutiveFailures;

  // Written by the mirror thread, read by status() from any thread.
  private volatile long mirroredRevision;
  private volatile boolean etcdReachable;
  private volatile String lastError = "not connected yet";
  private final LongAdder mirrored = new LongAdder();
  private final LongAdder fullMirrors = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder conflicts = new LongAdder();

  private FleetMirror(Client etcd, VersionedStore store, MirrorSettings settings) {
    this.etcd = etcd;
    this.store = store;
    this.settings = settings;
    this.progressKey = EtcdCall.bytes(FleetKeys.progress(settings.host()));
    this.registration = new HostRegistration(etcd, settings, store.snapshot().storeId(), Instant.now());
    this.thread = new Thread(this::run, "fleet-mirror");
    this.thread.setDaemon(true);
    this.subscription = store.subscribe(() -> LockSupport.unpark(thread));
  }

  /**
   * Starts mirroring {@code store} into {@code etcd} as {@code settings.host()}. The client stays the
   * caller's (close it after this mirror). Returns at once: the first etcd call is made on the mirror's
   * thread.
   */
  public static FleetMirror start(Client etcd, VersionedStore store, MirrorSettings settings) {
    FleetMirror m = new FleetMirror(etcd, store, settings);
    m.thread.start();
    LOG.info("fleet mirror of host {} started ({})", settings.host(), settings.apiUrl());
    return m;
  }

  /** A point-in-time report: revisions, lag, etcd reachability, counters. */
  public MirrorStatus status() {
    return new MirrorStatus(settings.host(), store.snapshot().revision().value(), mirroredRevision, etcdReachable,
        etcdReachable ? null : lastError, registration.registered(), registration.conflict(), mirrored.sum(),
        fullMirrors.sum(), failures.sum(), conflicts.sum());
  }

  public MirrorSettings settings() {
    return settings;
  }

  private void run() {
    while (running) {
      try {
        step();
        if (!etcdReachable) {
          LOG.info("fleet mirror of host {}: etcd reachable again, mirrored revision {}", settings.host(),
              mirroredRevision);
        }
        etcdReachable = true;
        consecutiveFailures = 0;
      } catch (EtcdCall.Unavailable | StoreException e) {
        fail(e.getMessage(), e);
      } catch (RuntimeException e) {
        fail(e.toString(), e);
      }
    }
  }

  private void fail(String message, Exception e) {
    if (!running) {
      return;
    }
    failures.increment();
    progress = null; // a transaction may have applied without our seeing the answer: read progress again
    registration.suspect();
    if (etcdReachable || consecutiveFailures == 0) {
      LOG.warn("fleet mirror of host {}: {} (retrying)", settings.host(), message);
    } else {
      LOG.debug("fleet mirror of host {}: {}", settings.host(), message, e);
    }
    etcdReachable = false;
    lastError = message;
    long wait = Math.min(settings.maxBackoff().toNanos(),
        MirrorSettings.MIN_BACKOFF.toNanos() << Math.min(consecutiveFailures, 20));
    consecutiveFailures++;
    park(wait);
  }

  /** Parks until {@code nanos} passed, a commit or {@link #close} unparks it (or spuriously). */
  private void park(long nanos) {
    if (running && nanos > 0) {
      LockSupport.parkNanos(this, nanos);
    }
  }

  /** One turn: register or renew, read progress if unknown, then mirror what the store has beyond it. */
  private void step() {
    registration.keepAlive(System.nanoTime());
    if (registration.conflict() != null) {
      park(registration.nanosUntilDue(System.nanoTime())); // another store holds this host name
      return;
    }
    if (progress == null && !progressAbsent) {
      readProgress();
    }
    Snapshot snap = store.snapshot(); // read after progress: progress is never ahead of it for this store
    if (needsFullMirror(snap)) {
      fullMirror(snap);
      return;
    }
    if (progress.revision() >= snap.revision().value()) {
      park(registration.nanosUntilDue(System.nanoTime()));
      return;
    }
    List<StoredEvent> events;
    try {
      events = store.readHistory(Revision.of(progress.revision()), settings.historyBatch());
    } catch (StoreException e) {
      if (e.reason() == StoreException.Reason.COMPACTED) {
        fullMirror(store.snapshot());
        return;
      }
      throw e;
    }
    for (StoredEvent e : events) {
      if (!running || !applyOne(e)) {
        return;
      }
      registration.keepAlive(System.nanoTime());
    }
  }

  private boolean needsFullMirror(Snapshot snap) {
    if (progressAbsent) {
      return true;
    }
    if (!progress.storeId().equals(snap.storeId())) {
      return true;
    }
    long p = progress.revision();
    if (p > snap.revision().value()) {
      LOG.warn("fleet mirror of host {}: etcd's progress {} is ahead of the store ({}): another copy of this store"
          + " mirrored it; re-mirroring this store's state", settings.host(), p, snap.revision());
      return true;
    }
    return p < store.compacted().value();
  }

  private void readProgress() {
    List<KeyValue> kvs = EtcdCall.await(etcd.getKVClient().get(progressKey), settings.callTimeout(),
        "read of " + progressKey).getKvs();
    setProgress(kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes());
  }

  /** Progress as etcd holds it ({@code raw} null: no progress key). */
  private void setProgress(byte[] raw) {
    if (raw == null) {
      progress = null;
      progressAbsent = true;
      return;
    }
    progressAbsent = false;
    try {
      progress = MirrorProgress.parse(raw);
    } catch (IllegalArgumentException e) {
      LOG.warn("fleet mirror of host {}: {}; re-mirroring", settings.host(), e.getMessage());
      progress = new MirrorProgress("", 0, raw); // no store has the id "": a full re-mirror replaces it
      return;
    }
    if (progress.storeId().equals(store.snapshot().storeId())) {
      mirroredRevision = progress.revision();
    }
  }

  /** The compare every mirror transaction makes: progress is still what this mirror last saw. */
  private Cmp progressUnchanged() {
    return progressAbsent ? new Cmp(progressKey, Cmp.Op.EQUAL, CmpTarget.version(0))
        : new Cmp(progressKey, Cmp.Op.EQUAL, CmpTarget.value(EtcdCall.bytes(progress.rawShared())));
  }

  /** Applies host revision {@code e} (the one after progress); false if the compare failed. */
  private boolean applyOne(StoredEvent e) {
    long r = e.revision().value();
    if (r != progress.revision() + 1) {
      throw new IllegalStateException("store history not dense: revision " + r + " after progress " + progress);
    }
    ByteSequence key = EtcdCall.bytes(FleetKeys.object(e.kind().key(), settings.host(), e.uuid()));
    Op change = "DELETED".equals(e.type()) ? Op.delete(key, DeleteOption.DEFAULT)
        : Op.put(key, EtcdCall.bytes(e.objectJson()), PutOption.DEFAULT);
    if (!commit(List.of(change), MirrorProgress.of(progress.storeId(), r), "revision " + r)) {
      return false;
    }
    mirrored.increment();
    return true;
  }

  private void fullMirror(Snapshot snap) {
    FullMirror.Plan plan = FullMirror.plan(etcd, settings.host(), snap, settings.callTimeout());
    MirrorProgress next = MirrorProgress.of(snap.storeId(), snap.revision().value());
    String was = progressAbsent ? "no progress" : "progress " + progress;
    if (commit(plan.ops(), next, "full re-mirror")) {
      // Seal: one more revision that changes no object, so that a list read after the re-mirror has a
      // resourceVersion past it, and a watch from that list is not refused as "inside a re-mirror"
      // (docs/fleet.md, "Watch"). Best effort: if it fails, the next revision of the host seals it.
      commit(List.of(), next, "seal after the full re-mirror");
      fullMirrors.increment();
      LOG.info("fleet mirror of host {}: full re-mirror at revision {} ({}): {} puts, {} deletes", settings.host(),
          snap.revision(), was, plan.puts(), plan.deletes());
    }
  }

  /**
   * One transaction: {@code ops} and progress = {@code next} if progress is unchanged. On a failed compare,
   * takes etcd's progress from the Else branch and returns false.
   */
  private boolean commit(List<Op> ops, MirrorProgress next, String what) {
    List<Op> then = new ArrayList<>(ops.size() + 1);
    then.addAll(ops);
    then.add(Op.put(progressKey, EtcdCall.bytes(next.rawShared()), PutOption.DEFAULT));
    TxnResponse r = EtcdCall.await(etcd.getKVClient().txn().If(progressUnchanged()).Then(then.toArray(Op[]::new))
        .Else(Op.get(progressKey, GetOption.DEFAULT)).commit(), settings.callTimeout(), "txn of " + what);
    if (r.isSucceeded()) {
      progress = next;
      progressAbsent = false;
      mirroredRevision = next.revision();
      return true;
    }
    conflicts.increment();
    List<KeyValue> kvs = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
    setProgress(kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes());
    LOG.debug("fleet mirror of host {}: progress moved under {}; now {}", settings.host(), what,
        progressAbsent ? "absent" : progress);
    return false;
  }

  /** Stops the mirror thread (an etcd call in flight ends within the call timeout) and revokes the lease. */
  @Override
  public void close() {
    stop();
    if (thread.isAlive()) {
      // Its etcd call outlived the bound: the registration is the mirror thread's; leave it to its lease.
      LOG.warn("fleet mirror of host {} did not stop in time; its registration goes with its lease",
          settings.host());
      return;
    }
    if (revokeOnClose) {
      registration.revoke();
    }
  }

  /** Tests: stops like a crash, leaving the registration to expire with its lease. */
  void abandon() {
    revokeOnClose = false;
    stop();
  }

  private void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      subscription.close();
    } catch (Exception e) {
      LOG.debug("unsubscribe", e);
    }
    LockSupport.unpark(thread);
    try {
      thread.join(settings.callTimeout().toMillis() * 3 + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("fleet mirror of host {} stopped at mirrored revision {}", settings.host(), mirroredRevision);
  }
}
