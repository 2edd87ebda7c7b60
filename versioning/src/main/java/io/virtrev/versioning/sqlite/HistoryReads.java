package io.virtrev.versioning.sqlite;

import io.virtrev.api.Revision;
import io.virtrev.versioning.Kind;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The history-page role: watchers behind the in-memory event log read history here, a page at a time
 * ({@link HistoryPages}), any thread (blocking: not event-loop threads). {@code readLock} guards the
 * read connection and makes a miss in the page cache one read that every watcher waiting for the same
 * page shares (lock order: {@code readLock}, then the cache's own leaf lock). Rows of every kind are
 * read: one revision counter, one dense sequence.
 */
public final class HistoryReads {
  private final Object readLock = new Object();
  private final Connection reader; // guarded by readLock
  private final LongAdder historyReads = new LongAdder(); // history reads that went to the database

  HistoryReads(Connection reader) {
    this.reader = reader;
  }

  /**
   * The retained events of one history page after {@code after} and at or below {@code upTo}, in order
   * and without a gap: page {@code after / PAGE_SIZE}, which holds revisions {@code (k * PAGE_SIZE,
   * (k + 1) * PAGE_SIZE]}. Served from {@code cache} if it holds the page; otherwise read, from the
   * page's first retained revision (not only after {@code after}), and put into the cache if it reached
   * the page's end, so that every other watcher in the same page is served without a read. The caller
   * passes the published revision as {@code upTo}: a commit is on disk a moment before it is published,
   * and serving it earlier would let a list that follows show an older revision (time travel). Rows are
   * not parsed ({@link StoredEvent#fromRow}).
   *
   * <p>The cache is checked again under {@code readLock}: watchers that missed the same page while it
   * was being read wait for that one read and share it.
   *
   * @return the events (possibly none if {@code after >= upTo}); a view the caller must not modify
   * @throws StoreException COMPACTED if a revision after {@code after} is no longer retained
   */
  public List<StoredEvent> readPage(HistoryPages cache, long after, long upTo) {
    long page = HistoryPages.pageOf(after);
    long pageStart = HistoryPages.first(page) - 1;
    long pageEnd = HistoryPages.last(page);
    synchronized (readLock) {
      HistoryPages.Page hit = cache.get(page);
      if (hit != null) {
        return hit.after(after);
      }
      try {
        List<StoredEvent> out = new ArrayList<>();
        long from;
        try (PreparedStatement st = reader.prepareStatement(
                "SELECT revision, type, time_ms, json, prev_name, prev_state, uuid, name, state, labels, prev_labels,"
                    + " kind, owner FROM history"
                    + " WHERE revision > ? AND revision <= ? ORDER BY revision");
            PreparedStatement cm = reader.prepareStatement("SELECT value FROM meta WHERE key = 'compacted'")) {
          reader.setAutoCommit(false); // one read transaction: the rows and the compacted mark agree
          long compacted;
          try (ResultSet rs = cm.executeQuery()) {
            rs.next();
            compacted = Long.parseLong(rs.getString(1));
          }
          if (after < compacted) {
            throw StoreException.compacted(after, compacted);
          }
          // Every revision above the mark is there; below it, rows may be gone. Without a cache, only
          // what was asked for.
          from = cache.enabled() ? Math.max(pageStart, compacted) : after;
          st.setLong(1, from);
          st.setLong(2, Math.min(pageEnd, upTo));
          historyReads.increment();
          try (ResultSet rs = st.executeQuery()) {
            long expect = from + 1;
            while (rs.next()) {
              long rev = rs.getLong(1);
              if (rev != expect) {
                throw new IllegalStateException("history has a gap: expected revision " + expect + ", found " + rev);
              }
              out.add(StoredEvent.fromRow(Revision.of(rev), rs.getString(2), Kind.of(rs.getString(12)),
                  rs.getString(7), rs.getString(13), rs.getString(8),
                  rs.getString(9), Instant.ofEpochMilli(rs.getLong(3)), rs.getBytes(4), rs.getString(5),
                  rs.getString(6), Rows.labelsOf(rs.getString(10)), Rows.labelsOf(rs.getString(11))));
              expect++;
            }
          }
        } finally {
          reader.rollback();
          reader.setAutoCommit(true);
        }
        HistoryPages.Page read = new HistoryPages.Page(from, List.copyOf(out));
        if (from + out.size() == pageEnd) {
          cache.put(page, read);
        }
        return read.after(after);
      } catch (SQLException e) {
        throw new StoreException("cannot read history after revision " + after + ": " + e.getMessage(), e);
      }
    }
  }

  /** How many history reads watchers made on the database (not served by the page cache). */
  public long historyReads() {
    return historyReads.sum();
  }


  void close() {
    synchronized (readLock) {
      SqliteRevisions.closeQuietly(reader);
    }
  }
}
