package io.virtrev.versioning;

/**
 * A full resync in flight, as last published by the reconciler thread: {@code read} of the {@code total}
 * domains its listing was opened with have been read (domains that vanish meanwhile are skipped, so
 * {@code read} may end below {@code total}). {@code initial}: the first resync after a (re)connect,
 * which readiness waits for. {@code startNanos} is {@link System#nanoTime()} at its start.
 */
public record ResyncProgress(boolean initial, int read, int total, long startNanos) {
  /** For logs, readiness and the service manager's status line. */
  public String describe() {
    return (initial ? "initial sync" : "resync") + ": read " + read + " of " + total + " domains";
  }
}
