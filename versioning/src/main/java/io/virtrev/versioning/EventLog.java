package io.virtrev.versioning;

import io.virtrev.api.Revision;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest committed events in memory, for watchers to read without touching the database: the
 * newest revisions, as many as fit in both limits, at most {@code maxCount} of them and at most
 * {@code maxBytes} of {@link StoredEvent#retainedBytes()}. Appending evicts the oldest events while
 * either limit is exceeded, but never the newest one. Revisions are dense (one event per revision), so
 * the log always holds one contiguous range {@code (last - count, last]}.
 *
 * <p>Events are kept {@linkplain StoredEvent#detached() detached}: the log's memory is the watch lines
 * it holds, which is what the byte limit counts.
 *
 * <p>Storage: a circular array that grows (doubling, up to {@code maxCount} slots) as events are kept,
 * so a large count limit costs nothing until it is used.
 *
 * <p>Locking: {@code this} guards every field below; held only to append, evict or copy references,
 * never while calling out. Appended only by the store's sync thread.
 */
final class EventLog {
  private static final int INITIAL_SLOTS = 1024;

  private final int maxCount;
  private final long maxBytes;
  private StoredEvent[] ring;
  private int head; // slot of the oldest event held
  private int count;
  private long bytes; // sum of retainedBytes() of the events held
  private long last; // highest revision appended; the log holds (last - count, last]

  EventLog(int maxCount, long maxBytes, Revision start) {
    if (maxCount < 1) {
      throw new IllegalArgumentException("event log capacity < 1: " + maxCount);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("event log bytes < 1: " + maxBytes);
    }
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.ring = new StoredEvent[Math.min(maxCount, INITIAL_SLOTS)];
    this.last = start.value();
  }

  synchronized void append(StoredEvent e) {
    long rev = e.revision().value();
    if (rev != last + 1) {
      throw new IllegalStateException("event log: revision " + rev + " does not follow " + last);
    }
    if (count == ring.length) {
      if (ring.length < maxCount) {
        grow();
      } else {
        evictOldest();
      }
    }
    StoredEvent kept = e.detached();
    ring[(head + count) % ring.length] = kept;
    count++;
    bytes += kept.retainedBytes();
    last = rev;
    while (count > 1 && bytes > maxBytes) {
      evictOldest();
    }
  }

  private void grow() {
    StoredEvent[] bigger = new StoredEvent[(int) Math.min((long) ring.length * 2, maxCount)];
    for (int i = 0; i < count; i++) {
      bigger[i] = ring[(head + i) % ring.length];
    }
    ring = bigger;
    head = 0;
  }

  private void evictOldest() {
    bytes -= ring[head].retainedBytes();
    ring[head] = null;
    head = (head + 1) % ring.length;
    count--;
  }

  /**
   * Up to {@code max} events with revision > {@code after}, in order; empty if there are none yet;
   * {@link RecentEvents#OUT_OF_RANGE} if some revision after {@code after} is no longer in the log.
   */
  RecentEvents readAfter(long after, int max) {
    return readAfter(after, max, Long.MAX_VALUE);
  }

  /**
   * As {@link #readAfter(long, int)}, and no more events than it takes to reach {@code maxBytes} of
   * their lines (at least one): what a reader can write before its channel fills.
   */
  synchronized RecentEvents readAfter(long after, int max, long maxBytes) {
    if (after >= last) {
      return new RecentEvents(List.of(), false);
    }
    if (after < last - count) {
      return RecentEvents.OUT_OF_RANGE;
    }
    int n = (int) Math.min(max, last - after);
    int skip = (int) (after - (last - count)); // events before the first one asked for
    List<StoredEvent> out = new ArrayList<>(Math.min(n, 64));
    long taken = 0;
    for (int i = 0; i < n && taken < maxBytes; i++) {
      StoredEvent e = ring[(head + skip + i) % ring.length];
      out.add(e);
      taken += e.line().length;
    }
    return new RecentEvents(out, false);
  }

  /** How many events are held (for tests and metrics). */
  synchronized int size() {
    return count;
  }

  /** The sum of {@link StoredEvent#retainedBytes()} of the events held (for tests and metrics). */
  synchronized long bytes() {
    return bytes;
  }
}
