package io.virtrev.versioning;

import java.nio.file.Path;

/**
 * Limits of the versioned store, all configurable so tests can reach the slow paths.
 *
 * @param dataDir directory holding the SQLite database; created if missing
 * @param historyRetention how many of the newest revisions stay retained for watch/resume (>= 1)
 * @param eventLogCapacity how many of the newest revisions are kept in memory for watchers (>= 1);
 *     older ones are read from the database
 * @param maxBatch most commands applied in one database transaction (group commit)
 */
public record StoreConfig(Path dataDir, long historyRetention, int eventLogCapacity, int maxBatch) {
  public static final long DEFAULT_HISTORY_RETENTION = 100_000;
  public static final int DEFAULT_EVENT_LOG_CAPACITY = 4_096;
  public static final int DEFAULT_MAX_BATCH = 256;

  public StoreConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException("dataDir is required");
    }
    if (historyRetention < 1) {
      throw new IllegalArgumentException("historyRetention < 1: " + historyRetention);
    }
    if (eventLogCapacity < 1) {
      throw new IllegalArgumentException("eventLogCapacity < 1: " + eventLogCapacity);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch < 1: " + maxBatch);
    }
  }

  public static StoreConfig defaults(Path dataDir) {
    return new StoreConfig(dataDir, DEFAULT_HISTORY_RETENTION, DEFAULT_EVENT_LOG_CAPACITY, DEFAULT_MAX_BATCH);
  }

  public StoreConfig withHistoryRetention(long n) {
    return new StoreConfig(dataDir, n, eventLogCapacity, maxBatch);
  }

  public StoreConfig withEventLogCapacity(int n) {
    return new StoreConfig(dataDir, historyRetention, n, maxBatch);
  }
}
