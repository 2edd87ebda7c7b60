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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fleet gateway's route table (docs/fleet.md, "Gateway"): health, metrics, discovery, version, OpenAPI,
 * and per kind (domains, networks, storage pools; volumes and snapshots under their qualified owner) list, get
 * and watch over etcd ({@link FleetView}), and {@code /all}. Objects are named {@code <host>.<name>};
 * resourceVersion is etcd's revision. Stateless: every answer is read from etcd.
 *
 * <p>Mutations of every kind (volumes and snapshots under their qualified owner) are forwarded to the owning host
 * when the table has {@link FleetMutations.Writes} ({@link #kindOps}); every kind of a table without writes is
 * read-only (405).
 */
final class FleetRoutes {
  /** The kinds the fleet serves, in discovery order. */
  static final List<ApiKind> KINDS = List.of(ApiKind.DOMAINS, ApiKind.NETWORKS, ApiKind.STORAGE_POOLS,
      ApiKind.STORAGE_VOLUMES, ApiKind.DOMAIN_SNAPSHOTS);

  private FleetRoutes() {}

  /**
   * The fleet's reads and their limits.
   *
   * @param view etcd reads
   * @param watchQueue most events a watch holds for a client that does not keep up; past it the watch stops
   *     reading etcd until they are written, then goes on after the last one
   */
  record Fleet(FleetView view, int watchQueue) {}

  /** The gateway's routes, reads only (every mutation 405). */
  static RouteTable table(Fleet fleet) {
    return table(fleet, null);
  }

  /** The gateway's routes; with {@code writes}, mutations are forwarded to the hosts ({@link FleetMutations}). */
  static RouteTable table(Fleet fleet, FleetMutations.Writes writes) {
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
    // The gateway's own documents, generated from this table as the host's are from RouteTable.API: every
    // path and method they advertise is served here, and every one served is advertised.
    OpenApiDocuments.Lazy docs = new OpenApiDocuments.Lazy(self::get);
    rows.add(Route.at(OpenApiRoutes.V2).get(QueryParams.OPENAPI, c -> OpenApiRoutes.serve(c, OpenApiRoutes.V2, docs)));
    rows.add(Route.at(OpenApiRoutes.V3).get(QueryParams.OPENAPI, c -> OpenApiRoutes.serve(c, OpenApiRoutes.V3, docs)));
    rows.add(Route.at(OpenApiDocuments.V3_GROUP_PATH).get(QueryParams.OPENAPI_GROUP,
        c -> OpenApiRoutes.serve(c, OpenApiDocuments.V3_GROUP_PATH, docs)));
    for (ApiKind k : KINDS) {
      rows.addAll(RouteTable.kind(k.collection(), kindOps(k, fleet, writes), false));
    }
    rows.add(Route.at(ApiGroup.ROOT + "/all").get(QueryParams.ALL, c -> all(c, fleet))
        .watch(QueryParams.WATCH, c -> watch(c, null, fleet, null)));
    RouteTable t = new RouteTable(rows);
    self.set(t);
    return t;
  }

  /** A kind's operations on the gateway: reads only (the writes are null: 405). */
  static RouteTable.KindOps kindOps(ApiKind k, Fleet fleet) {
    return kindOps(k, fleet, null);
  }

  /**
   * A kind's operations on the gateway: the reads, and with {@code writes} create, update, patch, delete and
   * the actions forwarded to the owning host ({@link FleetMutations}).
   */
  static RouteTable.KindOps kindOps(ApiKind k, Fleet fleet, FleetMutations.Writes writes) {
    if (writes != null) {
      // Volumes and snapshots cannot be redefined, on a host as here (a volume changes by resize): no PUT or PATCH.
      boolean updatable = k == ApiKind.DOMAINS || k == ApiKind.NETWORKS || k == ApiKind.STORAGE_POOLS;
      return new RouteTable.KindOps(
          new Route.Operation(QueryParams.LIST, c -> list(c, k, fleet)),
          new Route.Operation(QueryParams.WATCH, c -> watch(c, k, fleet, null)),
          new Route.Operation(QueryParams.WRITE, c -> FleetMutations.create(c, k, writes)),
          new Route.Operation(QueryParams.GET, c -> get(c, k, fleet)),
          new Route.Operation(QueryParams.WATCH, c -> watch(c, k, fleet, c.param("name"))),
          updatable ? new Route.Operation(QueryParams.WRITE, c -> FleetMutations.update(c, k, writes)) : null,
          updatable ? new Route.Operation(QueryParams.PATCH, c -> FleetMutations.patch(c, k, writes)) : null,
          new Route.Operation(k == ApiKind.DOMAINS ? QueryParams.DELETE : QueryParams.KIND_DELETE,
              c -> FleetMutations.delete(c, k, writes)),
          null, null, k.actions(),
          new Route.Operation(k == ApiKind.DOMAINS ? QueryParams.ACTION : QueryParams.KIND_ACTION,
              c -> FleetMutations.act(c, k, writes)));
    }
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
    FleetSelector selector = owned(c, k, FleetSelector.parse(fieldText.orElse(null), labelText.orElse(null)));
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
    io.netty.handler.codec.http.FullHttpRequest req = c.req();
    // Encoded (and gzipped) off the event loops and off jetcd's threads: a fleet list can be large.
    CompletableFuture<FleetPage> read = fleet.view().list(k.resource(), host, at, after, sel, limit)
        .thenCompose(page -> ownerAt(c, k, fleet, page.revision()).thenApply(x -> page));
    return Reply.after(read.thenApplyAsync(page -> {
      if (page.revision() < floor) {
        throw tooLarge(floor, page.revision());
      }
      Reply.Full r = answer(k, table, page);
      return Gzip.wanted(req, r.body().length) ? Reply.gzipped(Gzip.compress(r.body()), r.contentType()) : r;
    }, c.api().blocking()), r -> r);
  }

  private static Reply.Full answer(ApiKind k, DomainTable.Options table, FleetPage page) {
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
   * {@code GET /apis/virtrev.io/v1/all}: every object of every kind at one etcd revision (the current one, or
   * R exactly), kind by kind in key order, each with its own kind; a watch of every kind from its
   * resourceVersion misses nothing. JSON only.
   */
  static Reply all(Call c, Fleet fleet) {
    Representation.negotiate(c.req(), Representation.JSON_ONLY);
    Optional<String> match = c.query().get("resourceVersionMatch").filter(s -> !s.isEmpty());
    if (match.isPresent() && !match.get().equals(ListRoutes.NOT_OLDER_THAN) && !match.get().equals(ListRoutes.EXACT)) {
      throw Query.bad("resourceVersionMatch: Unsupported value: \"" + LogSafe.value(match.get())
          + "\": supported values: \"" + ListRoutes.EXACT + "\", \"" + ListRoutes.NOT_OLDER_THAN + "\"");
    }
    long rv = c.query().revision("resourceVersion").map(Revision::value).orElse(0L);
    boolean notOlder = match.isPresent() && match.get().equals(ListRoutes.NOT_OLDER_THAN);
    long at = notOlder ? 0 : rv;
    io.netty.handler.codec.http.FullHttpRequest req = c.req();
    return Reply.after(fleet.view().list(null, null, at, null, FleetSelector.EVERYTHING, 0).thenApplyAsync(page -> {
      if (notOlder && page.revision() < rv) {
        throw tooLarge(rv, page.revision());
      }
      ObjectNode list = Json.mapper().createObjectNode();
      list.put("apiVersion", "v1");
      list.put("kind", "List");
      list.putObject("metadata").put("resourceVersion", Long.toString(page.revision()));
      ArrayNode items = list.putArray("items");
      page.items().forEach(o -> items.add(o.fleetObject()));
      byte[] body = Json.bytes(list);
      return Gzip.wanted(req, body.length) ? Reply.gzipped(Gzip.compress(body), Reply.JSON)
          : Reply.bytes(HttpResponseStatus.OK, body, Reply.JSON);
    }, c.api().blocking()), r -> r);
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
    FleetSelector owner = owned(c, k, FleetSelector.EVERYTHING);
    CompletableFuture<FleetObject> read = k.owner() == null ? fleet.view().get(k.resource(), name, at)
        : owned(fleet.view(), ownerAt(c, k, fleet, at), fleet.view().get(k.resource(), owner.host(), name, owner, at,
            name));
    return Reply.after(read, o -> {
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
   * A watch of {@code k} (null: of every kind; of one object if {@code name} is not null): from {@code resourceVersion} R (etcd
   * watch after R), or without one (or "0", or {@code sendInitialEvents}) the current state as ADDED first.
   */
  static Reply watch(Call c, ApiKind k, Fleet fleet, String name) {
    if (WebSocketRefusal.requested(c.req())) {
      return WebSocketRefusal.reply();
    }
    Query query = c.query();
    WatchRequest.Params p = WatchRequest.Params.parse(c.req(), query, c.api(), k == null);
    Optional<Revision> rv = p.resourceVersion();
    boolean initial = p.sendInitialEvents();
    FleetSelector selector = FleetSelector.parse(query.get("fieldSelector").orElse(null),
        query.get("labelSelector").orElse(null));
    selector = owned(c, k, selector);
    if (name != null) {
      selector = selector.withName(name);
    }
    ApiContext api = c.api();
    FleetWatchStream.Request w = new FleetWatchStream.Request(k, selector.host(), selector, p.bookmarks(), initial,
        p.timeout(), p.format(), p.table(), fleet.watchQueue());
    if (rv.isPresent() && !initial) {
      long from = rv.get().value();
      // A revision etcd has not reached is 504 at once, as on a host (an etcd watch from it would wait silently).
      return Reply.after(fleet.view().revision(), current -> {
        if (from > current) {
          throw tooLarge(from, current);
        }
        return new Reply.Stream(ctx -> open(ctx, api, fleet, w, from, true, List.of()));
      });
    }
    FleetSelector sel = selector;
    long floor = rv.map(Revision::value).orElse(0L);
    CompletableFuture<FleetPage> state = fleet.view().list(k == null ? null : k.resource(), w.host(), 0, null, sel, 0)
        .thenCompose(page -> ownerAt(c, k, fleet, page.revision()).thenApply(x -> page));
    return Reply.after(state, page -> {
      if (page.revision() < floor) {
        throw tooLarge(floor, page.revision());
      }
      return new Reply.Stream(ctx -> open(ctx, api, fleet, w, page.revision(), false, page.items()));
    });
  }

  /** 504 for a resourceVersion the fleet (etcd) has not reached, as a host answers it. */
  private static ApiException tooLarge(long asked, long current) {
    return new ApiException(ApiException.Reason.TIMEOUT, "Too large resource version: " + asked + ", current: "
        + current, Map.of("retryAfterSeconds", 1), null);
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

  /**
   * {@code selector} restricted to the owner a path names, for a kind under another's item ({@code <host>.<pool>}
   * of a volume, {@code <host>.<domain>} of a snapshot): that host and that owner's name in the object's status.
   * Unchanged for a kind of its own (or every kind).
   *
   * @throws ApiException NOT_FOUND when the owner is no fleet name
   */
  static FleetSelector owned(Call c, ApiKind k, FleetSelector selector) {
    if (k == null || k.owner() == null) {
      return selector;
    }
    String owner = c.param(k.ownerParam());
    int dot = owner.indexOf('.');
    String host = dot > 0 ? owner.substring(0, dot) : null;
    if (!io.virtrev.fleet.FleetKeys.validHost(host) || dot == owner.length() - 1) {
      throw new ApiException(ApiException.Reason.NOT_FOUND, k.owner().singular() + " \"" + owner
          + "\" not found: a fleet name is <host>.<name>", Map.of("name", owner, "kind", k.owner().resource()), null);
    }
    String field = k == ApiKind.STORAGE_VOLUMES ? "status.pool" : "status.domain";
    return selector.withOwner(host, field, owner.substring(dot + 1));
  }

  /**
   * Completes when the owner the path names (a volume's {@code <host>.<pool>}, a snapshot's
   * {@code <host>.<domain>}) exists at etcd revision {@code at} (0: now); at once for a kind without owner.
   * Fails with NOT_FOUND naming the owner, as a host answers for a missing owner (the gateway keeps no index of
   * owners: this is one more etcd read of the owner's host and kind).
   */
  static CompletableFuture<Void> ownerAt(Call c, ApiKind k, Fleet fleet, long at) {
    return ownerAt(c, k, fleet.view(), at);
  }

  /**
   * An owned object read together with its owner ({@link #ownerAt}, both started already): a missing owner is the
   * answer (404 naming the owner, as a host checks the owner first), whether or not the object was found.
   */
  static CompletableFuture<FleetObject> owned(FleetView view, CompletableFuture<Void> owner,
      CompletableFuture<FleetObject> object) {
    return owner.thenCompose(x -> object);
  }

  /** As {@link #ownerAt(Call, ApiKind, Fleet, long)}, with {@code view}. */
  static CompletableFuture<Void> ownerAt(Call c, ApiKind k, FleetView view, long at) {
    if (k == null || k.owner() == null) {
      return CompletableFuture.completedFuture(null);
    }
    return ownerAt(c.param(k.ownerParam()), k, view, at);
  }

  /** As {@link #ownerAt(Call, ApiKind, Fleet, long)} for the owner's fleet name {@code owner} of kind {@code k}'s object. */
  static CompletableFuture<Void> ownerAt(String owner, ApiKind k, FleetView view, long at) {
    return view.get(k.owner().resource(), owner, at).handle((o, t) -> {
      Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
      if (cause == null) {
        return null;
      }
      if (cause instanceof ApiException e && e.reason() == ApiException.Reason.NOT_FOUND) {
        throw new ApiException(ApiException.Reason.NOT_FOUND, k.owner().singular() + " \"" + owner + "\" not found",
            Map.of("name", owner, "kind", k.owner().resource()), null);
      }
      throw cause instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(cause);
    });
  }

  private static ApiException invalid(String message) {
    return new ApiException(ApiException.Reason.INVALID, message);
  }
}
