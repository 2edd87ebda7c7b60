package io.virtrev.daemon.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.ApiException;
import io.virtrev.api.DomainList;
import io.virtrev.api.Json;
import io.virtrev.api.ListMeta;
import io.virtrev.api.Revision;
import io.virtrev.versioning.VersionedStore;
import io.virtrev.versioning.FieldSelector;
import io.virtrev.versioning.ListKey;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.ListPage;
import io.virtrev.versioning.Snapshot;
import java.util.Map;
import java.util.Optional;

/**
 * GET /api/v1/domains (not watch), with Kubernetes' list semantics:
 *
 * <ul>
 *   <li>{@code resourceVersion} unset: the latest snapshot. Set, with {@code resourceVersionMatch}
 *       unset or {@code NotOlderThan}: a snapshot at least that new (waits up to tooLargeWait, then
 *       504). {@code Exact}: the state exactly at that revision, reconstructed from history when it is
 *       not the current one (410 below the compacted revision, 504 beyond the current one after the
 *       wait).
 *   <li>{@code limit} + {@code continue}: pages of one snapshot, in name-then-uuid order. The first
 *       page fixes the revision R; later pages are the state at R from history (or from memory while R
 *       is still current), so concatenated pages are exactly the state at R whatever is committed in
 *       between. A token below the compacted revision: 410.
 *   <li>{@code fieldSelector} and {@code labelSelector} on every page (the token carries them).
 *   <li>{@code Accept} a Table ({@link Representation}): the same items as a {@link DomainTable}, with the
 *       list's resourceVersion, continue and remainingItemCount; {@code includeObject} says what rows carry.
 * </ul>
 */
final class ListRoutes {
  static final String EXACT = "Exact";
  static final String NOT_OLDER_THAN = "NotOlderThan";

  private ListRoutes() {}

  static Reply list(Call c) {
    return list(c, KindScope.DOMAINS);
  }

