package io.virtrev.versioning;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Limits of the versioned store, all configurable so tests can reach the slow paths.
 *
 * @param dataDir directory holding the SQLite database; created if missing
 * @param historyRetention how many of the newest revisions stay retained for watch/resume (>= 1)
 * @param eventLogCapacity most of the newest revisions kept in memory for watchers (>= 1); older ones
 *     are read from the database
 * @param eventLogBytes most bytes the in-memory event log holds (>= 1): its events' watch lines plus a
 *     fixed overhead each ({@link StoredEvent#retainedBytes()}); the oldest are dropped first, the
 *     newest revision is always kept. With {@code eventLogCapacity} the tighter limit wins
 * @param maxBatch most commands applied in one database transaction (group commit)
 * @param historyMaxAge revisions committed longer ago than this are compacted too (whichever of
 *     {@code historyRetention} and this compacts more wins; the newest revision is never compacted);
 *     {@link Duration#ZERO}: no age limit
 * @param compactionChunk most history rows one compaction transaction deletes (>= 1); small chunks let
 *     the writer's commits interleave with a long compaction
 * @param compactionInterval how often the compactor checks the age limit when nothing is committed
 * @param historyCacheBytes most bytes of history pages (revisions read from the database for watchers
 *     behind the event log) kept in memory and shared by every watcher reading the same range (>= 0; 0:
 *     no cache, every watcher reads its own)
 */
public record StoreConfig(Path dataDir, long historyRetention, int eventLogCapacity, int maxBatch,
    Duration historyMaxAge, int compactionChunk, Duration compactionInterval, long eventLogBytes,
    long historyCacheBytes) {
  public static final long DEFAULT_HISTORY_RETENTION = 100_000;
  public static final int DEFAULT_EVENT_LOG_CAPACITY = 100_000;
  public static final long DEFAULT_EVENT_LOG_BYTES = 64L << 20;
  public static final long DEFAULT_HISTORY_CACHE_BYTES = 16L << 20;
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
    if (eventLogBytes < 1) {
      throw new IllegalArgumentException("eventLogBytes < 1: " + eventLogBytes);
    }
    if (historyCacheBytes < 0) {
      throw new IllegalArgumentException("historyCacheBytes < 0: " + historyCacheBytes);
    }
  }

  /** The limits without the age, compaction and memory settings, which take their defaults. */
  public StoreConfig(Path dataDir, long historyRetention, int eventLogCapacity, int maxBatch) {
    this(dataDir, historyRetention, eventLogCapacity, maxBatch, DEFAULT_HISTORY_MAX_AGE, DEFAULT_COMPACTION_CHUNK,
        DEFAULT_COMPACTION_INTERVAL, DEFAULT_EVENT_LOG_BYTES, DEFAULT_HISTORY_CACHE_BYTES);
  }

  public static StoreConfig defaults(Path dataDir) {
    return new StoreConfig(dataDir, DEFAULT_HISTORY_RETENTION, DEFAULT_EVENT_LOG_CAPACITY, DEFAULT_MAX_BATCH);
  }

  public StoreConfig withHistoryRetention(long n) {
    return new StoreConfig(dataDir, n, eventLogCapacity, maxBatch,
        historyMaxAge, compactionChunk, compactionInterval, eventLogBytes, historyCacheBytes);
  }

  public StoreConfig withEventLogCapacity(int n) {
    return new StoreConfig(dataDir, historyRetention, n, maxBatch,
        historyMaxAge, compactionChunk, compactionInterval, eventLogBytes, historyCacheBytes);
  }

  public StoreConfig withHistoryMaxAge(Duration d) {
    return new StoreConfig(dataDir, historyRetention, eventLogCapacity, maxBatch,
        d, compactionChunk, compactionInterval, eventLogBytes, historyCacheBytes);
  }

  public StoreConfig withCompactionChunk(int n) {
    return new StoreConfig(dataDir, historyRetention, eventLogCapacity, maxBatch,
        historyMaxAge, n, compactionInterval, eventLogBytes, historyCacheBytes);
  }

  public StoreConfig withCompactionInterval(Duration d) {
    return new StoreConfig(dataDir, historyRetention, eventLogCapacity, maxBatch,
        historyMaxAge, compactionChunk, d, eventLogBytes, historyCacheBytes);
  }

  public StoreConfig withEventLogBytes(long n) {
    return new StoreConfig(dataDir, historyRetention, eventLogCapacity, maxBatch,
        historyMaxAge, compactionChunk, compactionInterval, n, historyCacheBytes);
  }

  public StoreConfig withHistoryCacheBytes(long n) {
    return new StoreConfig(dataDir, historyRetention, eventLogCapacity, maxBatch,
        historyMaxAge, compactionChunk, compactionInterval, eventLogBytes, n);
  }
}
