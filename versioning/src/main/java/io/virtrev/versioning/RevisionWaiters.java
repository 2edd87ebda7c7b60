package io.virtrev.versioning;

import io.virtrev.api.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting for the store to reach a revision ({@link VersionedStore#awaitRevision}).
 *
 * <p>Threads: {@link #await} from any thread; {@link #complete} from the sync thread ({@code store-sync})
 * after each publish; {@link #closeAll} from {@link VersionedStore#close} after the threads stopped.
 * Lock: {@code waiters} guards itself (a leaf); futures are completed after it is released.
 */
final class RevisionWaiters {
  private record Waiter(long revision, CompletableFuture<Revision> future) {}

  private final PriorityQueue<Waiter> waiters = // guarded by itself
      new PriorityQueue<>((a, b) -> Long.compare(a.revision(), b.revision()));
  private final PublishedState published;

  RevisionWaiters(PublishedState published) {
    this.published = published;
  }

  /** Completes (with the then current revision) once the store has reached {@code rev}. */
  CompletableFuture<Revision> await(Revision rev) {
    CompletableFuture<Revision> f = new CompletableFuture<>();
    synchronized (waiters) {
      if (published.snapshot().revision().compareTo(rev) < 0) {
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
    f.complete(published.snapshot().revision());
    return f;
  }

  /** Sync thread: completes the waiters the published revision has reached. */
  void complete() {
    long now = published.snapshot().revision().value();
    List<Waiter> ready = new ArrayList<>();
    synchronized (waiters) {
      while (!waiters.isEmpty() && waiters.peek().revision() <= now) {
        ready.add(waiters.poll());
      }
    }
    Revision r = Revision.of(now);
    ready.forEach(wt -> wt.future().complete(r));
  }

  /** On close: fails every waiter left with UNAVAILABLE. */
  void closeAll() {
    List<Waiter> left;
    synchronized (waiters) {
      left = new ArrayList<>(waiters);
      waiters.clear();
    }
    left.forEach(wt -> wt.future().completeExceptionally(
        new StoreException(StoreException.Reason.UNAVAILABLE, "store is closed")));
  }
}
