package io.virtrev.versioning;

import io.virtrev.api.Revision;
import io.virtrev.versioning.sqlite.CompactionWrites;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code store-compactor} thread: drops history beyond the retention limits without pausing the
 * writer or watchers. The target C is the higher of {@code revision - historyRetention} and the newest
 * revision older than {@code historyMaxAge}, never the newest revision. It commits the mark
 * ({@code meta.compacted = C}), publishes it ({@code onCompacted}: the store's volatile mark, then a
 * new snapshot through the writer), and only then deletes rows, in chunks of {@code compactionChunk}
 * rows, each its own short {@code BEGIN IMMEDIATE} transaction on its own connection, so the writer's
 * commits interleave (it waits at most one chunk, within SQLite's busy timeout).
 *
 * <p>Who moves the mark: the writer, for the count limit, in the very commit that crosses it (one
 * meta row in a transaction it makes anyway: the snapshot it publishes carries the mark, and no
 * reader can see a revision without the mark that goes with it); this thread, for the age limit (on
 * every timer tick) and for {@link #compactNow}. Both only ever raise it. Deleting the rows a mark
 * drops is always this thread's job.
 *
 * <p>Wake-ups: {@link #committed} after every commit (coalesced: at most one pending), a timer every
 * {@code compactionInterval} (the age limit moves without commits), and {@link #compactNow}. Confined
 * to its thread except the queue; holds no lock while touching SQLite.
 */
final class Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
  private static final Object COMMITTED = new Object();
  private static final Object STOP = new Object();

  private final StoreConfig config;
  private final CompactionWrites db;
  private final Clock clock;
  private final Supplier<Revision> current; // last published revision
  private final Supplier<Revision> compacted; // current mark
  private final Consumer<Revision> onCompacted;
  private final BlockingQueue<Object> wake = new LinkedBlockingQueue<>();
  private final AtomicBoolean commitPending = new AtomicBoolean();
  private final Thread thread;
  private volatile boolean stopping;
  private long lastAgeCheckNanos;
  private long cleanedUpTo = -1; // rows dropped by marks up to this are deleted; -1: unknown (at start)

  Compactor(StoreConfig config, CompactionWrites db, Clock clock, Supplier<Revision> current,
      Supplier<Revision> compacted, Consumer<Revision> onCompacted) {
    this.config = config;
    this.db = db;
    this.clock = clock;
    this.current = current;
    this.compacted = compacted;
    this.onCompacted = onCompacted;
    this.thread = new Thread(this::run, "store-compactor");
    this.thread.setDaemon(true);
  }

  void start() {
    lastAgeCheckNanos = System.nanoTime();
    thread.start();
  }

  /** From the writer after a commit; never blocks. */
  void committed() {
    if (commitPending.compareAndSet(false, true)) {
      wake.add(COMMITTED);
    }
  }

  /** Applies both limits now (ignoring the slack); completes with the resulting compacted revision. */
  CompletableFuture<Revision> compactNow() {
    CompletableFuture<Revision> f = new CompletableFuture<>();
    wake.add(f);
    return f;
  }

  /** Stops between two chunks (rows left are deleted by the next compaction, after a restart too). */
  void stop() {
    stopping = true;
    wake.add(STOP);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long interval = config.compactionInterval().toNanos();
    while (!stopping) {
      List<Object> woken = new ArrayList<>();
      try {
        Object first = wake.poll(interval, TimeUnit.NANOSECONDS);
        if (first != null) {
          woken.add(first);
        }
      } catch (InterruptedException e) {
        return;
      }
      wake.drainTo(woken);
      commitPending.set(false);
      List<CompletableFuture<Revision>> forced = new ArrayList<>();
      for (Object o : woken) {
        if (o instanceof CompletableFuture<?> f) {
          @SuppressWarnings("unchecked")
          CompletableFuture<Revision> rf = (CompletableFuture<Revision>) f;
          forced.add(rf);
        }
      }
      boolean ageDue = System.nanoTime() - lastAgeCheckNanos >= interval;
      try {
        compactOnce(!forced.isEmpty(), ageDue || !forced.isEmpty());
        Revision c = compacted.get();
        forced.forEach(f -> f.complete(c));
      } catch (Exception e) {
        LOG.warn("compaction failed; will retry on the next commit or tick", e);
        forced.forEach(f -> f.completeExceptionally(e));
      }
    }
    wake.stream().filter(o -> o instanceof CompletableFuture<?>)
        .forEach(o -> ((CompletableFuture<?>) o).completeExceptionally(new StoreException("store is closed")));
  }

  private void compactOnce(boolean force, boolean checkAge) throws Exception {
    long rev = current.get().value();
    long done = compacted.get().value();
    long target = force ? rev - config.historyRetention() : done; // the writer moves the count mark itself
    if (checkAge) {
      lastAgeCheckNanos = System.nanoTime();
      if (!config.historyMaxAge().isZero()) {
        long cutoff = clock.millis() - config.historyMaxAge().toMillis();
        target = Math.max(target, db.ageTarget(cutoff));
      }
    }
    target = Math.min(target, rev - 1); // never the newest revision
    if (target > done) {
      Revision upTo = Revision.of(target);
      db.markCompacted(upTo);
      onCompacted.accept(upTo);
      LOG.debug("compacted up to {}; deleting rows", upTo);
    }
    long mark = compacted.get().value();
    if (mark > cleanedUpTo) {
      if (deleteRows(mark)) {
        cleanedUpTo = mark;
      }
    }
  }

  /** Deletes the rows the mark {@code upTo} drops, chunk by chunk; false if stopped first. */
  private boolean deleteRows(long upTo) throws Exception {
    long after = db.oldestRow() - 1;
    if (after < 0) {
      return true;
    }
    while (!stopping) {
      long hi = db.compactChunk(after, upTo, config.compactionChunk());
      if (hi < 0) {
        return true;
      }
      after = hi;
    }
    return false;
  }
}
