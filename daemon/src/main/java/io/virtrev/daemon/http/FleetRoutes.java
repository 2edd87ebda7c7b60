package io.virtrev.daemon.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.fleet.FleetContinue;
import io.virtrev.fleet.FleetObject;
import io.virtrev.fleet.FleetPage;
import io.virtrev.fleet.FleetSelector;
import io.virtrev.fleet.FleetView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fleet gateway's route table (docs/fleet.md, "Gateway"): health, metrics, discovery, version, OpenAPI,
 * and per kind (domains, networks, storage pools) list, get and watch over etcd ({@link FleetView}). Objects
 * are named {@code <host>.<name>}; resourceVersion is etcd's revision. Stateless: every answer is read from
 * etcd.
 *
 * <p>Mutations are not here yet: {@link #kindOps} leaves create, update, patch, delete and the actions null
 * (405); the write side fills them in the same {@link RouteTable.KindOps}.
 */
final class FleetRoutes {
  /** The kinds the fleet serves, in discovery order. */
  static final List<ApiKind> KINDS = List.of(ApiKind.DOMAINS, ApiKind.NETWORKS, ApiKind.STORAGE_POOLS);

  private FleetRoutes() {}

  /**
   * The fleet's reads and their limits.
   *
   * @param view etcd reads
   * @param watchQueue most events a watch holds for a client that does not read; past it the stream ends
   *     (the client resumes from the last resourceVersion it saw)
   */
  record Fleet(FleetView view, int watchQueue) {}

  /** The gateway's routes. */
  static RouteTable table(Fleet fleet) {
    AtomicReference<RouteTable> self = new AtomicReference<>();
    List<Route> rows = new ArrayList<>();
    rows.add(Route.at("/healthz").get(QueryParams.PLAIN, HealthRoutes::healthz));
    rows.add(Route.at("/readyz").get(QueryParams.PLAIN, c -> readyz(c, fleet)));
    rows.add(Route.at("/metrics").get(QueryParams.PLAIN, HealthRoutes::metrics));
    rows.add(Route.at("/api").get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.API)));
    rows.add(Route.at("/apis").get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.GROUPS)));
    rows.add(Route.at("/apis/" + ApiGroup.GROUP).get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.GROUP)));
    rows.add(Route.at(ApiGroup.ROOT).get(QueryParams.DISCOVERY,
        c -> Discovery.reply(c, Discovery.resources(self.get()))));
    rows.add(Route.at("/version").get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.VERSION)));
    rows.add(Route.at(OpenApiRoutes.V2).get(QueryParams.OPENAPI, c -> OpenApiRoutes.serve(c, OpenApiRoutes.V2)));
    rows.add(Route.at(OpenApiRoutes.V3).get(QueryParams.OPENAPI, c -> OpenApiRoutes.serve(c, OpenApiRoutes.V3)));
    rows.add(Route.at(OpenApiDocuments.V3_GROUP_PATH).get(QueryParams.OPENAPI_GROUP,
        c -> OpenApiRoutes.serve(c, OpenApiDocuments.V3_GROUP_PATH)));
    for (ApiKind k : KINDS) {
      rows.addAll(RouteTable.kind(k.collection(), kindOps(k, fleet), false));
    }
    RouteTable t = new RouteTable(rows);
    self.set(t);
    return t;
  }

  /** A kind's operations on the gateway: reads only (the writes are null: 405). */
  static RouteTable.KindOps kindOps(ApiKind k, Fleet fleet) {
    return new RouteTable.KindOps(
        new Route.Operation(QueryParams.LIST, c -> list(c, k, fleet)),
        new Route.Operation(QueryParams.WATCH, c -> watch(c, k, fleet, null)),
        null,
        new Route.Operation(QueryParams.GET, c -> get(c, k, fleet)),
        new Route.Operation(QueryParams.WATCH, c -> watch(c, k, fleet, c.param("name"))),
        null, null, null, null, null, List.of(), null);
  }

  /** Ready while etcd answers a linearizable read within the request timeout. */
  static Reply readyz(Call c, Fleet fleet) {
    Representation.negotiate(c.req(), Representation.TEXT_ONLY);
    return new Reply.Later<>(fleet.view().revision(), (rev, failure) -> {
      if (failure != null) {
        throw new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "not ready: etcd unreachable: "
            + failure.getMessage(), Map.of("retryAfterSeconds", 1), null);
      }
      return Reply.text("ok\n", Reply.TEXT);
    });
  }

  /**
   * A list: {@code resourceVersion} unset or "0" reads the current revision; R (with {@code resourceVersionMatch}
   * unset or Exact) reads exactly at R (410 once compacted, 504 beyond etcd's revision); NotOlderThan reads the
   * current revision (504 if etcd is behind R). {@code limit}/{@code continue}: pages from one revision.
   */
  static Reply list(Call c, ApiKind k, Fleet fleet) {
    Query query = c.query();
    Representation rep = Representation.negotiate(c.req(), Representation.LIST);
    DomainTable.Options table = rep.isTable() ? DomainTable.Options.of(rep, query) : null;
    int limit = ListRoutes.limit(query);
    Optional<String> cont = query.get("continue").filter(s -> !s.isEmpty());
    Optional<String> rvText = query.get("resourceVersion").filter(s -> !s.isEmpty());
    Optional<Revision> rv = query.revision("resourceVersion");
    Optional<String> match = query.get("resourceVersionMatch").filter(s -> !s.isEmpty());
    Optional<String> fieldText = query.get("fieldSelector");
    Optional<String> labelText = query.get("labelSelector");
    FleetSelector selector = FleetSelector.parse(fieldText.orElse(null), labelText.orElse(null));
    if (match.isPresent() && !match.get().equals(ListRoutes.EXACT) && !match.get().equals(ListRoutes.NOT_OLDER_THAN)) {
      throw Query.bad("resourceVersionMatch: Unsupported value: \"" + LogSafe.value(match.get())
          + "\": supported values: \"" + ListRoutes.EXACT + "\", \"" + ListRoutes.NOT_OLDER_THAN + "\"");
    }
    String host = selector.host();
    long at;
    String after = null;
    long notOlderThan = 0;
    if (cont.isPresent()) {
      if (rvText.isPresent() && !rvText.get().equals("0")) {
        throw Query.bad("specifying resourceVersion is not allowed when using continue: the token fixes the"
            + " revision");
      }
      if (match.isPresent()) {
        throw Query.bad("resourceVersionMatch is forbidden when continue is provided");
      }
      FleetContinue t = FleetContinue.decode(cont.get());
      if (fieldText.isPresent() && !t.fieldSelector().equals(selector.fieldText())) {
        throw Query.bad("fieldSelector \"" + LogSafe.value(fieldText.get()) + "\" differs from the one the list"
            + " started with (\"" + t.fieldSelector() + "\"); pass the same fieldSelector on every page, or none");
      }
      if (labelText.isPresent() && !t.labelSelector().equals(selector.labelText())) {
        throw Query.bad("labelSelector \"" + LogSafe.value(labelText.get()) + "\" differs from the one the list"
            + " started with (\"" + t.labelSelector() + "\"); pass the same labelSelector on every page, or none");
      }
      selector = FleetSelector.parse(t.fieldSelector(), t.labelSelector());
      host = selector.host();
      if (!t.prefix().equals(FleetView.prefix(k.resource(), host)) || !t.lastKey().startsWith(t.prefix())) {
        throw Query.bad("continue token is for another list (" + t.prefix() + "); use it with the list that"
            + " issued it");
      }
      at = t.revision();
      after = t.lastKey();
    } else if (rv.isEmpty() || rv.get().value() == 0) {
      if (match.isPresent() && match.get().equals(ListRoutes.EXACT)) {
        throw Query.bad("resourceVersionMatch=Exact needs a resourceVersion other than 0");
      }
      at = 0;
    } else if (match.isPresent() && match.get().equals(ListRoutes.NOT_OLDER_THAN)) {
      at = 0;
      notOlderThan = rv.get().value();
    } else {
      at = rv.get().value();
    }
    FleetSelector sel = selector;
    long floor = notOlderThan;
    boolean continued = cont.isPresent();
    return Reply.after(fleet.view().list(k.resource(), host, at, after, sel, limit), page -> {
      if (page.revision() < floor) {
        throw new ApiException(ApiException.Reason.TIMEOUT, "Too large resource version: " + floor
            + ", current: " + page.revision(), Map.of("retryAfterSeconds", 1), null);
      }
      return answer(k, table, page);
    });
  }

  private static Reply answer(ApiKind k, DomainTable.Options table, FleetPage page) {
    String token = page.next() == null ? null : page.next().encode();
    if (table != null) {
      return Reply.bytes(HttpResponseStatus.OK, FleetTable.list(k, table, page.revision(), token, page.remaining(),
          page.items()), table.version().mediaType());
    }
    ObjectNode list = Json.mapper().createObjectNode();
    list.put("kind", k.kind() + "List");
    list.put("apiVersion", Domain.API_VERSION);
    ObjectNode meta = list.putObject("metadata");
    meta.put("resourceVersion", Long.toString(page.revision()));
    if (token != null) {
      meta.put("continue", token);
    }
    if (page.remaining() != null) {
      meta.put("remainingItemCount", page.remaining());
    }
    ArrayNode items = list.putArray("items");
    for (FleetObject o : page.items()) {
      items.add(o.fleetObject());
    }
    return Reply.bytes(HttpResponseStatus.OK, Json.bytes(list), Reply.JSON);
  }

  /**
   * GET of {@code <host>.<name>}: now, or at {@code resourceVersion} (the object as it was at that etcd
   * revision). JSON, a one-row Table, or (Accept: application/xml) its spec.xml. ETag: its resourceVersion.
   */
  static Reply get(Call c, ApiKind k, Fleet fleet) {
    Representation rep = Representation.negotiate(c.req(), Representation.GET);
    DomainTable.Options table = rep.isTable() ? DomainTable.Options.of(rep, c.query()) : null;
    if (c.query().flag("live")) {
      throw Query.bad("live=true is not served by the fleet gateway: ask the host");
    }
    String name = c.param("name");
    long at = c.query().revision("resourceVersion").map(Revision::value).orElse(0L);
    String ifNoneMatch = c.req().headers().get(HttpHeaderNames.IF_NONE_MATCH);
    return Reply.after(fleet.view().get(k.resource(), name, at), o -> {
      String etag = Long.toString(o.revision());
      if (ReplyWriter.matches(ifNoneMatch, etag)) {
        return Reply.notModified().withEtag(etag);
      }
      Reply.Full body;
      if (table != null) {
        body = Reply.bytes(HttpResponseStatus.OK, FleetTable.one(k, table, o, true), rep.mediaType());
      } else if (rep == Representation.XML) {
        String xml = o.hostObject().path("spec").path("xml").asText(null);
        if (xml == null) {
          throw new ApiException(ApiException.Reason.NOT_ACCEPTABLE, k.singular() + " \"" + name + "\" has no XML");
        }
        body = Reply.text(xml, Reply.XML + "; charset=utf-8");
      } else {
        body = Reply.bytes(HttpResponseStatus.OK, o.bytes(), Reply.JSON);
      }
      return body.withEtag(etag);
    });
  }

  /**
   * A watch of {@code k} (of one object if {@code name} is not null): from {@code resourceVersion} R (etcd
   * watch after R), or without one (or "0", or {@code sendInitialEvents}) the current state as ADDED first.
   */
  static Reply watch(Call c, ApiKind k, Fleet fleet, String name) {
    if (WebSocketRefusal.requested(c.req())) {
      return WebSocketRefusal.reply();
    }
    Query query = c.query();
    Representation rep = Representation.negotiate(c.req(), Representation.WATCH);
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
      if (!match.equals(Optional.of(ListRoutes.NOT_OLDER_THAN))) {
        throw invalid("sendInitialEvents requires resourceVersionMatch=NotOlderThan (got " + match.orElse("none")
            + ")");
      }
    } else if (match.isPresent()) {
      throw invalid("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
    }
    String lastEventId = c.req().headers().get(WatchRequest.LAST_EVENT_ID);
    if (format == WatchFormat.SSE && lastEventId != null && !lastEventId.isBlank()) {
      try {
        rv = Optional.of(Revision.parse(lastEventId.trim()));
      } catch (ApiException e) {
        throw new ApiException(ApiException.Reason.BAD_REQUEST, "Last-Event-ID: " + e.getMessage());
      }
      initial = false;
    }
    FleetSelector selector = FleetSelector.parse(query.get("fieldSelector").orElse(null),
        query.get("labelSelector").orElse(null));
    if (name != null) {
      selector = selector.withName(name);
    }
    ApiContext api = c.api();
    FleetWatchStream.Request w = new FleetWatchStream.Request(k, selector.host(), selector, bookmarks, initial,
        timeout(query, api), format, table, fleet.watchQueue());
    if (rv.isPresent() && !initial) {
      long from = rv.get().value();
      return new Reply.Stream(ctx -> open(ctx, api, fleet, w, from, true, List.of()));
    }
    FleetSelector sel = selector;
    long floor = rv.map(Revision::value).orElse(0L);
    return Reply.after(fleet.view().list(k.resource(), w.host(), 0, null, sel, 0), page -> {
      if (page.revision() < floor) {
        throw new ApiException(ApiException.Reason.TIMEOUT, "Too large resource version: " + floor
            + ", current: " + page.revision(), Map.of("retryAfterSeconds", 1), null);
      }
      return new Reply.Stream(ctx -> open(ctx, api, fleet, w, page.revision(), false, page.items()));
    });
  }

  private static FleetWatchStream open(io.netty.channel.ChannelHandlerContext ctx, ApiContext api, Fleet fleet,
      FleetWatchStream.Request w, long from, boolean resumed, List<FleetObject> initial) {
    if (!ctx.channel().isActive()) {
      return null;
    }
    if (api.watchers().incrementAndGet() > api.http().maxWatchers()) {
      api.watchers().decrementAndGet();
      throw new ApiException(ApiException.Reason.TOO_MANY_REQUESTS, "too many watches open (the limit is "
          + api.http().maxWatchers() + "); retry later", Map.of("retryAfterSeconds", 1), null);
    }
    return new FleetWatchStream(ctx.channel(), api, fleet.view(), w, from, resumed, initial,
        api.watchers()::decrementAndGet);
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
