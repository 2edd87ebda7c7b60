package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.api.source.DomainSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the source reports into revisions. One thread ({@code reconciler}) does every read of the
 * source and submits the result to the store in read order, so a later read always wins.
 *
 * <ul>
 *   <li>On every (re)connect, and every {@code resyncPeriod}: list everything and {@link VersionedStore#resync}.
 *       Until the first resync after a connect has committed, the daemon is not ready. The listing is
 *       read in steps; events that arrive meanwhile are served between steps.
 *   <li>On each event: re-read that domain and {@link VersionedStore#observe} it. Events for a domain that
 *       pile up while a read is in flight are coalesced into one read. Each event is taken by the first
 *       read of its domain that begins after it arrived (this thread's re-read, or a mutation's read,
 *       {@link #takeEvents}), and the revision that read makes, if any, carries it ({@link Cause}); a read
 *       that finds nothing new consumes it, so no later revision ever carries it. Events of a family that
 *       changes nothing versioned ({@link LibvirtEvent#NOT_VERSIONED}: graphics, block-threshold, ...) are
 *       only counted.
 *   <li>The other kinds ({@link KindSources}; {@link Kinds}) the same way: a network or storage pool
 *       event re-reads that object (a pool's re-read also lists its volumes); every full resync lists,
 *       after the domains, networks, pools, the volumes of active pools and every domain's snapshots, and
 *       readiness waits for all of it; a domain re-read led by an event with detail {@code from_snapshot}
 *       re-lists that domain's snapshots. Volumes and snapshots emit no events: resyncs and mutations
 *       ({@link #afterMutation}) find their changes. A kind the driver does not support is skipped.
 *   <li>Too many objects with pending events: the events are dropped and a resync is done instead.
 *   <li>A failed resync (a read error, or a commit the store could not make: a full disk) is retried
 *       after {@code retryDelay}, doubling with each failure in a row up to {@code maxRetryDelay}. Tasks
 *       and events are served meanwhile; only the resync waits. Not ready while the store cannot commit.
 * </ul>
 *
 * <p>Locking: {@code lock} guards {@code pending}, {@code tasks}, {@code resyncRequested}, {@code connectEpoch},
 * {@code syncedEpoch}, {@code connected}, {@code lastProblem}, {@code stopping}, {@code retryAt} and
 * {@code failures}. Source callbacks take it only to record and signal; no source or store call runs
 * under it. {@code progress} is written by the reconciler thread only and read by anyone (volatile); the
 * {@link ReconcilerObserver} is called on the reconciler thread without the lock.
 */
public final class Reconciler implements SourceListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  /**
   * At most this many reads of one domain go into one revision: events that arrive during a re-read
   * make it read again (see {@link #reread}), up to this bound; later ones wait for the next re-read.
   */
  static final int MAX_READS_PER_REVISION = 3;
  /** A long resync logs its progress at most this often. */
  private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final DomainSource source;
  private final KindSources kinds;
  // Kinds whose listing the hypervisor does not support (a driver without networks or storage): skipped
  // from then on; reconciler thread only.
  private final Set<Kind> unsupported = java.util.EnumSet.noneOf(Kind.class);
  private final VersionedStore store;
  private final ReconcilerConfig config;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  // uuid -> the events that arrived since its last read began; each read takes (and so consumes) its own
  private LinkedHashMap<String, Cause.Pending> pending = new LinkedHashMap<>();
  private final List<Runnable> tasks = new ArrayList<>();
  private boolean resyncRequested;
  private long connectEpoch;
  private long syncedEpoch = -1;
  private boolean connected;
  private String lastProblem = "not connected yet";
  private boolean stopping;
  private long retryAt; // System.nanoTime() before which no resync is retried (0: none pending)
  private int failures; // failed resyncs in a row
  private long resyncs;
  private long resyncChanges; // guarded by lock, like resyncs
  private long connects; // guarded by lock
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> eventsByType =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile ResyncProgress progress; // the resync in flight, null between resyncs
  private volatile ReconcilerObserver observer = ReconcilerObserver.NONE;

  public Reconciler(DomainSource source, VersionedStore store, ReconcilerConfig config) {
    this(source, KindSources.NONE, store, config);
  }

  /**
   * A reconciler of domains and of the kinds {@code kinds} has sources for: their events (networks,
   * storage pools) are re-read as domains' are, and every resync lists them too.
   */
  public Reconciler(DomainSource source, KindSources kinds, VersionedStore store, ReconcilerConfig config) {
    this.source = source;
    this.kinds = kinds;
    this.store = store;
    this.config = config;
    this.thread = new Thread(this::run, "reconciler");
  }

  /** Starts the reconciler thread and the source. */
  public void start() {
    thread.start();
    source.start(this);
  }

  /**
   * Ready iff connected, the full resync after the latest connect has committed, and the store can
   * commit (a store that cannot would serve a state that falls behind libvirt).
   */
  public Readiness readiness() {
    Optional<String> cannotCommit = store.commitFailure();
    lock.lock();
    try {
      if (cannotCommit.isPresent()) {
        return Readiness.notReady("the store cannot commit (" + cannotCommit.get() + "); what changes in "
            + source.describe() + " meanwhile is recorded once it can (retrying)");
      }
      if (!connected) {
        return Readiness.notReady("not connected to " + source.describe() + ": " + lastProblem);
      }
      if (syncedEpoch != connectEpoch) {
        ResyncProgress p = progress;
        return Readiness.notReady("connected to " + source.describe() + "; initial sync not committed yet"
            + (p == null ? "" : " (" + p.describe() + ")"));
      }
      return Readiness.ok();
    } finally {
      lock.unlock();
    }
  }

  /** Told about every committed resync from now on (set before {@link #start}). */
  public void setObserver(ReconcilerObserver o) {
    this.observer = o == null ? ReconcilerObserver.NONE : o;
  }

  /** The full resync in flight (how far it has read), or empty between resyncs. */
  public Optional<ResyncProgress> progress() {
    return Optional.ofNullable(progress);
  }

  /** True while the source is connected (as last reported by it). */
  public boolean isConnected() {
    lock.lock();
    try {
      return connected;
    } finally {
      lock.unlock();
    }
  }

  /** Full resyncs completed so far. */
  public long resyncCount() {
    lock.lock();
    try {
      return resyncs;
    } finally {
      lock.unlock();
    }
  }

  /** Asks for a full resync as soon as possible (e.g. after an operator's request). */
  public void requestResync() {
    lock.lock();
    try {
      resyncRequested = true;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /** libvirt events received so far, by type ({@code lifecycle}, {@code reboot}, ...). */
  public long eventsReceived(String type) {
    var a = eventsByType.get(type);
    return a == null ? 0 : a.sum();
  }

  /** Revisions committed by full resyncs: changes found without (or despite lost) events. */
  public long resyncChanges() {
    lock.lock();
    try {
      return resyncChanges;
    } finally {
      lock.unlock();
    }
  }

  /** (Re)connections to the source so far. */
  public long connects() {
    lock.lock();
    try {
      return connects;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records an event for a re-read. Network and storage pool events are keyed {@code kind/uid} (a domain's
   * by its uuid alone); events of a kind this reconciler has no source for are ignored.
   */
  @Override
  public void onEvent(SourceEvent event) {
    String key;
    if (SourceEvent.DOMAINS.equals(event.kind())) {
      key = event.uuid();
    } else if (SourceEvent.NETWORKS.equals(event.kind()) && kinds.networks() != null
        || SourceEvent.STORAGE_POOLS.equals(event.kind()) && kinds.storage() != null) {
      key = event.kind() + "/" + event.uid();
    } else {
      return;
    }
    eventsByType.computeIfAbsent(event.event().type(), t -> new java.util.concurrent.atomic.LongAdder()).increment();
    if (key.equals(event.uuid()) && !LibvirtEvent.leadsToReread(event.event().type())) {
      LOG.debug("{} ({}): nothing versioned, no re-read", event.event(), event.name());
      return;
    }
    lock.lock();
    try {
      Cause.Pending list = pending.get(key);
      if (list == null) {
        if (pending.size() >= config.maxPendingDomains()) {
          LOG.warn("{} domains have pending events; dropping them and resyncing instead", pending.size());
          pending = new LinkedHashMap<>();
          resyncRequested = true;
          work.signal();
          return;
        }
        list = new Cause.Pending();
        pending.put(key, list);
      }
      list.add(event.event());
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onConnected() {
    lock.lock();
    try {
      connected = true;
      connects++;
      connectEpoch++;
      resyncRequested = true;
      retryAt = 0;
      work.signal();
    } finally {
      lock.unlock();
    }
    LOG.info("connected to {}; resyncing", source.describe());
  }

  @Override
  public void onDisconnected(String reason) {
    lock.lock();
    try {
      connected = false;
      lastProblem = reason;
    } finally {
      lock.unlock();
    }
    LOG.warn("disconnected from {}: {}", source.describe(), reason);
  }

  /**
   * Runs {@code task} on the reconciler thread, between reads, so that it is ordered with every read
   * of the source and every submission to the store (the API's mutations use this: nothing else
   * touches the domain between their re-read, their precondition check and their write).
   */
  public <T> CompletableFuture<T> runExclusive(Supplier<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    lock.lock();
    try {
      if (stopping) {
        f.completeExceptionally(new StoreException(StoreException.Reason.UNAVAILABLE, "shutting down"));
        return f;
      }
      tasks.add(() -> {
        try {
          f.complete(task.get());
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
        }
      });
      work.signal();
    } finally {
      lock.unlock();
    }
    return f;
  }

  private void run() {
    long nextResync = System.nanoTime() + config.resyncPeriod().toNanos();
    while (true) {
      boolean resync;
      long epoch;
      List<Runnable> todo;
      lock.lock();
      try {
        while (!stopping && tasks.isEmpty() && pending.isEmpty() && !resyncDue(nextResync)) {
          long until = resyncRequested || System.nanoTime() - nextResync >= 0 ? retryAt : nextResync;
          work.awaitNanos(Math.max(1, until - System.nanoTime()));
        }
        if (stopping) {
          failTasks();
          return;
        }
        todo = new ArrayList<>(tasks);
        tasks.clear();
        resync = resyncDue(nextResync);
        if (resync && !connected) {
          // Nothing can be read now; onConnected() asks for the resync again (left set, the request
          // would keep resyncDue true and this loop spinning until then).
          nextResync = System.nanoTime() + config.resyncPeriod().toNanos();
          resyncRequested = false;
          resync = false;
          pending = new LinkedHashMap<>();
        } else if (resync) {
          // Pending events stay: the resync re-reads their domains after its first step, so the revisions
          // they lead to carry them (a resync's own reads carry no event).
          resyncRequested = false;
        }
        epoch = connectEpoch;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      // Tasks first, then the events: a mutation takes the pending events of its domain before each of
      // its reads (takeEvents), so what arrived before it is in the revision its reads make.
      todo.forEach(Runnable::run); // each completes its own future, failures included
      try {
        if (resync) {
          fullResync(epoch);
          nextResync = System.nanoTime() + config.resyncPeriod().toNanos();
          resynced();
        } else {
          rereadAll(takeAll());
        }
      } catch (SourceException e) {
        handleFailure(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | ExecutionException e) {
        Duration wait = retryLater();
        if (store.commitFailure().isPresent() && e.getCause() instanceof StoreException) {
          // The store logs when it stops and starts committing again; not every retry.
          LOG.debug("resync not committed ({}); retrying in {}", e.getCause().getMessage(), wait);
        } else {
          LOG.error("reconcile step failed; resyncing in {}", wait, e);
        }
      }
    }
  }

  private void failTasks() {
    List<Runnable> left = new ArrayList<>(tasks);
    tasks.clear();
    // Run them with the stop flag set: each sees the source closed and fails its future.
    left.forEach(Runnable::run);
  }

  /**
   * Reads every domain in steps of {@code resyncStep}, re-reading the domains whose events arrived in
   * between after each step (so an event waits for one step, not for the whole resync), then commits
   * the difference. The domains re-read that way are left out of the diff: the store already has a read
   * of them at least as new as the listing's. Mutations still wait for the whole resync.
   */
  private void fullResync(long epoch) throws InterruptedException, ExecutionException {
    long t0 = System.nanoTime();
    boolean initial;
    lock.lock();
    try {
      initial = syncedEpoch != epoch;
    } finally {
      lock.unlock();
    }
    List<DomainObservation> all = new ArrayList<>();
    Set<String> reread = new HashSet<>();
    try {
      read(initial, t0, all, reread);
      List<StoredEvent> committed = new ArrayList<>(store.resync(all, reread).get());
      committed.addAll(resyncKinds());
      long nanos = System.nanoTime() - t0;
      boolean nowReady;
      lock.lock();
      try {
        resyncs++;
        resyncChanges += committed.size();
        nowReady = epoch == connectEpoch && connected && syncedEpoch != epoch;
        if (epoch == connectEpoch && connected) {
          syncedEpoch = epoch;
        }
      } finally {
        lock.unlock();
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
      if (nowReady) {
        LOG.info("initial sync finished: {} domains, {} changes, took {} ms ({} re-read for events meanwhile);"
            + " at revision {}", all.size(), committed.size(), ms, reread.size(), store.snapshot().revision());
      } else if (committed.isEmpty()) {
        LOG.debug("resync: {} domains, no change ({} ms; {} re-read for events meanwhile)", all.size(), ms,
            reread.size());
      } else {
        LOG.info("resync: {} domains, {} changes committed, now at revision {} ({} ms; {} re-read for events"
            + " meanwhile)", all.size(), committed.size(), committed.get(committed.size() - 1).revision(), ms,
            reread.size());
      }
      observer.resynced(new ReconcilerObserver.ResyncResult(nowReady, all.size(), committed.size(), nanos));
    } finally {
      progress = null;
    }
  }

  /**
   * The reading half of a resync: every domain of a listing into {@code all}, publishing {@link #progress}
   * after each step and logging it at most every {@link #PROGRESS_LOG_NANOS}.
   */
  private void read(boolean initial, long t0, List<DomainObservation> all, Set<String> reread) {
    try (DomainSource.Listing listing = source.listing()) {
      progress = new ResyncProgress(initial, 0, listing.size(), t0);
      long lastLog = t0;
      while (listing.hasNext()) {
        all.addAll(listing.next(config.resyncStep()));
        ResyncProgress p = new ResyncProgress(initial, all.size(), listing.size(), t0);
        progress = p;
        if (System.nanoTime() - lastLog >= PROGRESS_LOG_NANOS) {
          lastLog = System.nanoTime();
          if (initial) {
            LOG.info("{} ({} s)", p.describe(), TimeUnit.NANOSECONDS.toSeconds(lastLog - t0));
          } else {
            LOG.debug("{} ({} s)", p.describe(), TimeUnit.NANOSECONDS.toSeconds(lastLog - t0));
          }
        }
        serveEvents(reread);
      }
    }
  }

  /**
   * The rest of a full resync, after domains': networks, pools, the volumes of every active pool (an
   * inactive pool's cannot be listed: the store then has none), the snapshots of every domain the store
   * has (one {@code SnapshotSource.listAll}). A kind the hypervisor does not support (libvirt's NO_SUPPORT and the like: any
   * failure but CONNECTION of its first listing) is logged once and skipped from then on, so a driver
   * without networks or storage serves domains as ever.
   */
  private List<StoredEvent> resyncKinds() throws InterruptedException,
      ExecutionException {
    List<StoredEvent> out = new ArrayList<>();
    if (kinds.networks() != null && supported(Kind.NETWORKS, () -> kinds.networks().listAll()) instanceof List<?> l) {
      @SuppressWarnings("unchecked")
      List<io.virtrev.api.source.NetworkObservation> nets = (List<io.virtrev.api.source.NetworkObservation>) l;
      out.addAll(store.resync(Kinds.NETWORKS, nets, Set.of()).get());
    }
    if (kinds.storage() != null && supported(Kind.STORAGE_POOLS, () -> kinds.storage().listPools()) instanceof List<?> l) {
      @SuppressWarnings("unchecked")
      List<io.virtrev.api.source.StoragePoolObservation> pools = (List<io.virtrev.api.source.StoragePoolObservation>) l;
      out.addAll(store.resync(Kinds.STORAGE_POOLS, pools, Set.of()).get());
      List<io.virtrev.api.source.StorageVolumeObservation> vols = new ArrayList<>();
      for (var p : pools) {
        vols.addAll(volumesOf(p.uuid(), p.active()));
      }
      out.addAll(store.resync(Kinds.STORAGE_VOLUMES, vols, Set.of()).get());
    }
    if (kinds.snapshots() != null
        && supported(Kind.DOMAIN_SNAPSHOTS, () -> kinds.snapshots().listAll()) instanceof List<?> l) {
      // One listing of every domain's snapshots; only those of domains the store has (a domain defined
      // since the domains were listed brings its snapshots with the next resync), so no snapshot is
      // stored without its domain.
      Snapshot now = store.snapshot();
      List<io.virtrev.api.source.SnapshotObservation> snaps = new ArrayList<>();
      for (Object o : l) {
        var snap = (io.virtrev.api.source.SnapshotObservation) o;
        if (now.byUuid(snap.domainUuid()).isPresent()) {
          snaps.add(snap);
        }
      }
      out.addAll(store.resync(Kinds.DOMAIN_SNAPSHOTS, snaps, Set.of()).get());
    }
    return out;
  }

  /** {@code listing}'s result, or null (the kind marked unsupported) if it fails other than by the connection. */
  private Object supported(Kind kind, Supplier<List<?>> listing) {
    if (unsupported.contains(kind)) {
      return null;
    }
    try {
      return listing.get();
    } catch (SourceException e) {
      if (e.kind() == SourceException.Kind.CONNECTION) {
        throw e;
      }
      unsupported.add(kind);
      LOG.warn("{} cannot list {} ({}: {}); {} are not served on this connection", source.describe(), kind,
          e.kind(), e.getMessage(), kind);
      return null;
    }
  }

  /** The volumes of a pool as libvirt lists them now; none if it is inactive or gone (then the store drops them). */
  private List<io.virtrev.api.source.StorageVolumeObservation> volumesOf(String poolUuid, boolean active) {
    if (!active) {
      return List.of();
    }
    try {
      return kinds.storage().listVolumes(poolUuid);
    } catch (SourceException e) {
      if (e.kind() == SourceException.Kind.CONNECTION) {
        throw e;
      }
      return List.of(); // stopped or removed meanwhile: its event re-reads it
    }
  }

  /** The snapshots of a domain as libvirt lists them now; none if the domain is gone. */
  private List<io.virtrev.api.source.SnapshotObservation> snapshotsOf(String domainUuid) {
    try {
      return kinds.snapshots().list(domainUuid);
    } catch (SourceException e) {
      if (e.kind() == SourceException.Kind.CONNECTION) {
        throw e;
      }
      return List.of();
    }
  }

  /** During a resync: re-reads the domains with pending events, adding their uuids to {@code reread}. */
  private void serveEvents(Set<String> reread) {
    reread.addAll(rereadAll(takeAll()));
  }

  /** Takes every pending event, by domain in arrival order: the reads that follow consume them. */
  private Map<String, Cause> takeAll() {
    LinkedHashMap<String, Cause.Pending> batch;
    lock.lock();
    try {
      if (pending.isEmpty()) {
        return Map.of();
      }
      batch = pending;
      pending = new LinkedHashMap<>();
    } finally {
      lock.unlock();
    }
    Map<String, Cause> causes = new LinkedHashMap<>();
    batch.forEach((uuid, p) -> causes.put(uuid, p.cause()));
    return causes;
  }

  /**
   * Takes the events pending for {@code uuid} (the reconciler thread, just before a read of it begins):
   * they led to that read, so the revision it makes, if any, carries them, and no other read will.
   * {@link Cause#NONE} if there are none.
   */
  Cause takeEvents(String uuid) {
    return take(uuid);
  }

  /** As {@link #takeEvents(String)} for the object of {@code kind} with {@code uid} (a domain's events by its uuid). */
  Cause takeEvents(Kind kind, String uid) {
    return take(kind == Kind.DOMAINS ? uid : kind.key() + "/" + uid);
  }

  private Cause take(String uuid) {
    lock.lock();
    try {
      Cause.Pending p = pending.remove(uuid);
      return p == null ? Cause.NONE : p.cause();
    } finally {
      lock.unlock();
    }
  }

  /** Re-reads each domain of {@code batch} in order; the uuids read. */
  private Set<String> rereadAll(Map<String, Cause> batch) {
    Set<String> read = new HashSet<>();
    for (Map.Entry<String, Cause> e : batch.entrySet()) {
      read.addAll(reread(e.getKey(), e.getValue()));
    }
    return read;
  }

  /**
   * Re-reads one domain. If the domain now carries a name that the store still gives to another uuid
   * (that one was undefined and its event lost), re-reads that one first so names stay unique. Returns
   * the uuids read.
   */
  private List<String> reread(String uuid, Cause cause) {
    int slash = uuid.indexOf('/');
    if (slash >= 0) {
      rereadOther(Kind.of(uuid.substring(0, slash)), uuid.substring(slash + 1), cause);
      return List.of();
    }
    Optional<DomainObservation> obs = source.get(uuid);
    // An event that arrived during the read may announce what the read already saw (libvirt sends a
    // destroy's stopped/destroyed after the domain is shut off, while the read that shutdown/host led to
    // runs): read again with it, so the revision carries it instead of a re-read that finds nothing new.
    for (int reads = 1; reads < MAX_READS_PER_REVISION; reads++) {
      Cause more = takeEvents(uuid);
      if (more.isEmpty()) {
        break;
      }
      cause = cause.then(more);
      obs = source.get(uuid);
    }
    List<String> read = List.of(uuid);
    if (obs.isPresent()) {
      Optional<Domain> holder = store.snapshot().byName(obs.get().name());
      if (holder.isPresent() && !holder.get().uuid().equals(uuid)) {
        String other = holder.get().uuid();
        Cause otherCause = takeEvents(other);
        resyncOnFailure(store.observe(other, source.get(other).orElse(null), otherCause));
        read = List.of(other, uuid);
      }
    }
    resyncOnFailure(store.observe(uuid, obs.orElse(null), cause));
    if (kinds.snapshots() != null && !unsupported.contains(Kind.DOMAIN_SNAPSHOTS) && obs.isPresent()
        && cause.events().stream().anyMatch(e -> "from_snapshot".equals(e.detail()))) {
      // A revert (by virsh too) changes which snapshot is current: re-list the domain's snapshots.
      resyncOnFailure(store.resyncOwned(Kinds.DOMAIN_SNAPSHOTS, uuid, snapshotsOf(uuid)));
    }
    return read;
  }

  /**
   * On the lane, after a mutation of {@code kind} committed its object (for owned kinds {@code uid} is the
   * owner's): commits what the change may have changed beside it, and waits for those commits. A pool's
   * action re-lists its volumes; a volume's change re-reads its pool (allocation); a snapshot's change
   * re-lists the domain's snapshots (which one is current) and re-reads the domain (a revert changes it).
   */
  void afterMutation(Kind kind, String uid) {
    try {
      switch (kind) {
        case STORAGE_POOLS -> {
          Optional<io.virtrev.api.source.StoragePoolObservation> p = kinds.storage().getPool(uid);
          if (p.isPresent()) {
            store.resyncOwned(Kinds.STORAGE_VOLUMES, uid, volumesOf(uid, p.get().active())).get();
          }
        }
        case STORAGE_VOLUMES -> store.observe(Kinds.STORAGE_POOLS, uid, kinds.storage().getPool(uid).orElse(null),
            takeEvents(Kind.STORAGE_POOLS, uid)).get();
        case DOMAIN_SNAPSHOTS -> {
          store.resyncOwned(Kinds.DOMAIN_SNAPSHOTS, uid, snapshotsOf(uid)).get();
          store.observe(uid, source.get(uid).orElse(null), takeEvents(uid)).get();
        }
        default -> { }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | SourceException e) {
      LOG.warn("re-reading what a change of {} {} affected failed ({}); resyncing", kind, uid, e.toString());
      requestResync();
    }
  }

  /**
   * Re-reads a network or a storage pool after its events; a pool's volumes are listed again with it
   * (a refresh, start or stop changes them, and volumes have no events of their own).
   */
  private void rereadOther(Kind kind, String uid, Cause cause) {
    if (kind == Kind.NETWORKS) {
      resyncOnFailure(store.observe(Kinds.NETWORKS, uid, kinds.networks().get(uid).orElse(null), cause));
    } else if (kind == Kind.STORAGE_POOLS) {
      Optional<io.virtrev.api.source.StoragePoolObservation> p = kinds.storage().getPool(uid);
      resyncOnFailure(store.observe(Kinds.STORAGE_POOLS, uid, p.orElse(null), cause));
      if (p.isPresent()) {
        resyncOnFailure(store.resyncOwned(Kinds.STORAGE_VOLUMES, uid, volumesOf(uid, p.get().active())));
      }
    }
  }

  /** A commit that failed (disk full, say) lost an observation: the next resync restores it. */
  private void resyncOnFailure(CompletableFuture<?> commit) {
    commit.whenComplete((r, err) -> {
      if (err != null) {
        if (store.commitFailure().isPresent()) {
          LOG.debug("an observation could not be committed ({}); resyncing", err.toString());
        } else {
          LOG.warn("an observation could not be committed ({}); resyncing", err.toString());
        }
        requestResync();
      }
    });
  }

  /** Caller holds {@code lock}: a resync is asked for (or the period is up) and no backoff holds it back. */
  private boolean resyncDue(long nextResync) {
    long now = System.nanoTime();
    return (resyncRequested || now - nextResync >= 0) && (retryAt == 0 || now - retryAt >= 0);
  }

  private void resynced() {
    lock.lock();
    try {
      failures = 0;
      retryAt = 0;
    } finally {
      lock.unlock();
    }
  }

  private void handleFailure(SourceException e) {
    if (e.kind() == SourceException.Kind.CONNECTION) {
      // The source reconnects by itself and onConnected() schedules the resync.
      LOG.warn("read failed, connection lost: {}", e.getMessage());
      return;
    }
    Duration wait = retryLater();
    LOG.warn("read failed ({}, code {}): {}; resyncing in {}", e.kind(), e.code(), e.getMessage(), wait);
  }

  /**
   * Schedules the retry of a failed step as a resync, {@code retryDelay} doubled per failure in a row
   * and capped at {@code maxRetryDelay}; tasks and events are served while it waits. The wait.
   */
  private Duration retryLater() {
    lock.lock();
    try {
      Duration wait = config.retryDelay().multipliedBy(1L << Math.min(failures, 20));
      if (wait.compareTo(config.maxRetryDelay()) > 0) {
        wait = config.maxRetryDelay();
      }
      failures++;
      retryAt = System.nanoTime() + Math.max(1, wait.toNanos());
      resyncRequested = true;
      return wait;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread (an in-flight read finishes first) and closes the source. */
  @Override
  public void close() {
    lock.lock();
    try {
      stopping = true;
      work.signalAll();
    } finally {
      lock.unlock();
    }
    source.close();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
