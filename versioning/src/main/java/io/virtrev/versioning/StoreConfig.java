package io.virtrev.versioning;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Limits of the versioned store, all configurable so tests can reach the slow paths.
 *
 * @param dataDir directory holding the SQLite database; created if missing
 * @param historyRetention how many of the newest revisions stay retained for watch/resume (>= 1)
 * @param eventLogCapacity how many of the newest revisions are kept in memory for watchers (>= 1);
 *     older ones are read from the database
 * @param maxBatch most commands applied in one database transaction (group commit)
 * @param historyMaxAge revisions committed longer ago than this are compacted too (whichever of
 *     {@code historyRetention} and this compacts more wins; the newest revision is never compacted);
 *     {@link Duration#ZERO}: no age limit
 * @param compactionChunk most history rows one compaction transaction deletes (>= 1); small chunks let
 *     the writer's commits interleave with a long compaction
 * @param compactionInterval how often the compactor checks the age limit when nothing is committed
 */
public record StoreConfig(Path dataDir, long historyRetention, int eventLogCapacity, int maxBatch,
    Duration historyMaxAge, int compactionChunk, Duration compactionInterval) {
  public static final long DEFAULT_HISTORY_RETENTION = 100_000;
  public static final int DEFAULT_EVENT_LOG_CAPACITY = 4_096;
  public static final int DEFAULT_MAX_BATCH = 256;
  public static final Duration DEFAULT_HISTORY_MAX_AGE = Duration.ofDays(7);
  public static final int DEFAULT_COMPACTION_CHUNK = 1_000;
  public static final Duration DEFAULT_COMPACTION_INTERVAL = Duration.ofMinutes(1);

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
    if (historyMaxAge == null || historyMaxAge.isNegative()) {
      throw new IllegalArgumentException("historyMaxAge must be >= 0 (0: no age limit): " + historyMaxAge);
    }
    if (compactionChunk < 1) {
      throw new IllegalArgumentException("compactionChunk < 1: " + compactionChunk);
    }
    if (compactionInterval == null || compactionInterval.isNegative() || compactionInterval.isZero()) {
      throw new IllegalArgumentException("compactionInterval must be positive: " + compactionInterval);
    }
  }

  /** The limits without the age and compaction settings, which take their defaults. */
  public StoreConfig(Path dataDir, long historyRetention, int eventLogCapacity, int maxBatch) {
    this(dataDir, historyRetention, eventLogCapacity, maxBatch, DEFAULT_HISTORY_MAX_AGE, DEFAULT_COMPACTION_CHUNK,
        DEFAULT_COMPACTION_INTERVAL);
  }

  public static StoreConfig defaults(Path dataDir) {
    return new StoreConfig(dataDir, DEFAULT_HISTORY_RETENTION, DEFAULT_EVENT_LOG_CAPACITY, DEFAULT_MAX_BATCH);
  }

  public StoreConfig withHistoryRetention(long n) {
    return new StoreConfig(dataDir, n, eventLogCapacity, maxBatch, historyMaxAge, compactionChunk, compactionInterval);
  }

  public StoreConfig withEventLogCapacity(int n) {
    return new StoreConfig(dataDir, historyRetention, n, maxBatch, historyMaxAge, compactionChunk, compactionInterval);
  }

  public StoreConfig withHistoryMaxAge(Duration d) {
    return new StoreConfig(dataDir, historyRetention, eventLogCapacity, maxBatch, d, compactionChunk, compactionInterval);
  }

  public StoreConfig withCompactionChunk(int n) {
    return new StoreConfig(dataDir, historyRetention, eventLogCapacity, maxBatch, historyMaxAge, n, compactionInterval);
  }

  public StoreConfig withCompactionInterval(Duration d) {
    return new StoreConfig(dataDir, historyRetention, eventLogCapacity, maxBatch, historyMaxAge, compactionChunk, d);
  }
}
