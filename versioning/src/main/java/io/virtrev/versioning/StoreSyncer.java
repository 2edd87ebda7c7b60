package io.virtrev.versioning;

import io.virtrev.api.Revision;
import io.virtrev.versioning.PipelineStage.Applied;
import io.virtrev.versioning.PipelineStage.Drained;
import io.virtrev.versioning.PipelineStage.Halt;
import io.virtrev.versioning.sqlite.CommitWrites;
import io.virtrev.versioning.sqlite.SqliteRevisions;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage of the commit pipeline: the sync thread ({@code store-sync}) commits each batch the
 * writer ({@link StoreWriter}) applied durably, in the same order, all that wait in one transaction (one
 * fsync), and only then publishes it: event log, snapshot ({@link PublishedState}; this is the only
 * thread that replaces it), completions, revision waiters ({@link RevisionWaiters}), commit subscribers
 * ({@link CommitSubscribers}). If a commit fails, nothing of it is in the file, its batch and every batch
 * applied on top of it (its generation) fail, none of their revisions is published, and what the file
 * holds beyond the published state (if anything) is published first ({@link #catchUp}).
 *
 * <p>Threads: everything on {@code store-sync}, except {@link #failedGeneration} (read by the writer),
 * {@link #commitFailure} (anyone) and {@link #setObserver} (anyone); these are volatile. The write
 * connection ({@link CommitWrites}) is this thread's alone. Holds no lock while calling a subscriber,
 * the observer or completing a future.
 */
final class StoreSyncer {
  private static final Logger LOG = LoggerFactory.getLogger(VersionedStore.class);

  private final SqliteRevisions db;
  private final EventLog log;
  private final PublishedState published;
  private final Clock clock;
  private final Compactor compactor;
  private final RevisionWaiters waiters;
  private final CommitSubscribers subscribers;
  private final BlockingQueue<PipelineStage> applied;
  private final Thread thread;
  // The newest generation with a failed commit (this thread writes, the writer reads); -1: none.
  private volatile long failedGeneration = -1;
  private final CommitHealth health = new CommitHealth(); // this thread writes it; anyone reads it
  private volatile StoreObserver observer = StoreObserver.NONE;

  StoreSyncer(SqliteRevisions db, EventLog log, PublishedState published, Clock clock, Compactor compactor,
      RevisionWaiters waiters, CommitSubscribers subscribers, BlockingQueue<PipelineStage> applied) {
    this.db = db;
    this.log = log;
    this.published = published;
    this.clock = clock;
    this.compactor = compactor;
    this.waiters = waiters;
    this.subscribers = subscribers;
    this.applied = applied;
    this.thread = new Thread(this::run, "store-sync");
  }

  void start() {
    thread.start();
  }

  void join() throws InterruptedException {
    thread.join();
  }

  void setObserver(StoreObserver o) {
    this.observer = o;
  }

  /** The newest writer generation with a failed commit; -1: none. */
  long failedGeneration() {
    return failedGeneration;
  }

  /** Why the store cannot commit, while its last write failed. */
  Optional<String> commitFailure() {
    return health.reason();
  }

  private void run() {
    try {
      while (true) {
        PipelineStage s = applied.take();
        if (s instanceof Halt) {
          return;
        }
        if (s instanceof Drained d) {
          d.done().complete(null);
        } else {
          // Group commit of the applied batches that are waiting: one transaction, one fsync.
          Applied a = (Applied) s;
          while (applied.peek() instanceof Applied next && next.generation() == a.generation()) {
            a = a.merge((Applied) applied.poll());
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

  /** Commits one applied batch, then publishes it; or fails it and the rest of its generation. */
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
        published.raise(a.mark());
      }
    } else if (health.failing()) {
      probe();
    }
    Snapshot current = published.snapshot();
    Revision c = PipelineStage.max(PipelineStage.max(current.compacted(), a.mark()), a.compactedUpTo());
    if (changed || c.isAfter(current.compacted())) {
      published.publish(a.state().withCompacted(c));
    }
    if (changed) {
      compactor.committed();
    }
    a.completions().forEach(Runnable::run);
    if (changed) {
      waiters.complete();
      subscribers.committed();
    }
  }

  /** While writes fail and a batch has nothing to commit: can the store write again? */
  private void probe() {
    try {
      db.commits().probe();
      health.succeeded();
    } catch (Exception e) {
      health.failed("a probe write", e);
    }
  }

  /**
   * After a failed commit: makes the published state what the file holds. The file can be ahead of it
   * only if a commit reported a failure but reached the disk (or another process wrote the file); its
   * revisions are then published like a commit, so the writer starts again from the file's revision and
   * never commits one twice.
   */
  private void catchUp() {
    long at = published.snapshot().revision().value();
    try {
      long inFile = db.commits().committedRevision();
      if (inFile == at) {
        return;
      }
      if (inFile < at) {
        LOG.error("the store file is at revision {} but revision {} was published: the file went back", inFile, at);
        return;
      }
      CommitWrites.Catchup c = db.commits().committedAfter(at);
      WorkingState w = new WorkingState(published.snapshot(), clock);
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
      published.raise(c.compacted());
      published.publish(w.freeze(PipelineStage.max(published.snapshot().compacted(), c.compacted())));
      compactor.committed();
      waiters.complete();
      subscribers.committed();
      LOG.warn("the store file held revisions {} to {}, committed but never published; published them now",
          at + 1, inFile);
    } catch (Exception e) {
      LOG.error("cannot compare the published state with the store file (revision {})", at, e);
    }
  }

  /** Fails every command of a batch that will not be published; still publishes the compactor's mark it carried. */
  private void fail(Applied a, StoreException e) {
    a.commands().forEach(c -> StoreCommand.fail(c, e));
    Snapshot s = published.snapshot();
    if (a.compactedUpTo() != null && a.compactedUpTo().isAfter(s.compacted())) {
      published.publish(s.withCompacted(a.compactedUpTo()));
    }
  }
}
