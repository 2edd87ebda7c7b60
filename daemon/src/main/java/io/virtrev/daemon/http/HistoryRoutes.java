package io.virtrev.daemon.http;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.ServedXml;
import io.virtrev.api.ListMeta;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import io.virtrev.versioning.VersionedStore;
import io.virtrev.versioning.HistoryPage;
import io.virtrev.versioning.Snapshot;
import io.virtrev.versioning.StoredEvent;
import io.virtrev.versioning.Uuids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A domain's past, read from the store's retained history (SQLite, on {@code api.blocking()}, never on
 * the event loop): its revisions ({@code /history}), the domain as it was at a revision
 * ({@code ?resourceVersion=N}), and config diffs between two revisions ({@code /diff}).
 *
 * <p>Addressing. {@code /history} and {@code /diff}: a current domain by uuid or name (as GET); else a
 * uuid as given (a deleted domain); else the domain that last had that name in retained history. At a
 * revision N: a uuid as given; else the domain that had that name at N; else the current domain of that
 * name (a domain renamed since N).
 */
final class HistoryRoutes {
  private HistoryRoutes() {}

  /** GET /apis/virtrev.io/v1/domains/{id}/history[?limit=L&continue=T]. */
  static Reply history(Call c) {
    return history(c, KindScope.DOMAINS);
  }

  /** The history of one object of {@code scope}'s kind, as a domain's ({@link DomainHistory} either way). */
  static <T> Reply history(Call c, KindScope<T> scope) {
    Representation.negotiate(c.req(), Representation.JSON_ONLY);
    ApiContext api = c.api();
    Query query = c.query();
    String id = c.param("name");
    int limit = ListRoutes.limit(query);
    Optional<String> cont = query.get("continue").filter(s -> !s.isEmpty());
    VersionedStore store = api.store();
    Snapshot snap = store.snapshot();
    Optional<ContinueToken> token = cont.map(t -> ContinueToken.decode(t, ContinueToken.HISTORY, snap.storeId()));
    token.ifPresent(t -> checkAgainstStore(t, snap, store.compacted()));
    return Blocking.reply(api, () -> {
      String uuid = resolve(scope, store, snap, id);
      Revision at = snap.revision();
      Revision before = null;
      if (token.isPresent()) {
        ContinueToken t = token.get();
        if (!t.uuid().equals(uuid)) {
          throw Query.bad("continue token is for the history of " + scope.api().singular() + " " + t.uuid()
              + ", not of \"" + id + "\" (" + uuid + ")");
        }
        at = t.revision();
        before = t.before();
      }
      HistoryPage page = store.history(scope.model().kind(), uuid, at, before, limit);
      if (token.isPresent() && page.compacted().isAfter(token.get().compacted())) {
        throw compactedSince(token.get(), page.compacted());
      }
      if (token.isEmpty() && page.events().isEmpty()) {
        throw notFound(scope, id, "in the current state or the retained history");
      }
      List<DomainHistory.Item> items = new ArrayList<>(page.events().size());
      for (StoredEvent e : page.events()) {
        items.add(new DomainHistory.Item(e.type(), e.time(), e.object(scope.model().type())));
      }
      Revision c0 = token.map(ContinueToken::compacted).orElse(page.compacted());
      String next = page.more()
          ? ContinueToken.history(snap.storeId(), at, c0, uuid, page.events().get(page.events().size() - 1).revision())
              .encode()
          : null;
      DomainHistory body = DomainHistory.of(new ListMeta(at, snap.storeId(), page.compacted(), next, null), items);
      return Reply.json(body).withStoreId(snap.storeId());
    });
  }