  /** A list of {@code scope}'s objects (a kind, of one owner for volumes and snapshots). */
  static <T> Reply list(Call c, KindScope<T> scope) {
    FullHttpRequest req = c.req();
    ApiContext api = c.api();
    Query query = c.query();
    Representation rep = Representation.negotiate(req, Representation.LIST);
    DomainTable.Options table = rep.isTable() ? DomainTable.Options.of(rep, query) : null;
    int limit = limit(query);
    Optional<String> cont = query.get("continue").filter(s -> !s.isEmpty());
    Optional<String> rvText = query.get("resourceVersion").filter(s -> !s.isEmpty());
    Optional<Revision> rv = query.revision("resourceVersion");
    Optional<String> match = query.get("resourceVersionMatch").filter(s -> !s.isEmpty());
    Optional<String> selectorText = query.get("fieldSelector");
    Optional<String> labelText = query.get("labelSelector");
    FieldSelector selector = FieldSelector.parse(selectorText.orElse(null), labelText.orElse(null));
    if (match.isPresent() && !match.get().equals(EXACT) && !match.get().equals(NOT_OLDER_THAN)) {
      throw Query.bad("resourceVersionMatch: Unsupported value: \"" + match.get()
          + "\": supported values: \"" + EXACT + "\", \"" + NOT_OLDER_THAN + "\"");
    }
    if (cont.isPresent()) {
      if (rvText.isPresent() && !rvText.get().equals("0")) {
        throw Query.bad("specifying resourceVersion is not allowed when using continue: the token fixes the"
            + " revision");
      }
      if (match.isPresent()) {
        throw Query.bad("resourceVersionMatch is forbidden when continue is provided");
      }
      return continued(api, scope, table, cont.get(), selectorText, labelText, selector, limit);
    }
    if (match.isPresent() && rv.isEmpty()) {
      throw Query.bad("resourceVersionMatch is forbidden unless resourceVersion is provided");
    }
    if (match.isPresent() && match.get().equals(EXACT)) {
      Revision at = rv.get();
      if (at.equals(Revision.ZERO)) {
        throw Query.bad("resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
      }
      api.store().checkRetained(at);
      return RevisionWait.atRevision(req, api, rv, snap -> page(api, scope, table, at, null, selector, limit));
    }
    return RevisionWait.atRevision(req, api, rv, snap -> {
      if (selector.isEverything() && limit <= 0 && table != null) {
        // The whole current list as a Table: rendered (and gzipped) once per snapshot and options.
        // Per second too: the Age cells are ages as of the second the body was rendered in.
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        java.util.List<Object> key = java.util.List.of(snap.storeId(), snap.revision(), table, now,
            java.util.Objects.toString(scope.tokenScope()));
        byte[] body = DomainTable.memoized(key, () -> scope.table().list(table, snap.revision(), null, null,
            snap.items(scope.model(), scope.ownerUid()), now));
        Reply.Full answer = Gzip.wanted(req, body.length)
            ? Reply.gzipped(DomainTable.memoized(java.util.List.of(key, "gzip"), () -> Gzip.compress(body)),
                table.version().mediaType())
            : Reply.bytes(HttpResponseStatus.OK, body, table.version().mediaType());
        return answer.withStoreId(snap.storeId());
      }
      if (selector.isEverything() && limit <= 0 && table == null) {
        // The whole current list: serialized once per snapshot (and compacted mark), then reused.
        Revision compacted = api.store().compacted();
        Object bodyKey = scope.tokenScope() == null ? compacted : java.util.List.of(scope.tokenScope(), compacted);
        byte[] body = snap.bodyFor(bodyKey, () -> Json.bytes(scope.list(
            new ListMeta(snap.revision(), snap.storeId(), compacted, null, null),
            snap.items(scope.model(), scope.ownerUid()))));
        Reply.Full answer = Gzip.wanted(req, body.length) // compressed once per snapshot too
            ? Reply.gzipped(snap.bodyFor(java.util.List.of("gzip", bodyKey), () -> Gzip.compress(body)), Reply.JSON)
            : Reply.bytes(HttpResponseStatus.OK, body, Reply.JSON);
        return answer.withStoreId(snap.storeId());
      }
      ListPage<T> p = ListPage.of(snap, scope.model(), scope.ownerUid(), null, selector, limit);
      return answer(api, scope, table, snap.storeId(), p, selector);
    });
  }

  private static <T> Reply continued(ApiContext api, KindScope<T> scope, DomainTable.Options table, String text,
      Optional<String> selectorText, Optional<String> labelText, FieldSelector selector, int limit) {
    VersionedStore store = api.store();
    Snapshot snap = store.snapshot();
    ContinueToken t = ContinueToken.decode(text, ContinueToken.LIST, snap.storeId());
    if (!java.util.Objects.equals(t.uuid(), scope.tokenScope())) {
      throw Query.bad("continue token is for the list of " + (t.uuid() == null ? "domains" : t.uuid())
          + ", not of " + (scope.tokenScope() == null ? "domains" : scope.tokenScope())
          + "; use it with the list that issued it");
    }
    FieldSelector fromToken = FieldSelector.parse(t.selector(), t.labelSelector());
    if (selectorText.isPresent() && !selector.toString().equals(fromToken.toString())) {
      throw Query.bad("fieldSelector \"" + selectorText.get() + "\" differs from the one the list started with (\""
          + t.selector() + "\"); pass the same fieldSelector on every page, or none");
    }
    if (labelText.isPresent() && !selector.labels().toString().equals(fromToken.labels().toString())) {
      throw Query.bad("labelSelector \"" + labelText.get() + "\" differs from the one the list started with (\""
          + fromToken.labels() + "\"); pass the same labelSelector on every page, or none");
    }
    if (t.revision().isAfter(snap.revision())) {
      throw Query.bad("continue token names revision " + t.revision() + ", beyond the store's current "
          + snap.revision() + "; list again without continue");
    }
    if (t.revision().compareTo(store.compacted()) < 0) {
      throw tooOld(t.revision(), store.compacted());
    }
    return page(api, scope, table, t.revision(), t.after(), fromToken, limit);
  }

  /** A page at {@code at}: from memory if it is the current snapshot, else from history off the loop. */
  private static <T> Reply page(ApiContext api, KindScope<T> scope, DomainTable.Options table, Revision at,
      ListKey after, FieldSelector selector, int limit) {
    Snapshot snap = api.store().snapshot();
    if (at.equals(snap.revision())) {
      return answer(api, scope, table, snap.storeId(),
          ListPage.of(snap, scope.model(), scope.ownerUid(), after, selector, limit), selector);
    }
    return Blocking.reply(api, () -> {
      ListPage<T> p;
      try {
        p = api.store().list(scope.model(), scope.ownerUid(), at, after, selector, limit);
      } catch (StoreException e) {
        if (e.reason() == StoreException.Reason.COMPACTED && after != null) {
          throw tooOld(at, api.store().compacted());
        }
        throw e;
      }
      return answer(api, scope, table, snap.storeId(), p, selector);
    });
  }

  /** A page as a DomainList, or ({@code table} not null) as a Table of the same items and list metadata. */
  private static <T> Reply answer(ApiContext api, KindScope<T> scope, DomainTable.Options table, String storeId,
      ListPage<T> p, FieldSelector selector) {
    String token = p.next() == null ? null
        : ContinueToken.list(storeId, p.revision(), p.next(), selector.toString(), selector.labels().toString(),
            scope.tokenScope()).encode();
    if (table != null) {
      byte[] body = scope.table().list(table, p.revision(), token, p.remaining(), p.items(), java.time.Instant.now());
      return Reply.bytes(HttpResponseStatus.OK, body, table.version().mediaType()).withStoreId(storeId);
    }
    ListMeta meta = new ListMeta(p.revision(), storeId, api.store().compacted(), token, p.remaining());
    return Reply.json(scope.list(meta, p.items())).withStoreId(storeId);
  }

  static ApiException tooOld(Revision at, Revision compacted) {
    return new ApiException(ApiException.Reason.EXPIRED, "The provided continue parameter is too old to display a"
        + " consistent list result (its revision " + at + " is compacted; oldest retained: " + compacted.next()
        + "). You can start a new list without the continue parameter.",
        Map.of("compactedRevision", compacted.toString()), null);
  }

  /** {@code limit}: absent or 0 = everything (as Kubernetes); otherwise at most that many items. */
  static int limit(Query query) {
    Optional<Long> l = query.positiveLong("limit");
    if (l.isEmpty() || l.get() == 0) {
      return 0;
    }
    return (int) Math.min(Integer.MAX_VALUE - 1, l.get());
  }

  static ListMeta listMeta(Snapshot snap) {
    return new ListMeta(snap.revision(), snap.storeId(), snap.compacted());
  }
}
