package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.ServedXml;
import io.virtrev.api.Revision;
import io.virtrev.daemon.security.Identity;
import io.virtrev.versioning.Readiness;
import io.virtrev.versioning.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes and answers API requests on one connection. Not shared: one instance per channel, confined
 * to its event loop (no locks). Nothing here blocks: reads come from the store's published snapshot;
 * waits (for a revision not reached yet) and disk reads complete on other threads and hop back with
 * {@code ctx.executor().execute}.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  static final String DOMAINS = ApiGroup.DOMAINS;

  private final ApiContext api;
  private WatchStream watch;
  private Identity identity; // of the request being handled
  private boolean busy; // a request is being answered (maybe asynchronously)
  private final java.util.ArrayDeque<FullHttpRequest> waiting = new java.util.ArrayDeque<>(); // pipelined, retained

  ApiHandler(ApiContext api) {
    this.api = api;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (watch != null) {
      return; // a watch owns this connection until it ends; pipelined requests are not answered
    }
    if (busy) {
      // HTTP/1.1 pipelining: answer in order. Held until the response in flight is written; past
      // maxPipelined waiting, the connection is not read until one is answered.
      waiting.add(req.retain());
      ReadPause pause = ctx.pipeline().get(ReadPause.class);
      if (waiting.size() >= api.http().connections().maxPipelined() && pause != null) {
        pause.pause();
      }
      return;
    }
    handle(ctx, req);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    busy = true;
    if (!req.decoderResult().isSuccess()) {
      Responses.error(ctx, null, new ApiException(ApiException.Reason.BAD_REQUEST,
          "malformed HTTP request: " + req.decoderResult().cause().getMessage()));
      return;
    }
    identity = null; // never the previous request's, even if authentication fails
    try {
      String path = RequestGate.checkHead(req);
      identity = api.security().authenticate(path, req.headers().get(HttpHeaderNames.AUTHORIZATION), ctx.channel());
      api.security().authorize(identity, req.method().name(), path);
      route(ctx, req);
    } catch (RuntimeException e) {
      Responses.failure(ctx, req, e);
      int code = StoreErrors.httpCode(e);
      api.audit().refusedRequest(ctx.channel(), identity, req, code, e.getMessage());
    }
  }

  /** A complete response was written (by {@link Responses}): the next pipelined request may go. */
  void responded(ChannelHandlerContext ctx) {
    FullHttpRequest next = waiting.poll();
    // Still busy until next is handled: a request read in between queues behind it, in order.
    busy = next != null;
    ReadPause pause = ctx.pipeline().get(ReadPause.class);
    if (pause != null && waiting.size() < api.http().connections().maxPipelined()) {
      pause.resume();
    }
    if (next != null) {
      ctx.executor().execute(() -> {
        try {
          if (watch == null && ctx.channel().isActive()) {
            handle(ctx, next);
          } else {
            busy = false;
          }
        } finally {
          next.release();
        }
      });
    }
  }


  private void route(ChannelHandlerContext ctx, FullHttpRequest req) {
    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
    String path = qs.path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    path = ApiGroup.canonical(path);
    Query query = new Query(qs);
    switch (path) {
      case "/healthz" -> {
        plain(req, query, path);
        Responses.text(ctx, req, HttpResponseStatus.OK, "ok\n", "text/plain; charset=utf-8", Map.of());
      }
      case "/metrics" -> {
        plain(req, query, path);
        String text = api.metrics().scrape();
        if (text == null) {
          throw new ApiException(ApiException.Reason.NOT_FOUND, "metrics are off");
        }
        Responses.text(ctx, req, HttpResponseStatus.OK, text, "text/plain; version=0.0.4; charset=utf-8", Map.of());
      }
      case "/readyz" -> {
        plain(req, query, path);
        Readiness r = api.readiness().get();
        if (!r.ready()) {
          throw new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "not ready: " + r.reason(),
              Map.of("retryAfterSeconds", 1), null);
        }
        Responses.text(ctx, req, HttpResponseStatus.OK, "ok\n", "text/plain; charset=utf-8", Map.of());
      }
      case "/api" -> discovery(ctx, req, query, path, Discovery.API);
      case "/apis" -> discovery(ctx, req, query, path, Discovery.GROUPS);
      case "/apis/" + ApiGroup.GROUP -> discovery(ctx, req, query, path, Discovery.GROUP);
      case ApiGroup.ROOT -> discovery(ctx, req, query, path, Discovery.RESOURCES);
      case "/version" -> discovery(ctx, req, query, path, Discovery.VERSION);
      case OpenApiRoutes.V2, OpenApiRoutes.V3, OpenApiDocuments.V3_GROUP_PATH -> {
        allow(req, HttpMethod.GET, HttpMethod.HEAD);
        QueryParams.check(query, path.equals(OpenApiDocuments.V3_GROUP_PATH) ? QueryParams.OPENAPI_GROUP
            : QueryParams.OPENAPI, req.method().name() + " " + path);
        OpenApiRoutes.serve(ctx, req, api, query, path);
      }
      case DOMAINS -> {
        allow(req, HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST);
        if (req.method().equals(HttpMethod.POST)) {
          QueryParams.check(query, QueryParams.WRITE, "POST " + DOMAINS);
          MutationRoutes.create(ctx, req, api, identity, query);
        } else if (watchRequested(req, query)) {
          QueryParams.check(query, QueryParams.WATCH, "a watch of " + DOMAINS);
          watch(ctx, req, query, null);
        } else {
          QueryParams.check(query, QueryParams.LIST, req.method() + " " + DOMAINS);
          ListRoutes.list(ctx, req, api, query);
        }
      }
      default -> {
        String[] rest = path.startsWith(DOMAINS + "/") ? path.substring(DOMAINS.length() + 1).split("/", -1) : new String[0];
        if (rest.length == 1 && !rest[0].isEmpty()) {
          allow(req, HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
          String one = DOMAINS + "/{name}";
          if (req.method().equals(HttpMethod.PUT)) {
            QueryParams.check(query, QueryParams.WRITE, "PUT " + one);
            MutationRoutes.update(ctx, req, api, identity, query, rest[0]);
          } else if (req.method().equals(HttpMethod.PATCH)) {
            QueryParams.check(query, QueryParams.PATCH, "PATCH " + one);
            MutationRoutes.patch(ctx, req, api, identity, query, rest[0]);
          } else if (req.method().equals(HttpMethod.DELETE)) {
            QueryParams.check(query, QueryParams.DELETE, "DELETE " + one);
            MutationRoutes.delete(ctx, req, api, identity, query, rest[0]);
          } else if (watchRequested(req, query)) {
            QueryParams.check(query, QueryParams.WATCH, "a watch of " + one);
            watch(ctx, req, query, rest[0]);
          } else {
            QueryParams.check(query, QueryParams.GET, req.method() + " " + one);
            get(ctx, req, query, rest[0]);
          }
          return;
        }
        if (rest.length == 2 && !rest[0].isEmpty() && (rest[1].equals("history") || rest[1].equals("diff"))) {
          allow(req, HttpMethod.GET, HttpMethod.HEAD);
          if (rest[1].equals("history")) {
            QueryParams.check(query, QueryParams.HISTORY, req.method() + " " + DOMAINS + "/{name}/history");
            Representation.negotiate(req, Representation.JSON_ONLY);
            HistoryRoutes.history(ctx, req, api, query, rest[0]);
          } else {
            QueryParams.check(query, QueryParams.DIFF, req.method() + " " + DOMAINS + "/{name}/diff");
            Representation.negotiate(req, Representation.TEXT_ONLY);
            HistoryRoutes.diff(ctx, req, api, query, rest[0]);
          }
          return;
        }
        if (rest.length == 2 && !rest[0].isEmpty() && MutationRoutes.isAction(rest[1])) {
          allow(req, HttpMethod.POST);
          QueryParams.check(query, QueryParams.ACTION, "POST " + DOMAINS + "/{name}/" + rest[1]);
          MutationRoutes.act(ctx, req, api, identity, query, rest[0], rest[1]);
          return;
        }
        throw new ApiException(ApiException.Reason.NOT_FOUND, "no such path: " + qs.path());
      }
    }
  }

  /** A discovery document: GET or HEAD, always {@code application/json} (see {@link Discovery}). */
  private static void discovery(ChannelHandlerContext ctx, FullHttpRequest req, Query query, String path,
      Object document) {
    allow(req, HttpMethod.GET, HttpMethod.HEAD);
    QueryParams.check(query, QueryParams.DISCOVERY, req.method() + " " + path);
    Representation.negotiate(req, Representation.JSON_ONLY);
    Responses.json(ctx, req, HttpResponseStatus.OK, document, Map.of());
  }

  /** A plain-text endpoint (health, metrics): GET or HEAD, only {@code timeout}, {@code text/plain}. */
  private static void plain(HttpRequest req, Query query, String path) {
    allow(req, HttpMethod.GET, HttpMethod.HEAD);
    QueryParams.check(query, QueryParams.PLAIN, req.method() + " " + path);
    Representation.negotiate(req, Representation.TEXT_ONLY);
  }

  /** True for a GET with {@code watch=true}; a HEAD cannot open a watch (405, Allow: GET). */
  private static boolean watchRequested(HttpRequest req, Query query) {
    if (!query.flag("watch")) {
      return false;
    }
    if (req.method().equals(HttpMethod.HEAD)) {
      throw new ApiException(ApiException.Reason.METHOD_NOT_ALLOWED, "a watch is opened with GET, not HEAD",
          Map.of("allow", "GET"), null);
    }
    return true;
  }

  private static void allow(HttpRequest req, HttpMethod... methods) {
    for (HttpMethod m : methods) {
      if (m.equals(req.method())) {
        return;
      }
    }
    List<String> names = new ArrayList<>();
    for (HttpMethod m : methods) {
      names.add(m.name());
    }
    throw new ApiException(ApiException.Reason.METHOD_NOT_ALLOWED,
        "method " + req.method() + " is not allowed on " + new QueryStringDecoder(req.uri()).path()
            + "; allowed: " + String.join(", ", names),
        Map.of("allow", String.join(", ", names)), null);
  }

  private void get(ChannelHandlerContext ctx, FullHttpRequest req, Query query, String nameOrUuid) {
    Representation rep = Representation.negotiate(req, Representation.GET);
    DomainTable.Options table = rep.isTable() ? DomainTable.Options.of(rep, query) : null;
    Optional<Revision> at = query.revision("resourceVersion");
    if (at.isPresent()) {
      HistoryRoutes.getAt(ctx, req, api, query, nameOrUuid, at.get());
      return;
    }
    Snapshot snap = api.store().snapshot();
    Domain d = snap.find(nameOrUuid).orElseThrow(() -> new ApiException(ApiException.Reason.NOT_FOUND,
        "domain \"" + nameOrUuid + "\" not found", Map.of("name", nameOrUuid, "kind", "domains"), null));
    String etag = "\"" + d.resourceVersion() + "\"";
    Map<String, String> headers = Map.of(HttpHeaderNames.ETAG.toString(), etag,
        "X-Virtrev-Store-Id", snap.storeId());
    String inm = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    if (inm != null && (inm.trim().equals("*") || List.of(inm.split(",")).stream().map(String::trim)
        .anyMatch(t -> t.equals(etag) || t.equals("W/" + etag)))) {
      Responses.notModified(ctx, req, headers);
      return;
    }
    boolean live = query.flag("live");
    if (table != null) {
      Responses.send(ctx, req, HttpResponseStatus.OK, DomainTable.one(table, d, true), rep.mediaType(), headers);
      return;
    }
    if (rep == Representation.XML) {
      String xml = live ? d.status().liveXml() : d.spec().xml();
      if (xml == null) {
        throw new ApiException(ApiException.Reason.CONFLICT, "domain \"" + d.name()
            + "\" is not active (state " + d.status().state() + "): it has no live XML",
            Map.of("name", d.name(), "uid", d.uuid(), "kind", "domains"), null);
      }
      Responses.text(ctx, req, HttpResponseStatus.OK, live ? ServedXml.withoutObjectMeta(xml) : ServedXml.spec(xml, d.metadata().generation()),
          Responses.XML + "; charset=utf-8", headers);
      return;
    }
    Responses.json(ctx, req, HttpResponseStatus.OK, d, headers);
  }


  /** A watch of all domains, or ({@code domain} not null) of one domain's URL. */
  private void watch(ChannelHandlerContext ctx, FullHttpRequest req, Query query, String domain) {
    if (WebSocketRefusal.requested(req)) {
      WebSocketRefusal.answer(ctx, req);
      return;
    }
    WatchRequest w = WatchRequest.parse(req, query, api, domain);
    RevisionWait.atRevision(ctx, req, api, w.resourceVersion(), snap -> {
      if (!ctx.channel().isActive()) {
        return; // the client left while we waited for the revision
      }
      Revision start;
      List<Domain> initial = List.of();
      if (w.resourceVersion().isPresent() && !w.sendInitialEvents()) {
        api.store().checkRetained(w.resourceVersion().get());
        start = w.resourceVersion().get();
      } else {
        // No revision (or "0"), or a streaming list: the current state as synthetic ADDED, then changes.
        start = snap.revision();
        initial = w.selector().isEverything() ? snap.items()
            : snap.items().stream().filter(w.selector()::matches).toList();
      }
      if (api.watchers().incrementAndGet() > api.http().maxWatchers()) {
        api.watchers().decrementAndGet();
        throw new ApiException(ApiException.Reason.TOO_MANY_REQUESTS, "too many watches open (the limit is "
            + api.http().maxWatchers() + "); retry later", Map.of("retryAfterSeconds", 1), null);
      }
      watch = new WatchStream(ctx.channel(), api, w, start, api.watchers()::decrementAndGet);
      watch.begin(initial);
    });
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (watch != null && ctx.channel().isWritable()) {
      watch.pump();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (watch != null) {
      watch.closed();
    }
    FullHttpRequest r;
    while ((r = waiting.poll()) != null) {
      r.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /** Ends a running watch cleanly (used on shutdown). */
  void finishWatch() {
    if (watch != null) {
      watch.finish();
    }
  }
}
