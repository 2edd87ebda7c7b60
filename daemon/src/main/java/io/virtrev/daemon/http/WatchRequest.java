package io.virtrev.daemon.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.virtrev.api.ApiException;
import io.virtrev.api.Revision;
import io.virtrev.versioning.FieldSelector;
import io.virtrev.versioning.Snapshot;
import io.virtrev.versioning.Uuids;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A watch request's parameters, checked as Kubernetes checks them.
 *
 * @param resourceVersion start after this revision; empty: start from the current state with
 *     synthetic ADDED events (also for "0")
 * @param sendInitialEvents the streaming-list form: ADDED for the state at (at least) the revision,
 *     then a BOOKMARK annotated {@code k8s.io/initial-events-end}
 * @param bookmarks {@code allowWatchBookmarks}
 * @param selector the field selector (and the one domain, when watching a domain's URL)
 * @param timeout when the server ends the stream
 * @param format JSON lines or Server-Sent Events
 * @param table null: events carry domains; else each ADDED/MODIFIED/DELETED object is a one-row Table
 *     (JSON lines only), the first of the stream with the column definitions, later ones without (as the
 *     apiserver does; kubectl reuses the columns it has)
 * @param scope the kind (and owner) watched; null: every kind ({@code /apis/virtrev.io/v1/all}), whose events
 *     each carry their object's {@code kind}
 */
record WatchRequest(Optional<Revision> resourceVersion, boolean sendInitialEvents, boolean bookmarks,
    FieldSelector selector, Duration timeout, WatchFormat format, DomainTable.Options table, KindScope<?> scope) {

  static final String LAST_EVENT_ID = "Last-Event-ID";

  static WatchRequest parse(FullHttpRequest req, Query query, ApiContext api, String domain) {
    return parse(req, query, api, KindScope.DOMAINS, domain);
  }

  /** A watch of {@code scope}'s kind (null: of every kind), or of one object of it ({@code name} not null). */
  static WatchRequest parse(FullHttpRequest req, Query query, ApiContext api, KindScope<?> scope, String name) {
    Params p = Params.parse(req, query, api, scope == null);
    FieldSelector selector = FieldSelector.parse(query.get("fieldSelector").orElse(null),
        query.get("labelSelector").orElse(null));
    if (name != null) {
      selector = oneObject(selector, api.store().snapshot(), scope, name);
    }
    return new WatchRequest(p.resourceVersion(), p.sendInitialEvents(), p.bookmarks(), selector, p.timeout(),
        p.format(), p.table(), scope);
  }

  /**
   * What every watch takes, on a host and on the fleet gateway alike: the representation (JSON lines, SSE, Table),
   * where it starts ({@code resourceVersion}, or an EventSource's {@code Last-Event-ID}, which wins), initial
   * events, bookmarks and the timeout. Checked here once: {@code sendInitialEvents} needs bookmarks and
   * {@code resourceVersionMatch=NotOlderThan}; {@code resourceVersionMatch} alone is refused.
   */
  record Params(Optional<Revision> resourceVersion, boolean sendInitialEvents, boolean bookmarks, Duration timeout,
      WatchFormat format, DomainTable.Options table) {

    /** {@code everyKind}: a watch of every kind, which has no Table (406). */
    static Params parse(FullHttpRequest req, Query query, ApiContext api, boolean everyKind) {
      Representation rep = Representation.negotiate(req, Representation.WATCH);
      if (everyKind && rep.isTable()) {
        throw new ApiException(ApiException.Reason.NOT_ACCEPTABLE, "a watch of every kind has no Table (its events"
            + " are of several kinds); ask for application/json");
      }
      WatchFormat format = rep == Representation.EVENT_STREAM ? WatchFormat.SSE : WatchFormat.JSON_LINES;
      DomainTable.Options table = rep.isTable() ? DomainTable.Options.of(rep, query) : null;
      Optional<Revision> rv = query.revision("resourceVersion").filter(r -> r.value() != 0);
      boolean initial = query.flag("sendInitialEvents");
      boolean bookmarks = query.flag("allowWatchBookmarks");
      Optional<String> match = query.get("resourceVersionMatch");
      if (initial) {
        if (!bookmarks) {
          throw invalid("sendInitialEvents requires setting allowWatchBookmarks to true");
        }
        if (!match.equals(Optional.of("NotOlderThan"))) {
          throw invalid("sendInitialEvents requires resourceVersionMatch=NotOlderThan (got "
              + match.orElse("none") + ")");
        }
      } else if (match.isPresent()) {
        throw invalid("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
      }
      String lastEventId = req.headers().get(LAST_EVENT_ID);
      if (format == WatchFormat.SSE && lastEventId != null && !lastEventId.isBlank()) {
        // An EventSource reconnecting: resume exactly after the last event it saw, whatever the URL says.
        try {
          rv = Optional.of(Revision.parse(lastEventId.trim()));
        } catch (ApiException e) {
          throw new ApiException(ApiException.Reason.BAD_REQUEST, "Last-Event-ID: " + e.getMessage());
        }
        initial = false;
      }
      return new Params(rv, initial, bookmarks, WatchRequest.timeout(query, api), format, table);
    }
  }

  /** Watching one object's URL: by uid if it is one or names an existing object, else by name. */
  private static <T> FieldSelector oneObject(FieldSelector selector, Snapshot snap, KindScope<T> scope, String id) {
    if (Uuids.looksLikeUuid(id)) {
      return selector.and("metadata.uuid", Uuids.normalize(id));
    }
    return snap.byName(scope.model(), scope.ownerUid(), id)
        .map(o -> selector.and("metadata.uuid", scope.model().meta(o).uuid()))
        .orElseGet(() -> selector.and("metadata.name", id));
  }

  /** Whether a stored event of {@code kind} owned by {@code ownerUid} belongs on this stream. */
  boolean covers(io.virtrev.versioning.Kind kind, String ownerUid) {
    return scope == null || scope.model().kind() == kind
        && (scope.ownerUid() == null || scope.ownerUid().equals(ownerUid));
  }

  /** timeoutSeconds if given (capped by the server maximum), else a random time in [max/2, max]. */
  private static Duration timeout(Query query, ApiContext api) {
    long maxMs = api.http().maxWatchTimeout().toMillis();
    Optional<Long> asked = query.positiveLong("timeoutSeconds");
    if (asked.isPresent() && asked.get() > 0) {
      return Duration.ofMillis(Math.min(maxMs, TimeUnit.SECONDS.toMillis(asked.get())));
    }
    return Duration.ofMillis(maxMs / 2 + ThreadLocalRandom.current().nextLong(maxMs / 2 + 1));
  }

  private static ApiException invalid(String message) {
    return new ApiException(ApiException.Reason.INVALID, message);
  }
}
