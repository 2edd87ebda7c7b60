package io.virtrev.versioning;

import io.virtrev.api.Revision;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest committed events in memory, for watchers to read without touching the database: a ring
 * of the last {@code capacity} revisions. Revisions are dense (one event per revision), so the slot of
 * revision r is {@code r % capacity}.
 *
 * <p>Locking: {@code this} guards {@code ring} and {@code last}; held only to copy references, never
 * while calling out. Appended only by the store's writer thread.
 */
final class EventLog {
  private final StoredEvent[] ring;
  private long last; // highest revision appended; ring holds (last - count, last]
  private int count;

  EventLog(int capacity, Revision start) {
    if (capacity < 1) {
      throw new IllegalArgumentException("event log capacity < 1: " + capacity);
    }
    this.ring = new StoredEvent[capacity];
    this.last = start.value();
  }

  synchronized void append(StoredEvent e) {
    long rev = e.revision().value();
    if (rev != last + 1) {
      throw new IllegalStateException("event log: revision " + rev + " does not follow " + last);
    }
    ring[(int) (rev % ring.length)] = e;
    last = rev;
    count = Math.min(count + 1, ring.length);
  }

  /**
   * Up to {@code max} events with revision > {@code after}, in order; empty if there are none yet;
   * {@link Read#OUT_OF_RANGE} if some revision after {@code after} is no longer in the ring.
   */
  synchronized RecentEvents readAfter(long after, int max) {
    if (after >= last) {
      return new RecentEvents(List.of(), false);
    }
    if (after < last - count) {
      return RecentEvents.OUT_OF_RANGE;
    }
    int n = (int) Math.min(max, last - after);
    List<StoredEvent> out = new ArrayList<>(n);
    for (long r = after + 1; r <= after + n; r++) {
      out.add(ring[(int) (r % ring.length)]);
    }
    return new RecentEvents(out, false);
  }
}
