package io.virtrev.versioning.sqlite;

import io.virtrev.versioning.StoredEvent;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * History recently read from the database for watchers behind the event log, in pages shared by every
 * watcher: 1,000 watchers lagging through the same range cost one database read per page, not 1,000.
 * Page {@code k} holds revisions {@code (k * PAGE_SIZE, (k + 1) * PAGE_SIZE]} (from the first retained
 * one, if the page begins below the compacted revision). Only pages read up to their end are kept, so a
 * kept page is complete and never changes (history is immutable); least recently used pages are
 * dropped while the pages' {@link StoredEvent#retainedBytes()} exceed {@code maxBytes}.
 *
 * <p>Filled by {@link HistoryReads#readPage}. A page that reaches below the compacted revision is
 * still served: the caller checks the mark first (a watcher behind it gets EXPIRED), and the rows it
 * holds are the ones that were retained when it was read.
 *
 * <p>Locking: {@code this} guards {@code pages} and {@code bytes}; held only for a map lookup, insert
 * or eviction (a leaf: {@code SqliteRevisions.readLock} may be held when it is taken, never the
 * reverse).
 */
public final class HistoryPages {
  public static final int PAGE_SIZE = 256;

  /** A page's events, revisions {@code first + 1, first + 2, ...} without a gap. Immutable. */
  public record Page(long first, List<StoredEvent> events) {
    /** The events after {@code after} (a view); {@code after} must be at or above {@code first}. */
    public List<StoredEvent> after(long after) {
      int skip = (int) Math.min(events.size(), Math.max(0, after - first));
      return events.subList(skip, events.size());
    }

    public long bytes() {
      long b = 0;
      for (StoredEvent e : events) {
        b += e.retainedBytes();
      }
      return b;
    }
  }

  private final long maxBytes;
  private final LinkedHashMap<Long, Sized> pages = new LinkedHashMap<>(16, 0.75f, true); // access order
  private long bytes;

  private record Sized(Page page, long bytes) {}

  public HistoryPages(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("history cache bytes < 0: " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** The page that holds revision {@code after + 1}. */
  public static long pageOf(long after) {
    return after / PAGE_SIZE;
  }

  /** The first revision page {@code page} may hold. */
  public static long first(long page) {
    return page * PAGE_SIZE + 1;
  }

  /** The last revision page {@code page} holds. */
  public static long last(long page) {
    return (page + 1) * PAGE_SIZE;
  }

  /** False if the cache keeps nothing ({@code maxBytes == 0}). */
  public boolean enabled() {
    return maxBytes > 0;
  }

  /** The page, if kept; marks it as recently used. */
  public synchronized Page get(long page) {
    Sized s = pages.get(page);
    return s == null ? null : s.page();
  }

  /** Keeps {@code p} as page {@code page}, then drops least recently used pages while over the budget. */
  public synchronized void put(long page, Page p) {
    long size = p.bytes();
    if (!enabled() || size > maxBytes) {
      return;
    }
    Sized old = pages.put(page, new Sized(p, size));
    if (old != null) {
      bytes -= old.bytes();
    }
    bytes += size;
    Iterator<Map.Entry<Long, Sized>> it = pages.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Long, Sized> eldest = it.next();
      bytes -= eldest.getValue().bytes();
      it.remove();
    }
  }

  /** Bytes held (for tests). */
  public synchronized long bytes() {
    return bytes;
  }

  /** Pages held (for tests). */
  public synchronized int size() {
    return pages.size();
  }
}
