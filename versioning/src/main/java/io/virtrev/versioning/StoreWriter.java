package io.virtrev.versioning;

import io.virtrev.api.Revision;
import io.virtrev.versioning.PipelineStage.Applied;
import io.virtrev.versioning.PipelineStage.Drained;
import io.virtrev.versioning.PipelineStage.Halt;
import io.virtrev.versioning.StoreCommand.Compacted;
import io.virtrev.versioning.StoreCommand.Observe;
import io.virtrev.versioning.StoreCommand.Resync;
import io.virtrev.versioning.StoreCommand.Stop;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of the commit pipeline: the writer thread ({@code store-writer}) applies commands in
 * submission order, in batches (at most {@code maxBatch}). It assigns each observed change the next
 * revision and decides every precondition, on top of the state the previous batch left (applied, maybe
 * not yet durable), and decides the count limit's compacted mark with the commit that crosses it. It
 * hands each applied batch to the sync thread ({@link StoreSyncer}) through the {@code applied} queue,
 * at most {@link VersionedStore#PIPELINE_DEPTH} ahead of the disk; it touches no SQLite connection.
 *
 * <p>After a commit of its generation failed ({@link StoreSyncer#failedGeneration}), it waits until the
 * sync thread has dealt with every batch handed over, then starts a new generation from the published
 * state, so the next commit reuses the failed revisions.
 *
 * <p>Threads: {@link #submit} and {@link #stop} from any thread (and the compactor adds its
 * {@link StoreCommand.Compacted} marks to {@code queue} directly); everything else on
 * {@code store-writer}. Lock: {@code submitLock} makes "not closed, enqueue" atomic with {@link #stop}'s
 * Stop, so nothing lands after it unanswered (a leaf).
 */
final class StoreWriter {
  private static final Logger LOG = LoggerFactory.getLogger(VersionedStore.class);

  private final StoreConfig config;
  private final Clock clock;
  private final PublishedState published;
  private final StoreSyncer syncer;
  private final BlockingQueue<PipelineStage> applied;
  private final BlockingQueue<StoreCommand> queue; // submissions, and the compactor's marks
  private final Thread thread;
  private volatile long appliedRevision; // the revision of the state it last applied (tests)
  private volatile boolean closed; // written under submitLock
  private final Object submitLock = new Object();

  StoreWriter(StoreConfig config, Clock clock, PublishedState published, StoreSyncer syncer,
      BlockingQueue<StoreCommand> queue, BlockingQueue<PipelineStage> applied) {
    this.queue = queue;
    this.config = config;
    this.clock = clock;
    this.published = published;
    this.syncer = syncer;
    this.applied = applied;
    this.appliedRevision = published.snapshot().revision().value();
    this.thread = new Thread(this::run, "store-writer");
  }

  void start() {
    thread.start();
  }

  void join() throws InterruptedException {
    thread.join();
  }

  /** Enqueues {@code c} unless closed; else fails {@code f} with UNAVAILABLE. Never blocks on the writer. */
  void submit(StoreCommand c, CompletableFuture<?> f) {
    synchronized (submitLock) {
      if (!closed) {
        queue.add(c);
        return;
      }
    }
    f.completeExceptionally(new StoreException(StoreException.Reason.UNAVAILABLE, "store is closed"));
  }

  /** Closes submission and enqueues Stop; false if it was already closed. */
  boolean stop() {
    synchronized (submitLock) {
      if (closed) {
        return false;
      }
      closed = true;
      queue.add(new Stop());
      return true;
    }
  }

  /** The revision of the state the writer last applied: at or ahead of the published one. */
  long appliedRevision() {
    return appliedRevision;
  }

  private void run() {
    List<StoreCommand> batch = new ArrayList<>();
    Snapshot base = published.snapshot(); // the state the last applied batch left: the next one builds on it
    long generation = 0;
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch, config.maxBatch() - 1);
        if (syncer.failedGeneration() == generation) {
          // A commit of this generation failed: the batches applied on top of it fail with it. Wait
          // until the sync thread has dealt with all of them, then build on what is published.
          CompletableFuture<Void> drained = new CompletableFuture<>();
          applied.put(new Drained(drained));
          drained.join();
          generation++;
          base = published.snapshot();
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

  private Applied applyBatch(long generation, Snapshot base, List<StoreCommand> batch) {
    WorkingState w = new WorkingState(base, clock);
    List<Runnable> completions = new ArrayList<>(batch.size());
    Revision compactedUpTo = null;
    for (StoreCommand c : batch) {
      if (c instanceof Compacted cp) {
        compactedUpTo = PipelineStage.max(compactedUpTo, cp.upTo());
        continue;
      }
      try {
        completions.add(apply(w, c));
      } catch (RuntimeException e) {
        LOG.error("command {} failed", c.getClass().getSimpleName(), e);
        completions.add(() -> StoreCommand.fail(c, e));
      }
    }
    Revision mark = w.changed() ? countMark(w.events().get(w.events().size() - 1).revision()) : null;
    return new Applied(generation, batch, w.events(), w.changed() ? w.freeze(base.compacted()) : base, mark,
        compactedUpTo, completions);
  }

  private Runnable apply(WorkingState w, StoreCommand c) {
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

  /**
   * The count limit, decided by the writer with each commit: {@code revision - historyRetention} once
   * the surplus over the current mark reaches a tenth of the window (at least one), so the mark moves
   * in steps rather than on every commit; null if it does not move.
   */
  private Revision countMark(Revision newRevision) {
    long keepFrom = newRevision.value() - config.historyRetention();
    long slack = Math.max(1, config.historyRetention() / 10);
    return keepFrom - published.compacted().value() >= slack ? Revision.of(keepFrom) : null;
  }
}