  /**
   * A history token's revisions against the store, as list tokens are checked: a token is only ever
   * issued with {@code before <= revision <= the store's revision} and {@code compacted} at most the
   * store's mark (which only rises), so anything else was forged or damaged (400); a mark that rose since
   * the first page means the next pages may have lost revisions (410).
   */
  private static void checkAgainstStore(ContinueToken t, Snapshot snap, Revision compactedNow) {
    if (t.revision().isAfter(snap.revision())) {
      throw Query.bad("continue token names revision " + t.revision() + ", beyond the store's current "
          + snap.revision() + "; read the history again without continue");
    }
    if (t.before().isAfter(t.revision()) || t.compacted().isAfter(compactedNow)) {
      throw Query.bad("continue token is malformed or was modified (revision " + t.revision() + ", before "
          + t.before() + ", compacted " + t.compacted() + "; the store's compacted revision is " + compactedNow
          + "); read the history again without continue");
    }
    if (compactedNow.isAfter(t.compacted())) {
      throw compactedSince(t, compactedNow);
    }
  }

  private static ApiException compactedSince(ContinueToken t, Revision compactedNow) {
    return new ApiException(ApiException.Reason.EXPIRED, "The provided continue parameter is too old: the"
        + " history was compacted since the first page (compacted revision " + t.compacted() + " -> "
        + compactedNow + "). You can start again without the continue parameter.",
        Map.of("compactedRevision", compactedNow.toString()), null);
  }

  /** GET /apis/virtrev.io/v1/domains/{id}/diff[?from=A][&to=B]: unified diff of spec.xml. */
  static Reply diff(Call c) {
    return diff(c, KindScope.DOMAINS);
  }

