package io.virtrev.versioning;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store's writes go through: why the last one failed, until one succeeds again. Logs each
 * change of state once (an ERROR when writes start failing, an INFO when they succeed again), and the
 * failed retries in between only at debug level, so a full disk does not flood the log.
 *
 * <p>Threads: {@link #failed} and {@link #succeeded} only from the store's sync thread; {@link #reason}
 * from any thread (a volatile read).
 */
final class CommitHealth {
  private static final Logger LOG = LoggerFactory.getLogger(VersionedStore.class);

  private volatile String failure; // null while writes succeed
  private long failedWrites; // sync thread only: failed writes since the last that succeeded

  /** Why writes fail, while they do. */
  Optional<String> reason() {
    return Optional.ofNullable(failure);
  }

  boolean failing() {
    return failure != null;
  }

  /** Sync thread: a write of {@code what} failed with {@code e}. */
  void failed(String what, Exception e) {
    failedWrites++;
    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
    if (failure == null) {
      LOG.error("the store cannot commit ({}): {} not committed; the daemon is not ready and will retry"
          + " (logged once; it says when commits succeed again)", reason, what, e);
    } else {
      LOG.debug("the store still cannot commit ({} failed writes): {}", failedWrites, reason);
    }
    failure = reason;
  }

  /** Sync thread: a write succeeded. */
  void succeeded() {
    if (failure != null) {
      LOG.info("the store commits again, after {} failed writes", failedWrites);
      failure = null;
    }
    failedWrites = 0;
  }
}
