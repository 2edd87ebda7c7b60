package io.virtrev.daemon.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.virtrev.api.ApiException;
import io.virtrev.daemon.security.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every path the API serves, once: the table {@link ApiHandler} dispatches by, {@link HttpMetrics}
 * labels by, and the OpenAPI document is checked against. Immutable.
 *
 * <p>Dispatch: the path loses one trailing {@code /}, an alias path becomes the group's
 * ({@link ApiGroup#canonical}), then the one row whose template matches answers (no match: 404, also for a
 * path under the alias whose row has no alias); the row picks the operation by method (405 with
 * {@code Allow} otherwise; {@code watch=true} on a GET picks the row's watch), the operation refuses a
 * query parameter it does not take (400), then its handler answers. Invariant, checked when the table is
 * built: no two rows' templates match the same path, so the order of rows does not matter.
 *
 * <p>A kind's routes are rows made by {@link #kind} from its collection's template and its operations: a
 * new kind (or one nested under another's item, as volumes under a pool) is one more call, not more code.
 */
final class RouteTable {
  /** The prefix whose rows may also be served under {@link ApiGroup#ALIAS_DOMAINS}. */
  static final PathTemplate ALIASED = ApiKind.DOMAINS.collection();

  /** The API's routes. */
  static final RouteTable API = new RouteTable(rows());

  private final List<Route> routes;

  RouteTable(List<Route> routes) {
    this.routes = List.copyOf(routes);
    for (int i = 0; i < routes.size(); i++) {
      Route a = routes.get(i);
      if (a.operations().isEmpty()) {
        throw new IllegalArgumentException("route " + a.path() + " takes no method");
      }
      for (int j = i + 1; j < routes.size(); j++) {
        if (a.path().overlaps(routes.get(j).path())) {
          throw new IllegalArgumentException("routes " + a.path() + " and " + routes.get(j).path()
              + " match the same paths");
        }
      }
    }
  }

  /** Every row. */
  List<Route> routes() {
    return routes;
  }

  /** Every metric label: each row's (and its alias's), then {@link HttpMetrics#OTHER}. */
  List<String> labels() {
    List<String> out = new ArrayList<>();
    routes.forEach(r -> out.addAll(r.labels()));
    out.add(HttpMetrics.OTHER);
    return List.copyOf(out);
  }

  /** A route and what a path gave its template. */
  record Match(Route route, Map<String, String> params, boolean viaAlias) {}

  /** The route serving {@code path} (decoded, without the query), or null. */
  Match find(String path) {
    if (!path.startsWith("/")) {
      return null;
    }
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String canonical = ApiGroup.canonical(path);
    boolean viaAlias = !canonical.equals(path);
    String[] segments = canonical.substring(1).split("/", -1);
    for (Route r : routes) {
      Map<String, String> params = r.path().match(segments);
      if (params != null) {
        return viaAlias && !r.aliased() ? null : new Match(r, params, viaAlias);
      }
    }
    return null;
  }

  /** The metric label of {@code path} (decoded): its route's, else {@link HttpMetrics#OTHER}. */
  String label(String path) {
    Match m = find(path);
    return m == null ? HttpMetrics.OTHER : m.route().label(m.viaAlias());
  }

  /**
   * Routes a request whose head passed {@link RequestGate#checkHead} and whose caller may make it.
   *
   * @throws ApiException NOT_FOUND for a path no row serves, METHOD_NOT_ALLOWED, BAD_REQUEST for a query
   *     parameter the operation does not take, or whatever the handler throws
   */
  Reply dispatch(FullHttpRequest req, ApiContext api, Identity identity) {
    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
    Match m = find(qs.path());
    if (m == null) {
      throw new ApiException(ApiException.Reason.NOT_FOUND, "no such path: " + qs.path());
    }
    Query query = new Query(qs);
    Route.Operation op = m.route().operation(req, query, qs.path());
    QueryParams.check(query, op.params(), m.route().endpoint(req.method(), op, m.params()));
    return op.handler().handle(new Call(req, query, api, identity, m.params()));
  }

  /**
   * What each operation of a kind runs, with the query parameters it takes; null for an operation the
   * kind does not have (its method is then 405, its sub-path 404).
   */
  record KindOps(Route.Operation list, Route.Operation watchAll, Route.Operation create, Route.Operation get,
      Route.Operation watchOne, Route.Operation update, Route.Operation patch, Route.Operation delete,
      Route.Operation history, Route.Operation diff, List<String> actions, Route.Operation act) {}

  /**
   * A kind's rows: its collection (list, watch, create), one item ({@code {name}}: get, watch, update,
   * patch, delete), the item's {@code history} and {@code diff}, and its lifecycle actions
   * ({@code {action}}, one of {@code ops.actions()}).
   */
  static List<Route> kind(PathTemplate collection, KindOps ops, boolean aliased) {
    List<Route> out = new ArrayList<>();
    PathTemplate one = collection.param("name");
    out.add(with(Route.at(collection), ops.list(), ops.watchAll(), HttpMethod.POST, ops.create()));
    Route item = with(Route.at(one), ops.get(), ops.watchOne(), HttpMethod.PUT, ops.update());
    item = ops.patch() == null ? item : item.on(HttpMethod.PATCH, ops.patch().params(), ops.patch().handler());
    item = ops.delete() == null ? item : item.on(HttpMethod.DELETE, ops.delete().params(), ops.delete().handler());
    out.add(item);
    if (ops.history() != null) {
      out.add(Route.at(one.literal("history")).get(ops.history().params(), ops.history().handler()));
    }
    if (ops.diff() != null) {
      out.add(Route.at(one.literal("diff")).get(ops.diff().params(), ops.diff().handler()));
    }
    if (ops.act() != null && !ops.actions().isEmpty()) {
      out.add(Route.at(one.choice("action", ops.actions())).on(HttpMethod.POST, ops.act().params(), ops.act().handler()));
    }
    return aliased ? out.stream().map(Route::alias).toList() : out;
  }

  /** {@code read} on GET (and HEAD), its watch, and {@code write} on {@code writeMethod}; each may be null. */
  private static Route with(Route r, Route.Operation read, Route.Operation watch, HttpMethod writeMethod,
      Route.Operation write) {
    Route out = r;
    if (read != null) {
      out = out.get(read.params(), read.handler());
      if (watch != null) {
        out = out.watch(watch.params(), watch.handler());
      }
    }
    return write == null ? out : out.on(writeMethod, write.params(), write.handler());
  }

  private static Route.Operation op(java.util.Set<String> params, Route.Handler handler) {
    return new Route.Operation(params, handler);
  }

  private static List<Route> rows() {
    List<Route> rows = new ArrayList<>();
    rows.add(Route.at("/healthz").get(QueryParams.PLAIN, HealthRoutes::healthz));
    rows.add(Route.at("/readyz").get(QueryParams.PLAIN, HealthRoutes::readyz));
    rows.add(Route.at("/metrics").get(QueryParams.PLAIN, HealthRoutes::metrics));
    rows.add(Route.at("/api").get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.API)));
    rows.add(Route.at("/apis").get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.GROUPS)));
    rows.add(Route.at("/apis/" + ApiGroup.GROUP).get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.GROUP)));
    rows.add(Route.at(ApiGroup.ROOT).get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.RESOURCES)));
    rows.add(Route.at("/version").get(QueryParams.DISCOVERY, c -> Discovery.reply(c, Discovery.VERSION)));
    rows.add(Route.at(OpenApiRoutes.V2).get(QueryParams.OPENAPI, c -> OpenApiRoutes.serve(c, OpenApiRoutes.V2)));
    rows.add(Route.at(OpenApiRoutes.V3).get(QueryParams.OPENAPI, c -> OpenApiRoutes.serve(c, OpenApiRoutes.V3)));
    rows.add(Route.at(OpenApiDocuments.V3_GROUP_PATH).get(QueryParams.OPENAPI_GROUP,
        c -> OpenApiRoutes.serve(c, OpenApiDocuments.V3_GROUP_PATH)));
    rows.addAll(kind(ALIASED, new KindOps(
        op(QueryParams.LIST, ListRoutes::list),
        op(QueryParams.WATCH, c -> WatchRoutes.watch(c, null)),
        op(QueryParams.WRITE, MutationRoutes::create),
        op(QueryParams.GET, GetRoutes::get),
        op(QueryParams.WATCH, c -> WatchRoutes.watch(c, c.param("name"))),
        op(QueryParams.WRITE, MutationRoutes::update),
        op(QueryParams.PATCH, MutationRoutes::patch),
        op(QueryParams.DELETE, MutationRoutes::delete),
        op(QueryParams.HISTORY, HistoryRoutes::history),
        op(QueryParams.DIFF, HistoryRoutes::diff),
        ApiKind.DOMAINS.actions(),
        op(QueryParams.ACTION, MutationRoutes::act)), true));
    for (ApiKind k : ApiKind.values()) {
      if (k != ApiKind.DOMAINS) {
        // Volumes and snapshots cannot be redefined (a volume changes by resize): no PUT or PATCH, so 405.
        boolean updatable = k == ApiKind.NETWORKS || k == ApiKind.STORAGE_POOLS;
        rows.addAll(kind(k.collection(), new KindOps(
            op(QueryParams.LIST, c -> ListRoutes.list(c, KindScope.of(k, c))),
            op(QueryParams.WATCH, c -> WatchRoutes.watch(c, KindScope.of(k, c), null)),
            op(QueryParams.WRITE, c -> MutationRoutes.create(c, KindScope.of(k, c))),
            op(QueryParams.GET, c -> GetRoutes.get(c, KindScope.of(k, c))),
            op(QueryParams.WATCH, c -> WatchRoutes.watch(c, KindScope.of(k, c), c.param("name"))),
            updatable ? op(QueryParams.WRITE, c -> MutationRoutes.update(c, KindScope.of(k, c))) : null,
            updatable ? op(QueryParams.PATCH, c -> MutationRoutes.patch(c, KindScope.of(k, c))) : null,
            op(QueryParams.KIND_DELETE, c -> MutationRoutes.delete(c, KindScope.of(k, c))),
            op(QueryParams.HISTORY, c -> HistoryRoutes.history(c, KindScope.of(k, c))),
            op(QueryParams.DIFF, c -> HistoryRoutes.diff(c, KindScope.of(k, c))), k.actions(),
            op(QueryParams.KIND_ACTION, c -> MutationRoutes.act(c, KindScope.of(k, c)))), false));
      }
    }
    rows.add(Route.at(ApiGroup.ROOT + "/all").get(QueryParams.ALL, AllRoutes::list)
        .watch(QueryParams.WATCH, c -> WatchRoutes.watch(c, null, null)));
    return rows;
  }
}
