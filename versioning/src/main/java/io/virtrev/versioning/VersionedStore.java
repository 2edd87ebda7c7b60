package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Revision;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.versioning.sqlite.HistoryPages;
import io.virtrev.versioning.sqlite.SqliteRevisions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned store of every kind ({@link Kind}: domains, networks, storage pools and volumes, domain
 * snapshots) on one revision counter: the public facade that composes its parts, each a small class of
 * this package. A kind plugs in through its {@link KindModel} ({@link Kinds}); the domain methods
 * without a model argument are shorthands for {@link Kinds#DOMAINS}.
 *
 * <ul>
 *   <li>the commit pipeline, two stages: {@link StoreWriter} ({@code store-writer}) applies commands in
 *       submission order, in batches, assigns each observed change the next revision and decides every
 *       precondition, on top of the state the previous batch left (applied, maybe not yet durable);
 *       {@link StoreSyncer} ({@code store-sync}) commits each applied batch durably, in the same order,
 *       and only then publishes it (event log, snapshot, completions, waiters, watchers). So the writer
 *       applies batch N+1 while batch N is being fsynced. They share only the {@code applied} queue
 *       ({@link PipelineStage}; at most {@link #PIPELINE_DEPTH} batches wait in it) and the failure mark;
 *   <li>{@link PublishedState}: the published {@link Snapshot} and the compacted mark;
 *   <li>reads: {@link RevisionQueries} (the state at a revision, history, names) and {@link WatchReads}
 *       (the event log and shared history pages for watchers). Readers never block the pipeline;
 *   <li>{@link RevisionWaiters} and {@link CommitSubscribers}, told by the sync thread after each publish;
 *   <li>{@link Compactor} ({@code store-compactor}) with its own SQLite connection.
 * </ul>
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
 * <p>The compacted revision is published in two steps: the mark ({@link #compacted()}, read by
 * {@link #checkRetained}) as soon as it is committed, then a new snapshot with it, published in queue
 * order by the sync thread (the only thread that replaces the snapshot), so {@link Snapshot#compacted()}
 * may lag {@link #compacted()} by one queue turn, never lead it.
 *
 * <p>Locks: those of the parts (see each class); this class holds none. Reads of the past
 * ({@link #list}, {@link #versionAt}, {@link #history}, ...) block on SQLite: not for event-loop threads.
 * Each is one read transaction that checks the compacted mark it sees.
 */
public final class VersionedStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VersionedStore.class);

  /**
   * Applied batches that may wait for the sync thread: how far the writer may run ahead of the disk. The
   * sync thread commits all that wait in one transaction (one fsync), so the group commit stays large
   * while the writer runs ahead.
   */
  static final int PIPELINE_DEPTH = 4;

  private final SqliteRevisions db;
  private final PublishedState published;
  private final RevisionWaiters waiters;
  private final CommitSubscribers subscribers = new CommitSubscribers();
  private final Compactor compactor;
  private final StoreSyncer syncer;
  private final StoreWriter writer;
  private final RevisionQueries queries;
  private final WatchReads watchReads;

  private VersionedStore(StoreConfig config, SqliteRevisions db, SqliteRevisions.Loaded loaded, Clock clock) {
    this.db = db;
    this.published = new PublishedState(
        Snapshot.of(loaded.storeId(), loaded.revision(), loaded.compacted(), loaded.objects()));
    this.waiters = new RevisionWaiters(published);
    EventLog log = new EventLog(config.eventLogCapacity(), config.eventLogBytes(), loaded.revision());
    BlockingQueue<StoreCommand> commands = new LinkedBlockingQueue<>(); // the writer's input
    BlockingQueue<PipelineStage> applied = new ArrayBlockingQueue<>(PIPELINE_DEPTH);
    this.compactor = new Compactor(config, db.compaction(), clock, () -> published.snapshot().revision(),
        published::compacted, upTo -> {
          published.raise(upTo);
          commands.add(new StoreCommand.Compacted(upTo)); // a snapshot with it follows in queue order
        });
    this.syncer = new StoreSyncer(db, log, published, clock, compactor, waiters, subscribers, applied);
    this.writer = new StoreWriter(config, clock, published, syncer, commands, applied);
    this.queries = new RevisionQueries(published, db.queries());
    this.watchReads = new WatchReads(log, new HistoryPages(config.historyCacheBytes()), db.history(), published);
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
    syncer.setObserver(o == null ? StoreObserver.NONE : o);
  }

  /** The latest published state. */
  public Snapshot snapshot() {
    return published.snapshot();
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
    writer.submit(new StoreCommand.Observe(kind, uid, observed, cause, null, f), f);
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
    writer.submit(new StoreCommand.Observe(kind, uid, observed, cause, pre, f), f);
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
    writer.submit(new StoreCommand.Resync(kind, false, null, List.copyOf(all), Set.copyOf(keep), f), f);
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
    writer.submit(new StoreCommand.Resync(kind, true, ownerUid, List.copyOf(all), Set.of(), f), f);
    return f;
  }

  /**
   * Up to {@code max} events after revision {@code after} from memory, without blocking; or
   * {@code outOfRange} if they must come from {@link #readHistory}.
   */
  public RecentEvents readRecent(Revision after, int max) {
    return watchReads.readRecent(after, max);
  }

  /**
   * As {@link #readRecent(Revision, int)}, and no more events than it takes to reach {@code maxBytes}
   * of watch lines (at least one): a watcher asks for what its channel takes before it fills.
   */
  public RecentEvents readRecent(Revision after, int max, long maxBytes) {
    return watchReads.readRecent(after, max, maxBytes);
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
    return watchReads.readHistory(after, max);
  }

  /** How many history reads for watchers went to the database (the rest came from shared pages). */
  long historyReads() {
    return watchReads.historyReads();
  }

  /** The in-memory event log, for tests. */
  EventLog eventLog() {
    return watchReads.eventLog();
  }

  /** Checks that a watch may start after {@code rev}: every later revision is retained. */
  public void checkRetained(Revision rev) {
    published.checkRetained(rev);
  }

  /**
   * The compacted revision as of now: revisions at or below it are no longer retained. May be ahead of
   * {@link Snapshot#compacted()} of the current snapshot, never behind.
   */
  public Revision compacted() {
    return published.compacted();
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
    return queries.list(kind, ownerUid, at, after, selector, limit);
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
    return queries.versionAt(kind, uid, at);
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
    return queries.versionBefore(kind, uid, version);
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
    return queries.uidNamedAt(kind, ownerUid, name, at);
  }

  /** The uuid of the domain that last had {@code name} in retained history. Blocks on SQLite. */
  public Optional<String> lastUuidNamed(String name) {
    return lastUidNamed(Kind.DOMAINS, null, name);
  }

  /** The uid of the object of {@code kind} (within {@code ownerUid}) that last had {@code name} in retained history. */
  public Optional<String> lastUidNamed(Kind kind, String ownerUid, String name) {
    return queries.lastUidNamed(kind, ownerUid, name);
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
    return queries.history(kind, uid, at, before, limit);
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
    return waiters.await(rev);
  }

  /**
   * Registers {@code onCommit}, run on the store's sync thread after every published commit. It must not
   * block or throw: watchers use it only to schedule a read on their own thread.
   */
  public AutoCloseable subscribe(Runnable onCommit) {
    return subscribers.subscribe(onCommit);
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
    return syncer.commitFailure();
  }

  /** The revision of the state the writer last applied: at or ahead of the published one. For tests. */
  long appliedRevision() {
    return writer.appliedRevision();
  }

  /** Applies everything submitted so far, stops the writer and closes the database. */
  @Override
  public void close() {
    if (!writer.stop()) {
      return;
    }
    compactor.stop();
    try {
      writer.join();
      syncer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    db.close();
    waiters.closeAll();
  }
}
