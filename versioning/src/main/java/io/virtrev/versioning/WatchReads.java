package io.virtrev.versioning;

import io.virtrev.api.Revision;
import io.virtrev.versioning.sqlite.HistoryPages;
import io.virtrev.versioning.sqlite.HistoryReads;
import java.util.ArrayList;
import java.util.List;

/**
 * The reads that feed watchers: the newest events from the in-memory {@link EventLog} (never blocks),
 * and older retained events from SQLite in pages every watcher shares ({@link HistoryPages}), never
 * beyond the published revision.
 *
 * <p>Threads: any; the event log and the history pages have their own locks, this class none.
 * {@link #readHistory} may block on disk I/O: not for event-loop threads.
 */
final class WatchReads {
  private final EventLog log;
  private final HistoryPages pages; // history read for watchers behind the log, shared between them
  private final HistoryReads history;
  private final PublishedState published;

  WatchReads(EventLog log, HistoryPages pages, HistoryReads history, PublishedState published) {
    this.log = log;
    this.pages = pages;
    this.history = history;
    this.published = published;
  }

  RecentEvents readRecent(Revision after, int max) {
    return log.readAfter(after.value(), max);
  }

  RecentEvents readRecent(Revision after, int max, long maxBytes) {
    return log.readAfter(after.value(), max, maxBytes);
  }

  /** See {@link VersionedStore#readHistory}. */
  List<StoredEvent> readHistory(Revision after, int max) {
    long upTo = published.snapshot().revision().value(); // nothing beyond what is published (no time travel)
    long at = after.value();
    List<StoredEvent> out = new ArrayList<>(Math.min(max, HistoryPages.PAGE_SIZE));
    while (out.size() < max && at < upTo) {
      HistoryPages.Page hit = pages.get(HistoryPages.pageOf(at));
      List<StoredEvent> page;
      if (hit != null) {
        Revision c = published.compacted(); // a read of the database checks the mark itself
        if (at < c.value()) {
          throw StoreException.compacted(at, c.value());
        }
        page = hit.after(at);
      } else {
        page = history.readPage(pages, at, upTo);
      }
      if (page.isEmpty()) {
        break;
      }
      for (StoredEvent e : page) {
        if (out.size() == max || e.revision().value() > upTo) {
          break;
        }
        out.add(e);
        at = e.revision().value();
      }
    }
    return out;
  }

  /** How many history reads for watchers went to the database (the rest came from shared pages). */
  long historyReads() {
    return history.historyReads();
  }

  EventLog eventLog() {
    return log;
  }
}