  /** The diff of one object of {@code scope}'s kind: its {@code spec.xml} between two revisions. */
  static <T> Reply diff(Call c, KindScope<T> scope) {
    Representation.negotiate(c.req(), Representation.TEXT_ONLY);
    ApiContext api = c.api();
    Query query = c.query();
    String id = c.param("name");
    Optional<Revision> from = query.revision("from");
    Optional<Revision> to = query.revision("to");
    if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
      throw Query.bad("from=" + from.get() + " is after to=" + to.get() + ": from must be at or before to");
    }
    VersionedStore store = api.store();
    Optional<Revision> wait = to.isPresent() ? to : from;
    return RevisionWait.atRevision(c.req(), api, wait, snap -> {
      Revision toRev = to.orElse(snap.revision());
      if (from.isPresent() && from.get().isAfter(toRev)) {
        throw Query.bad("from=" + from.get() + " is after to=" + toRev + " (the current revision)");
      }
      store.checkRetained(from.orElse(toRev));
      return Blocking.reply(api, () -> {
        String uuid = resolve(scope, store, snap, id);
        io.virtrev.versioning.Kind kind = scope.model().kind();
        StoredEvent newer = existing(scope, store.versionAt(kind, uuid, toRev), id, toRev);
        String oldText;
        Revision fromRev;
        if (from.isPresent()) {
          fromRev = from.get();
          oldText = xml(scope, existing(scope, store.versionAt(kind, uuid, fromRev), id, fromRev));
        } else if (newer.type().equals(WatchEvent.ADDED)) {
          fromRev = Revision.of(newer.revision().value() - 1); // it did not exist then
          oldText = "";
        } else {
          Optional<StoredEvent> prev = store.versionBefore(kind, uuid, newer.revision());
          if (prev.isEmpty() || prev.get().type().equals(WatchEvent.DELETED)) {
            fromRev = Revision.of(newer.revision().value() - 1);
            oldText = "";
          } else {
            fromRev = prev.get().revision();
            oldText = xml(scope, prev.get());
          }
        }
        // The served form on both sides: labels and annotations are metadata, not in the diffed XML.
        String text = unifiedDiff(ServedXml.withoutObjectMeta(oldText),
            ServedXml.withoutObjectMeta(xml(scope, newer)), fromRev, toRev);
        return Reply.text(text, Reply.TEXT).withStoreId(snap.storeId());
      });
    });
  }

  /** GET /apis/virtrev.io/v1/domains/{id}?resourceVersion=N: the domain exactly as it was at revision N. */
  static Reply getAt(Call c, String id, Revision rv) {
    ApiContext api = c.api();
    boolean live = c.query().flag("live");
    Representation rep = Representation.negotiate(c.req(), Representation.GET);
    boolean xml = rep == Representation.XML;
    DomainTable.Options table = rep.isTable() ? DomainTable.Options.of(rep, c.query()) : null;
    VersionedStore store = api.store();
    store.checkRetained(rv);
    return RevisionWait.atRevision(c.req(), api, Optional.of(rv), snap -> Blocking.reply(api, () -> {
      Domain d = at(store, snap, id, rv);
      Reply.Full body;
      if (table != null) {
        body = Reply.bytes(HttpResponseStatus.OK, DomainTable.one(table, d, true), rep.mediaType());
      } else if (xml) {
        String text = live ? ServedXml.withoutObjectMeta(d.status().liveXml())
            : ServedXml.spec(d.spec().xml(), d.metadata().generation());
        if (text == null) {
          throw new ApiException(ApiException.Reason.CONFLICT, "domain \"" + d.name() + "\" was not active at revision "
              + rv + " (state " + d.status().state() + "): it had no live XML",
              Map.of("name", d.name(), "uid", d.uuid(), "kind", "domains"), null);
        }
        body = Reply.text(text, Reply.XML + "; charset=utf-8");
      } else {
        body = Reply.json(d);
      }
      return body.withEtag(d.resourceVersion()).withStoreId(snap.storeId());
    }));
  }

  private static Domain at(VersionedStore store, Snapshot snap, String id, Revision rv) {
    if (Uuids.looksLikeUuid(id)) {
      Optional<StoredEvent> e = store.versionAt(Uuids.normalize(id), rv);
      if (e.isPresent() && !e.get().type().equals(WatchEvent.DELETED)) {
        return e.get().object();
      }
    }
    Optional<String> uuid = store.uuidNamedAt(id, rv).or(() -> snap.byName(id).map(Domain::uuid));
    if (uuid.isPresent()) {
      Optional<StoredEvent> e = store.versionAt(uuid.get(), rv);
      if (e.isPresent() && !e.get().type().equals(WatchEvent.DELETED)) {
        return e.get().object();
      }
    }
    throw notFound(id, "at revision " + rv);
  }

  /** A current object's uid, else a uid as given, else the uid that last had this name (within the owner). */
  private static <T> String resolve(KindScope<T> scope, VersionedStore store, Snapshot snap, String id) {
    Optional<T> now = snap.find(scope.model(), scope.ownerUid(), id);
    if (now.isPresent()) {
      return scope.model().meta(now.get()).uuid();
    }
    if (Uuids.looksLikeUuid(id)) {
      return Uuids.normalize(id);
    }
    return store.lastUidNamed(scope.model().kind(), scope.ownerUid(), id)
        .orElseThrow(() -> notFound(scope, id, "in the current state or the retained history"));
  }

  private static StoredEvent existing(KindScope<?> scope, Optional<StoredEvent> e, String id, Revision rv) {
    if (e.isEmpty() || e.get().type().equals(WatchEvent.DELETED)) {
      throw notFound(scope, id, "at revision " + rv);
    }
    return e.get();
  }

  /** The spec XML a stored version of {@code scope}'s kind holds. */
  private static String xml(KindScope<?> scope, StoredEvent e) {
    return KindScope.specXml(e.object(scope.model().type()));
  }

  static String unifiedDiff(String oldText, String newText, Revision from, Revision to) {
    List<String> a = oldText.lines().toList();
    List<String> b = newText.lines().toList();
    Patch<String> patch = DiffUtils.diff(a, b);
    if (patch.getDeltas().isEmpty()) {
      return "";
    }
    List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("rev " + from, "rev " + to, a, patch, 3);
    return String.join("\n", lines) + "\n";
  }

  private static ApiException notFound(String id, String where) {
    return notFound(KindScope.DOMAINS, id, where);
  }

  private static ApiException notFound(KindScope<?> scope, String id, String where) {
    return new ApiException(ApiException.Reason.NOT_FOUND, scope.api().singular() + " \"" + id + "\" not found "
        + where, Map.of("name", id, "kind", scope.api().resource()), null);
  }

}
