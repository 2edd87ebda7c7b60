package io.virtrev.versioning;

import java.util.List;

/**
 * The answer to {@link VersionedStore#readRecent}: the next events from memory (possibly none yet), or
 * {@code outOfRange}: the reader is behind the in-memory log and must read history from disk.
 */
public record RecentEvents(List<StoredEvent> events, boolean outOfRange) {
  static final RecentEvents OUT_OF_RANGE = new RecentEvents(List.of(), true);
}
