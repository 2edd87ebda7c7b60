package io.virtrev.versioning;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is told of every published commit ({@link VersionedStore#subscribe}): watchers, which only schedule
 * a read on their own thread.
 *
 * <p>Threads: {@link #subscribe} and unsubscribing from any thread (a copy-on-write list, no lock);
 * {@link #committed} from the sync thread ({@code store-sync}) only, holding no lock.
 */
final class CommitSubscribers {
  private static final Logger LOG = LoggerFactory.getLogger(VersionedStore.class);

  private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();

  AutoCloseable subscribe(Runnable onCommit) {
    subscribers.add(onCommit);
    return () -> subscribers.remove(onCommit);
  }

  /** Sync thread: runs every subscriber; one that throws is logged and does not stop the others. */
  void committed() {
    for (Runnable s : subscribers) {
      try {
        s.run();
      } catch (RuntimeException e) {
        LOG.error("a commit subscriber threw; it must not", e);
      }
    }
  }
}
