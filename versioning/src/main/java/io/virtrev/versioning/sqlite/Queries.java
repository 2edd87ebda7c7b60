package io.virtrev.versioning.sqlite;

import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import io.virtrev.versioning.FieldSelector;
import io.virtrev.versioning.HistoryPage;
import io.virtrev.versioning.Kind;
import io.virtrev.versioning.ListKey;
import io.virtrev.versioning.ListPage;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The query role: reads of the past for lists, gets, history and diff (any thread; they block on
 * SQLite, so not event-loop threads). {@code queryLock} guards the query connection, so a list page
 * never delays a lagging watcher ({@link HistoryReads} has its own). Every read is one read
 * transaction that first reads {@code meta.compacted}: rows and the mark agree, whatever the compactor
 * does meanwhile. Every query names the kind it reads.
 */
public final class Queries {
  private final Object queryLock = new Object();
  private final Connection query; // guarded by queryLock

  Queries(Connection query) {
    this.query = query;
  }

  /** One read transaction on the query connection: {@code compacted} is the mark it sees. */
  @FunctionalInterface
  private interface ReadFn<T> {
    T read(Connection c, long compacted) throws SQLException;
  }

  /**
   * The state at revision {@code at} (>= the compacted revision, <= the last committed one): for each
   * uuid its newest row at or below {@code at}, unless a DELETED, sorted by (name, uuid); then one page
   * of it (objects are read only for the entries the page looks at).
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  public ListPage<io.virtrev.api.Domain> stateAt(Kind kind, long at, ListKey after, FieldSelector selector, int limit) {
    return stateAt(io.virtrev.versioning.Kinds.DOMAINS, null, at, after, selector, limit);
  }

  /** As {@link #stateAt(Kind, long, ListKey, FieldSelector, int)}, for any kind, of {@code ownerUid}'s objects only unless it is null. */
  public <T> ListPage<T> stateAt(io.virtrev.versioning.KindModel<?, T> model, String ownerUid, long at, ListKey after,
      FieldSelector selector, int limit) {
    Kind kind = model.kind();
    return read("the state at revision " + at, (c, compacted) -> {
      if (at < compacted) {
        throw StoreException.compacted(at, compacted);
      }
      List<ListPage.Head> heads = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(
          "SELECT h.revision, h.uuid, h.name FROM history h JOIN (SELECT MAX(revision) AS r FROM history"
              + " WHERE kind = ? AND revision <= ? GROUP BY uuid) m ON h.revision = m.r WHERE h.type != 'DELETED'"
              + (ownerUid == null ? "" : " AND h.owner = ?"))) {
        st.setString(1, kind.key());
        st.setLong(2, at);
        if (ownerUid != null) {
          st.setString(3, ownerUid);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            heads.add(new ListPage.Head(new ListKey(rs.getString(3), rs.getString(2)), rs.getLong(1)));
          }
        }
      }
      heads.sort((a, b) -> a.key().compareTo(b.key()));
      try (PreparedStatement one = c.prepareStatement("SELECT json FROM history WHERE revision = ?")) {
        return ListPage.cut(Revision.of(at), heads, after, selector, limit, model, hs -> {
          List<T> out = new ArrayList<>(hs.size());
          for (ListPage.Head h : hs) {
            out.add(Json.read(jsonAt(one, h.revision()), model.type()));
          }
          return out;
        });
      }
    });
  }

  private static byte[] jsonAt(PreparedStatement one, long revision) {
    try {
      one.setLong(1, revision);
      try (ResultSet rs = one.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("history row " + revision + " vanished inside a read transaction");
        }
        return rs.getBytes(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read history row " + revision + ": " + e.getMessage(), e);
    }
  }

  /**
   * The newest row of {@code uuid} at or below {@code at} (a DELETED row means it did not exist at
   * {@code at}), or empty if it never existed up to {@code at}.
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  public Optional<StoredEvent> versionAt(Kind kind, String uuid, long at) {
    return read(kind + " " + uuid + " at revision " + at, (c, compacted) -> {
      if (at < compacted) {
        throw StoreException.compacted(at, compacted);
      }
      return newestRow(c, kind, uuid, at);
    });
  }

  /**
   * The row of {@code uuid} before its row at revision {@code version}: empty if there is none.
   *
   * @throws StoreException COMPACTED if {@code version} is at or below the compacted revision (its
   *     predecessors are compacted)
   */
  public Optional<StoredEvent> versionBefore(Kind kind, String uuid, long version) {
    return read("the version of " + uuid + " before " + version, (c, compacted) -> {
      if (version <= compacted) {
        throw StoreException.compacted(version - 1, compacted);
      }
      return newestRow(c, kind, uuid, version - 1);
    });
  }

  private static Optional<StoredEvent> newestRow(Connection c, Kind kind, String uuid, long atOrBelow)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT " + Rows.ROW + " FROM history WHERE kind = ? AND uuid = ?"
            + " AND revision <= ?"
            + " ORDER BY revision DESC LIMIT 1")) {
      st.setString(1, kind.key());
      st.setString(2, uuid);
      st.setLong(3, atOrBelow);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.of(Rows.event(rs)) : Optional.empty();
      }
    }
  }

  /**
   * The uuid of the domain named {@code name} at revision {@code at} (not deleted then), if any.
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  public Optional<String> uuidNamedAt(Kind kind, String name, long at) {
    return uidNamedAt(kind, null, name, at);
  }

  /**
   * The uid of the object of {@code kind} named {@code name} within {@code ownerUid} (null: a kind that
   * belongs to nothing) at revision {@code at} (not deleted then), if any.
   *
   * @throws StoreException COMPACTED if {@code at} is below the compacted revision
   */
  public Optional<String> uidNamedAt(Kind kind, String ownerUid, String name, long at) {
    return read("the object of " + kind + " named " + name + " at revision " + at, (c, compacted) -> {
      if (at < compacted) {
        throw StoreException.compacted(at, compacted);
      }
      List<String> candidates = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(
          "SELECT DISTINCT uuid FROM history WHERE kind = ? AND name = ? AND revision <= ?"
              + (ownerUid == null ? "" : " AND owner = ?"))) {
        st.setString(1, kind.key());
        st.setString(2, name);
        st.setLong(3, at);
        if (ownerUid != null) {
          st.setString(4, ownerUid);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            candidates.add(rs.getString(1));
          }
        }
      }
      for (String uuid : candidates) {
        Optional<StoredEvent> e = newestRow(c, kind, uuid, at);
        if (e.isPresent() && !e.get().type().equals(WatchEvent.DELETED) && e.get().name().equals(name)) {
          return Optional.of(uuid);
        }
      }
      return Optional.empty();
    });
  }

  /** The uuid of the newest history row with {@code name} (a deleted or renamed domain), if any. */
  public Optional<String> lastUuidNamed(Kind kind, String name) {
    return lastUidNamed(kind, null, name);
  }

  /** The uid of the newest history row of {@code kind} named {@code name} within {@code ownerUid} (null: any), if any. */
  public Optional<String> lastUidNamed(Kind kind, String ownerUid, String name) {
    return read("the last object of " + kind + " named " + name, (c, compacted) -> {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT uuid FROM history WHERE kind = ? AND name = ?" + (ownerUid == null ? "" : " AND owner = ?")
              + " ORDER BY revision DESC LIMIT 1")) {
        st.setString(1, kind.key());
        st.setString(2, name);
        if (ownerUid != null) {
          st.setString(3, ownerUid);
        }
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /**
   * Retained rows of {@code uuid} at or below {@code at} and below {@code before}, newest first, at
   * most {@code limit} ({@code <= 0}: all). Retained: above the compacted revision, or the newest row
   * at or below it unless a DELETED (rows a running compaction has not deleted yet are not shown).
   */
  public HistoryPage historyOf(Kind kind, String uuid, long at, long before, int limit) {
    return read("the history of " + uuid, (c, compacted) -> {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT " + Rows.ROW + " FROM history WHERE kind = ?6 AND uuid = ?1"
              + " AND revision <= ?2 AND revision < ?3 AND (revision > ?4 OR (type != 'DELETED' AND revision ="
              + " (SELECT MAX(revision) FROM history WHERE kind = ?6 AND uuid = ?1 AND revision <= ?4)))"
              + " ORDER BY revision DESC LIMIT ?5")) {
        st.setString(1, uuid);
        st.setLong(2, at);
        st.setLong(3, before);
        st.setLong(4, compacted);
        st.setLong(5, limit <= 0 ? -1 : (long) limit + 1);
        st.setString(6, kind.key());
        List<StoredEvent> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(Rows.event(rs));
          }
        }
        boolean more = limit > 0 && out.size() > limit;
        return new HistoryPage(more ? out.subList(0, limit) : out, Revision.of(compacted), more);
      }
    });
  }

  private <T> T read(String what, ReadFn<T> fn) {
    synchronized (queryLock) {
      try {
        query.setAutoCommit(false); // one read transaction: the rows and the compacted mark agree
        try {
          long compacted;
          try (Statement st = query.createStatement();
              ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'compacted'")) {
            rs.next();
            compacted = Long.parseLong(rs.getString(1));
          }
          return fn.read(query, compacted);
        } finally {
          query.rollback();
          query.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new StoreException("cannot read " + what + ": " + e.getMessage(), e);
      }
    }
  }


  void close() {
    synchronized (queryLock) {
      SqliteRevisions.closeQuietly(query);
    }
  }
}
