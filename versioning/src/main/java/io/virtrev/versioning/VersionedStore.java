package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Revision;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.versioning.sqlite.CommitWrites;
import io.virtrev.versioning.sqlite.HistoryPages;
import io.virtrev.versioning.sqlite.SqliteRevisions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned store of every kind ({@link Kind}: domains, networks, storage pools and volumes, domain
 * snapshots) on one revision counter, written by a two-stage pipeline. A kind plugs in through its
 * {@link KindModel} ({@link Kinds}); the domain methods without a model argument are shorthands for
 * {@link Kinds#DOMAINS}. The writer thread
 * ({@code store-writer}) applies commands in submission order, in batches: it assigns each observed
 * change the next revision and decides every precondition, on top of the state the previous batch left
 * (applied, maybe not yet durable). The sync thread ({@code store-sync}) commits each applied batch
 * durably, in the same order, and only then publishes it (event log, snapshot, completions, waiters,
 * watchers). So the writer applies batch N+1 while batch N is being fsynced. Readers never block
 * either: they read the published {@link Snapshot} or the {@link EventLog}.
 *
 * <p>Guarantees: revisions are dense and strictly increasing, also across restarts; a revision is
 * visible to no reader before it is durable, and no command completes before the batch it was applied
 * in (and so every batch it was decided on) is durable; commands submitted from one thread are applied
 * in that order (so a later read of the hypervisor never loses to an earlier one). If a commit fails,
 * nothing of it is in the file, its batch and every batch applied on top of it fail (their callers get
 * a {@link StoreException}), none of their revisions is ever published, and the writer starts again
 * from the published state, so the next commit reuses those revisions. (Should the file ever hold more
 * than was published, that is published from the file first.) Until a write succeeds again,
 * {@link #commitFailure} says why the store cannot commit.
 *
 * <p>Locks: {@code waiters} guards itself (revision waiters); the event log and the history pages
 * ({@link HistoryPages}) have their own. No lock is held while calling a subscriber or completing a
 * future. The two stages share no mutable state but the {@code applied} queue (at most
 * {@link #PIPELINE_DEPTH} batches wait in it, so the writer runs at most that far ahead of the disk)
 * and the failure mark ({@code failedGeneration}, written by the sync thread only).
 *
 * <p>Compaction runs on its own thread ({@link Compactor}, {@code store-compactor}) with its own SQLite
 * connection. The compacted revision is published in two steps: {@code compacted} (volatile, read by
 * {@link #checkRetained} and {@link #compacted()}) as soon as the mark is committed, then a new snapshot
 * with it, published in queue order by the sync thread (the only thread that replaces the snapshot), so
 * {@link Snapshot#compacted()} may lag {@link #compacted()} by one queue turn, never lead it.
 *
 * <p>Reads of the past ({@link #list}, {@link #versionAt}, {@link #history}, ...) block on SQLite: not
 * for event-loop threads. Each is one read transaction that checks the compacted mark it sees.
 */
public final class VersionedStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VersionedStore.class);

  private sealed interface Command permits Observe, Resync, Compacted, Stop {}

  /** Applies an observation, then (if {@code pre} is given) checks the precondition against the result. */
  private record Observe(KindModel<?, ?> model, String uuid, Object observed, Cause cause, Precondition pre,
      CompletableFuture<Optional<StoredEvent>> done) implements Command {}

  /** Makes the objects of a kind ({@code owned}: only those of {@code ownerUid}) equal to {@code all}. */
  private record Resync(KindModel<?, ?> model, boolean owned, String ownerUid, List<?> all, Set<String> keep,
      CompletableFuture<List<StoredEvent>> done) implements Command {}

  /** The compactor committed a new mark: publish a snapshot carrying it. */
  private record Compacted(Revision upTo) implements Command {}

  private record Stop() implements Command {}

  /** What the writer hands the sync thread, in order. */
  private sealed interface Stage permits Applied, Drained, Halt {}

  /**
   * One applied batch: its events (maybe none), the state it leaves ({@code state}; its compacted mark
   * is not used), the count mark to commit with it, a compacted mark to publish ({@code compactedUpTo},
   * from {@link Compacted} commands), and what to run once it is durable. {@code generation}: the
   * writer's generation it was applied in; a failed commit fails the rest of its generation.
   */
  private record Applied(long generation, List<Command> commands, List<StoredEvent> events, Snapshot state,
      Revision mark, Revision compactedUpTo, List<Runnable> completions) implements Stage {}

  /** Completes once every stage handed over before it has been committed or failed. */
  private record Drained(CompletableFuture<Void> done) implements Stage {}

  private record Halt() implements Stage {}

  /**
   * Applied batches that may wait for the sync thread: how far the writer may run ahead of the disk. The
   * sync thread commits all that wait in one transaction (one fsync), so the group commit stays large
   * while the writer runs ahead.
   */
  static final int PIPELINE_DEPTH = 4;

  private record Waiter(long revision, CompletableFuture<Revision> future) {}

  private final StoreConfig config;
  private final SqliteRevisions db;
  private final EventLog log;
  private final HistoryPages pages; // history read for watchers behind the log, shared between them
  private final Clock clock;
  private final BlockingQueue<Command> queue = new LinkedBlockingQueue<>();
  private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
  private final PriorityQueue<Waiter> waiters = // guarded by itself
      new PriorityQueue<>((a, b) -> Long.compare(a.revision(), b.revision()));
  private final Thread writer;
  private final Thread syncer;
  private final BlockingQueue<Stage> applied = new java.util.concurrent.ArrayBlockingQueue<>(PIPELINE_DEPTH);
  // The newest generation with a failed commit (sync thread writes, writer reads); -1: none.
  private volatile long failedGeneration = -1;
  private final CommitHealth health = new CommitHealth(); // sync thread writes it; anyone reads it
  private volatile long appliedRevision; // the writer's: the revision of the state it last applied (tests)
  private final Compactor compactor;
  // The compacted mark: raised by the writer (count limit, with the commit that crosses it) and by the
  // compactor (age limit); only ever rises (accumulateAndGet with max).
  private final java.util.concurrent.atomic.AtomicReference<Revision> compacted;
  private volatile Snapshot snapshot;
  private volatile StoreObserver observer = StoreObserver.NONE;
  private volatile boolean closed; // written under submitLock
  private final Object submitLock = new Object(); // makes "not closed, enqueue" atomic with close's Stop

  private VersionedStore(StoreConfig config, SqliteRevisions db, SqliteRevisions.Loaded loaded, Clock clock) {
    this.config = config;
    this.db = db;
    this.clock = clock;
    this.log = new EventLog(config.eventLogCapacity(), config.eventLogBytes(), loaded.revision());
    this.pages = new HistoryPages(config.historyCacheBytes());
    this.snapshot = Snapshot.of(loaded.storeId(), loaded.revision(), loaded.compacted(), loaded.objects());
    this.compacted = new java.util.concurrent.atomic.AtomicReference<>(loaded.compacted());
    this.appliedRevision = loaded.revision().value();
    this.writer = new Thread(this::runWriter, "store-writer");
    this.syncer = new Thread(this::runSyncer, "store-sync");
    this.compactor = new Compactor(config, db.compaction(), clock, () -> snapshot.revision(), compacted::get, upTo -> {
      raise(upTo);
      queue.add(new Compacted(upTo));
    });
  }

  /** Opens (creating if needed) the store in {@code config.dataDir()} and starts its writer. */
  public static VersionedStore open(StoreConfig config) {
    return open(config, Clock.systemUTC());
  }

  static VersionedStore open(StoreConfig config, Clock clock) {
    SqliteRevisions db = SqliteRevisions.open(config.dataDir());
    try {
      SqliteRevisions.Loaded loaded = db.load();
      LOG.info("store {} {} at {}: revision {}, {} objects, compacted {}", loaded.storeId(),
          loaded.created() ? "created" : "opened", config.dataDir(), loaded.revision(),
          loaded.objects().size(), loaded.compacted());
      VersionedStore store = new VersionedStore(config, db, loaded, clock);
      store.syncer.start();
      store.writer.start();
      store.compactor.start();
      return store;
    } catch (RuntimeException e) {
      db.discard(e); // a store this open created is removed again, so the next start creates it anew
      throw e;
    }
  }

  /** Sets the observer of commits (metrics). */
  public void setObserver(StoreObserver o) {
    this.observer = o == null ? StoreObserver.NONE : o;
  }

  /** The latest published state. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /**
   * Records what the source reports for {@code uuid} ({@code observed == null}: it has no such
   * domain). Completes with the committed event, or empty if nothing observable changed.
   */
  public CompletableFuture<Optional<StoredEvent>> observe(String uuid, DomainObservation observed,
      List<LibvirtEvent> events) {
    return observe(uuid, observed, Cause.of(events));
  }

  /**
   * As {@link #observe(String, DomainObservation, List)}, with what led to the read: the revision it
   * makes (if any) carries {@code cause} in its status, and no later revision does.
   */
  public CompletableFuture<Optional<StoredEvent>> observe(String uuid, DomainObservation observed, Cause cause) {
    return observe(Kinds.DOMAINS, uuid, observed, cause);
  }

  /**
   * Records what the source reports for the object of {@code kind} with {@code uid} ({@code observed ==
   * null}: the source has no such object; then what belongs to it is deleted first, each its own
   * revision: a domain's snapshots, a pool's volumes). The revision it makes, if any, carries
   * {@code cause}. Completes with the committed event of that object, or empty if nothing observable
   * changed. Never blocks.
   */
  public <O> CompletableFuture<Optional<StoredEvent>> observe(KindModel<O, ?> kind, String uid, O observed,
      Cause cause) {
    CompletableFuture<Optional<StoredEvent>> f = new CompletableFuture<>();
    submit(new Observe(kind, uid, observed, cause, null, f), f);
    return f;
  }

  /**
   * Compare-and-swap's check for any kind, decided by the writer, as
   * {@link #observeAndCheck(String, DomainObservation, Cause, Precondition)} is for domains: applies
   * {@code observed} (an out-of-band change is committed as its own revision), then checks {@code pre}
   * against the resulting object; fails with the precondition's mismatch, or NOT_FOUND if the object does
   * not exist (any more).
   */
  public <O> CompletableFuture<Optional<StoredEvent>> observeAndCheck(KindModel<O, ?> kind, String uid, O observed,
      Cause cause, Precondition pre) {
    CompletableFuture<Optional<StoredEvent>> f = new CompletableFuture<>();
    submit(new Observe(kind, uid, observed, cause, pre, f), f);
    return f;
  }

  /**
   * Compare-and-swap's check, decided by the writer: applies {@code observed} (committing it as its
   * own revision if it differs from the store: an out-of-band change), then checks {@code pre} against
   * the resulting object. Completes with the observation's event (if any), or exceptionally with the
   * precondition's mismatch error (after the out-of-band change was committed), or NOT_FOUND if the
   * domain does not exist (any more).
   */
  public CompletableFuture<Optional<StoredEvent>> observeAndCheck(String uuid, DomainObservation observed,
      Precondition pre) {
    return observeAndCheck(uuid, observed, Cause.NONE, pre);
  }

  /** As {@link #observeAndCheck(String, DomainObservation, Precondition)}, the read led to by {@code cause}. */
  public CompletableFuture<Optional<StoredEvent>> observeAndCheck(String uuid, DomainObservation observed, Cause cause,
      Precondition pre) {
    return observeAndCheck(Kinds.DOMAINS, uuid, observed, cause, pre);
  }

  /**
   * Makes the store equal to {@code all}, the complete list from the source: commits DELETED for
   * every stored domain not in it (first, so that names stay unique at every revision), then ADDED or
   * MODIFIED for every difference. Completes with the committed events.
   */
  public CompletableFuture<List<StoredEvent>> resync(List<DomainObservation> all) {
    return resync(all, Set.of());
  }

  /**
   * As {@link #resync(List)}, but leaves the domains in {@code keep} as they are, whether or not
   * {@code all} has them: the caller read those again after {@code all}'s reads began (a resync read in
   * steps serves events meanwhile), so what the store has for them is at least as new.
   */
  public CompletableFuture<List<StoredEvent>> resync(List<DomainObservation> all, Set<String> keep) {
    return resync(Kinds.DOMAINS, all, keep);
  }

  /**
   * Makes the objects of {@code kind} equal to {@code all}, the source's complete listing of that kind:
   * DELETED first for every stored object of the kind not in it (and, before each, what belongs to it),
   * then ADDED or MODIFIED for every difference; the objects in {@code keep} (uids read again since the
   * listing began) are left as they are. Completes with the committed events.
   */
  public <O> CompletableFuture<List<StoredEvent>> resync(KindModel<O, ?> kind, List<O> all, Set<String> keep) {
    CompletableFuture<List<StoredEvent>> f = new CompletableFuture<>();
    submit(new Resync(kind, false, null, List.copyOf(all), Set.copyOf(keep), f), f);
    return f;
  }

  /**
   * As {@link #resync(KindModel, List, Set)}, for the objects that belong to {@code ownerUid} only (a
   * pool's volumes, a domain's snapshots): {@code all} is the source's complete listing of them; objects
   * of other owners are not touched.
   */
  public <O> CompletableFuture<List<StoredEvent>> resyncOwned(KindModel<O, ?> kind, String ownerUid, List<O> all) {
    if (ownerUid == null) {
      throw new IllegalArgumentException("resyncOwned of " + kind.kind() + " needs an owner");
    }
    CompletableFuture<List<StoredEvent>> f = new CompletableFuture<>();
    submit(new Resync(kind, true, ownerUid, List.copyOf(all), Set.of(), f), f);
    return f;
  }

  /** Enqueues unless closed; atomic with {@link #close}'s Stop, so nothing lands after it unanswered. */
  private void submit(Command c, CompletableFuture<?> f) {
    synchronized (submitLock) {
      if (!closed) {
        queue.add(c);
        return;
      }
    }
    f.completeExceptionally(new StoreException(StoreException.Reason.UNAVAILABLE, "store is closed"));
  }

  /**
   * Up to {@code max} events after revision {@code after} from memory, without blocking; or
   * {@code outOfRange} if they must come from {@link #readHistory}.
   */
  public RecentEvents readRecent(Revision after, int max) {
    return log.readAfter(after.value(), max);
  }

  /**
   * As {@link #readRecent(Revision, int)}, and no more events than it takes to reach {@code maxBytes}
   * of watch lines (at least one): a watcher asks for what its channel takes before it fills.
   */
  public RecentEvents readRecent(Revision after, int max, long maxBytes) {
    return log.readAfter(after.value(), max, maxBytes);
  }

  /**
   * Up to {@code max} retained events after {@code after} (fewer only if the published revision is
   * reached), from the database, for watchers behind the event log. History is read in pages that
   * every watcher shares ({@link HistoryPages}): watchers reading the same range cost one database
   * read per page. The events carry no parsed object (their lines and selector fields are enough to
   * stream them). May block on disk I/O: not for event-loop threads.
   *
   * @throws StoreException COMPACTED if a revision after {@code after} has been compacted away
   */
  public List<StoredEvent> readHistory(Revision after, int max) {
    long upTo = snapshot.revision().value(); // nothing beyond what is published (no time travel)
    long at = after.value();
    List<StoredEvent> out = new ArrayList<>(Math.min(max, HistoryPages.PAGE_SIZE));
    while (out.size() < max && at < upTo) {
      HistoryPages.Page hit = pages.get(HistoryPages.pageOf(at));
      List<StoredEvent> page;
      if (hit != null) {
        Revision c = compacted.get(); // a read of the database checks the mark itself
        if (at < c.value()) {
          throw StoreException.compacted(at, c.value());
        }
        page = hit.after(at);
      } else {
        page = db.history().readPage(pages, at, upTo);
      }
      if (page.isEmpty()) {
        break;
      }
      for (StoredEvent e : page) {
        if (out.size() == max || e.revision().value() > upTo) {
          break;
        }
        out.add(e);
        at = e.revision().value();
      }
    }
    return out;
  }

  /** How many history reads for watchers went to the database (the rest came from shared pages). */
  long historyReads() {
    return db.history().historyReads();
  }

  /** The in-memory event log, for tests. */
  EventLog eventLog() {
    return log;
  }

  /** Checks that a watch may start after {@code rev}: every later revision is retained. */
  public void checkRetained(Revision rev) {
    Revision c = compacted.get();
    if (rev.compareTo(c) < 0) {
      throw StoreException.compacted(rev.value(), c.value());
    }
  }

  /**
   * The compacted revision as of now: revisions at or below it are no longer retained. May be ahead of
   * {@link Snapshot#compacted()} of the current snapshot, never behind.
   */
  public Revision compacted() {
    return compacted.get();
  }

  private void raise(Revision upTo) {
    compacted.accumulateAndGet(upTo, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  /**
   * One page of the state exactly at revision {@code at}, in list order (name, then uuid), after
   * {@code after} (null: from the start), of at most {@code limit} items ({@code <= 0}: all) that match
   * {@code selector}. At the current snapshot's revision it is cut from memory; otherwise it is
   * reconstructed from history (blocks on SQLite).
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   * @throws StoreException TOO_NEW if {@code at} is beyond the last committed revision
   */
  public ListPage<Domain> list(Revision at, ListKey after, FieldSelector selector, int limit) {
    return list(Kinds.DOMAINS, null, at, after, selector, limit);
  }

  /**
   * As {@link #list(Revision, ListKey, FieldSelector, int)} for the objects of {@code kind}, of
   * {@code ownerUid}'s only unless it is null (a pool's volumes, a domain's snapshots; null lists every
   * owner's). The selector reads each object's name, uid, {@code status.state} and labels
   * ({@link KindModel#view}).
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   * @throws StoreException TOO_NEW if {@code at} is beyond the last committed revision
   */
  public <T> ListPage<T> list(KindModel<?, T> kind, String ownerUid, Revision at, ListKey after,
      FieldSelector selector, int limit) {
    Snapshot s = snapshot;
    if (at.isAfter(s.revision())) {
      throw StoreException.tooNew(at, s.revision());
    }
    checkRetained(at);
    if (at.equals(s.revision())) {
      return ListPage.of(s, kind, ownerUid, after, selector, limit);
    }
    return db.queries().stateAt(kind, ownerUid, at.value(), after, selector, limit);
  }

  /**
   * The history row of domain {@code uuid} that holds its state at revision {@code at}: its newest
   * revision at or below {@code at}. A DELETED row means the domain did not exist at {@code at}; empty
   * means it never existed up to {@code at}. Blocks on SQLite.
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  public Optional<StoredEvent> versionAt(String uuid, Revision at) {
    return versionAt(Kind.DOMAINS, uuid, at);
  }

  /** As {@link #versionAt(String, Revision)} for the object of {@code kind} with {@code uid}. */
  public Optional<StoredEvent> versionAt(Kind kind, String uid, Revision at) {
    return db.queries().versionAt(kind, uid, at.value());
  }

  /**
   * The row of {@code uuid} before its revision {@code version} (empty: none, the domain did not exist
   * before). Blocks on SQLite.
   *
   * @throws StoreException COMPACTED if {@code version} is at or below the compacted revision
   */
  public Optional<StoredEvent> versionBefore(String uuid, Revision version) {
    return versionBefore(Kind.DOMAINS, uuid, version);
  }

  /** As {@link #versionBefore(String, Revision)} for the object of {@code kind} with {@code uid}. */
  public Optional<StoredEvent> versionBefore(Kind kind, String uid, Revision version) {
    return db.queries().versionBefore(kind, uid, version.value());
  }

  /**
   * The uuid of the domain that was named {@code name} at revision {@code at}. Blocks on SQLite.
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  public Optional<String> uuidNamedAt(String name, Revision at) {
    return uidNamedAt(Kind.DOMAINS, null, name, at);
  }

  /**
   * The uid of the object of {@code kind} named {@code name} within {@code ownerUid} (null for kinds
   * that belong to nothing) at revision {@code at}. Blocks on SQLite.
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  public Optional<String> uidNamedAt(Kind kind, String ownerUid, String name, Revision at) {
    return db.queries().uidNamedAt(kind, ownerUid, name, at.value());
  }

  /** The uuid of the domain that last had {@code name} in retained history. Blocks on SQLite. */
  public Optional<String> lastUuidNamed(String name) {
    return lastUidNamed(Kind.DOMAINS, null, name);
  }

  /** The uid of the object of {@code kind} (within {@code ownerUid}) that last had {@code name} in retained history. */
  public Optional<String> lastUidNamed(Kind kind, String ownerUid, String name) {
    return db.queries().lastUidNamed(kind, ownerUid, name);
  }

  /**
   * Retained revisions of {@code uuid} at or below {@code at} and below {@code before} (null: no
   * bound), newest first, at most {@code limit} ({@code <= 0}: all). Blocks on SQLite.
   */
  public HistoryPage history(String uuid, Revision at, Revision before, int limit) {
    return history(Kind.DOMAINS, uuid, at, before, limit);
  }

  /** As {@link #history(String, Revision, Revision, int)} for the object of {@code kind} with {@code uid}. */
  public HistoryPage history(Kind kind, String uid, Revision at, Revision before, int limit) {
    return db.queries().historyOf(kind, uid, at.value(), before == null ? Long.MAX_VALUE : before.value(), limit);
  }

  /**
   * Applies the retention limits now, without waiting for the slack or the interval; completes with
   * the compacted revision (after the rows are deleted). For tests and operators.
   */
  public CompletableFuture<Revision> compactNow() {
    return compactor.compactNow();
  }

  /** Completes (with the then current revision) once the store has reached {@code rev}. */
  public CompletableFuture<Revision> awaitRevision(Revision rev) {
    CompletableFuture<Revision> f = new CompletableFuture<>();
    synchronized (waiters) {
      if (snapshot.revision().compareTo(rev) < 0) {
        Waiter w = new Waiter(rev.value(), f);
        waiters.add(w);
        // A caller that gives up (a timeout) must not leave its waiter behind until that revision comes.
        f.whenComplete((r, err) -> {
          if (err != null) {
            synchronized (waiters) {
              waiters.remove(w);
            }
          }
        });
        return f;
      }
    }
    f.complete(snapshot.revision());
    return f;
  }

  /**
   * Registers {@code onCommit}, run on the store's sync thread after every published commit. It must not
   * block or throw: watchers use it only to schedule a read on their own thread.
   */
  public AutoCloseable subscribe(Runnable onCommit) {
    subscribers.add(onCommit);
    return () -> subscribers.remove(onCommit);
  }

  /** Tests: simulates a full disk ({@link SqliteRevisions#limitPages}); call it while no commit is in flight. */
  void limitDatabasePages(long maxPages) {
    db.limitPages(maxPages);
  }

  /**
   * Why the store cannot commit, while its last write failed (a full disk, say); empty once a commit
   * (or, with nothing to commit, a probe write) succeeded again. Readiness reports it.
   */
  public Optional<String> commitFailure() {
    return health.reason();
  }

  /** The revision of the state the writer last applied: at or ahead of the published one. For tests. */
  long appliedRevision() {
    return appliedRevision;
  }

  private void runWriter() {
    List<Command> batch = new ArrayList<>();
    Snapshot base = snapshot; // the state the last applied batch left: the next one builds on it
    long generation = 0;
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch, config.maxBatch() - 1);
        if (failedGeneration == generation) {
          // A commit of this generation failed: the batches applied on top of it fail with it. Wait
          // until the sync thread has dealt with all of them, then build on what is published.
          CompletableFuture<Void> drained = new CompletableFuture<>();
          applied.put(new Drained(drained));
          drained.join();
          generation++;
          base = snapshot;
        }
        boolean stop = batch.stream().anyMatch(c -> c instanceof Stop);
        Applied a = applyBatch(generation, base, batch);
        base = a.state();
        appliedRevision = base.revision().value();
        applied.put(a);
        batch = new ArrayList<>();
        if (stop) {
          applied.put(new Halt());
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Applied applyBatch(long generation, Snapshot base, List<Command> batch) {
    WorkingState w = new WorkingState(base, clock);
    List<Runnable> completions = new ArrayList<>(batch.size());
    Revision compactedUpTo = null;
    for (Command c : batch) {
      if (c instanceof Compacted cp) {
        compactedUpTo = max(compactedUpTo, cp.upTo());
        continue;
      }
      try {
        completions.add(apply(w, c));
      } catch (RuntimeException e) {
        LOG.error("command {} failed", c.getClass().getSimpleName(), e);
        completions.add(() -> fail(c, e));
      }
    }
    Revision mark = w.changed() ? countMark(w.events().get(w.events().size() - 1).revision()) : null;
    return new Applied(generation, batch, w.events(), w.changed() ? w.freeze(base.compacted()) : base, mark,
        compactedUpTo, completions);
  }

  private void runSyncer() {
    try {
      while (true) {
        Stage s = applied.take();
        if (s instanceof Halt) {
          return;
        }
        if (s instanceof Drained d) {
          d.done().complete(null);
        } else {
          // Group commit of the applied batches that are waiting: one transaction, one fsync.
          Applied a = (Applied) s;
          while (applied.peek() instanceof Applied next && next.generation() == a.generation()) {
            a = merge(a, (Applied) applied.poll());
          }
          try {
            sync(a);
          } catch (RuntimeException e) {
            // A bug, not a disk error: fail the batch and what was applied on top of it rather than
            // leave the sync thread dead and every caller waiting.
            LOG.error("publishing revisions up to {} failed", a.state().revision(), e);
            failedGeneration = a.generation();
            fail(a, new StoreException("not published: " + e, e));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Commits one applied batch (sync thread), then publishes it; or fails it and the rest of its generation. */
  private void sync(Applied a) {
    if (a.generation() <= failedGeneration) {
      fail(a, new StoreException("not committed: an earlier commit it was applied on top of failed"));
      return;
    }
    boolean changed = !a.events().isEmpty();
    if (changed) {
      long t0 = System.nanoTime();
      try {
        db.commits().commit(a.events(), a.mark());
      } catch (Exception e) {
        // Nothing of it is in the file (the transaction is rolled back) and nothing was published: its
        // revisions are reused. Whatever the file does hold beyond the published state is published now,
        // before the writer starts again from the published state.
        failedGeneration = a.generation();
        health.failed(a.events().size() + " revisions", e);
        catchUp();
        fail(a, new StoreException("commit failed: " + e.getMessage(), e));
        return;
      }
      health.succeeded();
      try {
        observer.committed(a.events().size(), System.nanoTime() - t0);
      } catch (RuntimeException e) {
        LOG.error("a store observer threw; it must not", e);
      }
      for (StoredEvent e : a.events()) {
        log.append(e);
      }
      if (a.mark() != null) {
        raise(a.mark());
      }
    } else if (health.failing()) {
      probe();
    }
    Snapshot published = snapshot;
    Revision c = max(max(published.compacted(), a.mark()), a.compactedUpTo());
    if (changed || c.isAfter(published.compacted())) {
      snapshot = a.state().withCompacted(c);
    }
    if (changed) {
      compactor.committed();
    }
    a.completions().forEach(Runnable::run);
    if (changed) {
      completeWaiters();
      notifySubscribers();
    }
  }

  private void notifySubscribers() {
    for (Runnable s : subscribers) {
      try {
        s.run();
      } catch (RuntimeException e) {
        LOG.error("a commit subscriber threw; it must not", e);
      }
    }
  }

  /** Sync thread, while writes fail and a batch has nothing to commit: can the store write again? */
  private void probe() {
    try {
      db.commits().probe();
      health.succeeded();
    } catch (Exception e) {
      health.failed("a probe write", e);
    }
  }

  /**
   * Sync thread, after a failed commit: makes the published state what the file holds. The file can be
   * ahead of it only if a commit reported a failure but reached the disk (or another process wrote the
   * file); its revisions are then published like a commit, so the writer starts again from the file's
   * revision and never commits one twice.
   */
  private void catchUp() {
    long published = snapshot.revision().value();
    try {
      long inFile = db.commits().committedRevision();
      if (inFile == published) {
        return;
      }
      if (inFile < published) {
        LOG.error("the store file is at revision {} but revision {} was published: the file went back", inFile,
            published);
        return;
      }
      CommitWrites.Catchup c = db.commits().committedAfter(published);
      WorkingState w = new WorkingState(snapshot, clock);
      for (StoredEvent e : c.events()) {
        w.replay(e);
      }
      if (w.revision() != c.revision().value()) {
        throw new IllegalStateException("the file is at revision " + c.revision() + " but its history ends at "
            + w.revision());
      }
      for (StoredEvent e : c.events()) {
        log.append(e);
      }
      raise(c.compacted());
      snapshot = w.freeze(max(snapshot.compacted(), c.compacted()));
      compactor.committed();
      completeWaiters();
      notifySubscribers();
      LOG.warn("the store file held revisions {} to {}, committed but never published; published them now",
          published + 1, inFile);
    } catch (Exception e) {
      LOG.error("cannot compare the published state with the store file (revision {})", published, e);
    }
  }

  private static Applied merge(Applied a, Applied b) {
    return new Applied(a.generation(), concat(a.commands(), b.commands()), concat(a.events(), b.events()), b.state(),
        max(a.mark(), b.mark()), max(a.compactedUpTo(), b.compactedUpTo()), concat(a.completions(), b.completions()));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a.size() + b.size());
    out.addAll(a);
    out.addAll(b);
    return out;
  }

  /** Fails every command of a batch that will not be published; still publishes the compactor's mark it carried. */
  private void fail(Applied a, StoreException e) {
    a.commands().forEach(c -> fail(c, e));
    Snapshot s = snapshot;
    if (a.compactedUpTo() != null && a.compactedUpTo().isAfter(s.compacted())) {
      snapshot = s.withCompacted(a.compactedUpTo());
    }
  }

  private static Revision max(Revision a, Revision b) {
    return a == null || b != null && b.isAfter(a) ? b : a;
  }

  private Runnable apply(WorkingState w, Command c) {
    if (c instanceof Observe o) {
      StoredEvent e = observe(w, o.model(), o.uuid(), o.observed(), o.cause());
      if (o.pre() != null) {
        Object now = w.get(o.model(), o.uuid());
        try {
          if (now == null) {
            throw new StoreException(StoreException.Reason.NOT_FOUND, Precondition.singular(o.model().kind()) + " "
                + o.uuid() + " not found", Map.of("uid", o.uuid(), "kind", o.model().kind().key()), null);
          }
          o.pre().check(o.model().kind(), meta(o.model(), now));
        } catch (StoreException mismatch) {
          return () -> o.done().completeExceptionally(mismatch);
        }
      }
      return () -> o.done().complete(Optional.ofNullable(e));
    }
    if (c instanceof Resync r) {
      List<StoredEvent> out = new ArrayList<>();
      Set<String> present = new HashSet<>();
      for (Object d : r.all()) {
        present.add(uid(r.model(), d));
      }
      for (String uid : w.uids(r.model(), r.ownerUid())) {
        if (!present.contains(uid) && !r.keep().contains(uid)) {
          int from = w.events().size();
          observe(w, r.model(), uid, null, Cause.NONE);
          out.addAll(w.events().subList(from, w.events().size()));
        }
      }
      for (Object d : r.all()) {
        String uid = uid(r.model(), d);
        if (!r.keep().contains(uid)) {
          add(out, observe(w, r.model(), uid, d, Cause.NONE));
        }
      }
      return () -> r.done().complete(out);
    }
    return () -> { };
  }

  @SuppressWarnings("unchecked")
  private static <O> StoredEvent observe(WorkingState w, KindModel<O, ?> model, String uid, Object observed,
      Cause cause) {
    return w.observe(model, uid, (O) observed, cause);
  }

  @SuppressWarnings("unchecked")
  private static <O> String uid(KindModel<O, ?> model, Object observed) {
    return model.uid((O) observed);
  }

  @SuppressWarnings("unchecked")
  private static <T> io.virtrev.api.DomainMeta meta(KindModel<?, T> model, Object object) {
    return model.meta((T) object);
  }

  private static void add(List<StoredEvent> out, StoredEvent e) {
    if (e != null) {
      out.add(e);
    }
  }

  private static void fail(Command c, Exception e) {
    if (c instanceof Observe o) {
      o.done().completeExceptionally(e);
    } else if (c instanceof Resync r) {
      r.done().completeExceptionally(e);
    }
  }

  private void completeWaiters() {
    long now = snapshot.revision().value();
    List<Waiter> ready = new ArrayList<>();
    synchronized (waiters) {
      while (!waiters.isEmpty() && waiters.peek().revision() <= now) {
        ready.add(waiters.poll());
      }
    }
    Revision r = Revision.of(now);
    ready.forEach(wt -> wt.future().complete(r));
  }

  /**
   * The count limit, decided by the writer with each commit: {@code revision - historyRetention} once
   * the surplus over the current mark reaches a tenth of the window (at least one), so the mark moves
   * in steps rather than on every commit; null if it does not move.
   */
  private Revision countMark(Revision newRevision) {
    long keepFrom = newRevision.value() - config.historyRetention();
    long slack = Math.max(1, config.historyRetention() / 10);
    return keepFrom - compacted.get().value() >= slack ? Revision.of(keepFrom) : null;
  }

  /** Applies everything submitted so far, stops the writer and closes the database. */
  @Override
  public void close() {
    synchronized (submitLock) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(new Stop());
    }
    compactor.stop();
    try {
      writer.join();
      syncer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    db.close();
    List<Waiter> left;
    synchronized (waiters) {
      left = new ArrayList<>(waiters);
      waiters.clear();
    }
    left.forEach(wt -> wt.future().completeExceptionally(
        new StoreException(StoreException.Reason.UNAVAILABLE, "store is closed")));
  }
}
