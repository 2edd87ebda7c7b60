package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.virtrev.api.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One row of the {@link RouteTable}: a path template, the operation each method runs there (GET and HEAD
 * share one), the watch a GET with {@code watch=true} opens instead of its read, and whether the row is
 * also served under the pre-group alias prefix ({@link ApiGroup#ALIAS_DOMAINS}). Immutable; the
 * {@code withX}-style methods return copies.
 *
 * @param path the template
 * @param operations by method, in the order the {@code Allow} header lists them
 * @param watch the operation of a GET with {@code watch=true}, or null (then {@code watch} is an unknown
 *     parameter unless the read's allow-list has it)
 * @param aliased also served under the alias prefix, with its own metric label
 */
record Route(PathTemplate path, Map<HttpMethod, Operation> operations, Operation watch, boolean aliased) {

  /** Answers a matched request: returns its reply, or throws an {@link ApiException} to be answered as its Status. */
  @FunctionalInterface
  interface Handler {
    Reply handle(Call call);
  }

  /**
   * What a method does on a route.
   *
   * @param params the query parameters it takes ({@link QueryParams}); any other is a 400
   * @param handler its answer
   */
  record Operation(Set<String> params, Handler handler) {
    Operation {
      params = Set.copyOf(params);
      Objects.requireNonNull(handler, "handler");
    }
  }

  Route {
    operations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(operations));
  }

  /** A route at {@code path} that takes no method yet. */
  static Route at(PathTemplate path) {
    return new Route(path, Map.of(), null, false);
  }

  /** A route at a path of literal segments. */
  static Route at(String path) {
    return at(PathTemplate.of(path));
  }

  /** This route with {@code method} running {@code handler}. */
  Route on(HttpMethod method, Set<String> params, Handler handler) {
    if (operations.containsKey(method) || method.equals(HttpMethod.HEAD)) {
      throw new IllegalArgumentException(method + " twice (or HEAD apart from GET) on " + path);
    }
    Map<HttpMethod, Operation> ops = new LinkedHashMap<>(operations);
    Operation op = new Operation(params, handler);
    ops.put(method, op);
    if (method.equals(HttpMethod.GET)) {
      ops.put(HttpMethod.HEAD, op); // HEAD is GET without the body (ReplyWriter drops it)
    }
    return new Route(path, ops, watch, aliased);
  }

  /** This route with GET (and HEAD) running {@code handler}. */
  Route get(Set<String> params, Handler handler) {
    return on(HttpMethod.GET, params, handler);
  }

  /** This route with a GET of {@code watch=true} opening {@code handler}'s watch. */
  Route watch(Set<String> params, Handler handler) {
    if (!operations.containsKey(HttpMethod.GET)) {
      throw new IllegalArgumentException("a watch on " + path + " without a GET");
    }
    return new Route(path, operations, new Operation(params, handler), aliased);
  }

  /** This route also under the alias prefix. */
  Route alias() {
    if (!path.startsWith(RouteTable.ALIASED)) {
      throw new IllegalArgumentException(path + " is not under " + RouteTable.ALIASED + ": it has no alias");
    }
    return new Route(path, operations, watch, true);
  }

  /** The metric labels of this route: its template's, and the alias's if it has one. */
  List<String> labels() {
    return aliased ? List.of(label(false), label(true)) : List.of(label(false));
  }

  /** The metric label of a request that reached this route ({@code viaAlias}: through the alias prefix). */
  String label(boolean viaAlias) {
    String l = path.label();
    return viaAlias ? ApiGroup.ALIAS_DOMAINS + l.substring(ApiGroup.DOMAINS.length()) : l;
  }

  /** The methods the route takes, as the {@code Allow} header lists them. */
  List<String> allowed() {
    List<String> names = new ArrayList<>();
    operations.keySet().forEach(m -> names.add(m.name()));
    return names;
  }

  /**
   * The operation {@code req} asks for: the watch for a GET with {@code watch=true} (a HEAD with it: 405,
   * Allow: GET), else its method's.
   *
   * @param requested the path as requested (decoded), for the 405 message
   * @throws ApiException METHOD_NOT_ALLOWED naming the path and the methods the route takes
   */
  Operation operation(HttpRequest req, Query query, String requested) {
    Operation op = operations.get(req.method());
    if (op == null) {
      String allow = String.join(", ", allowed());
      throw new ApiException(ApiException.Reason.METHOD_NOT_ALLOWED, "method " + req.method() + " is not allowed on "
          + requested + "; allowed: " + allow, Map.of("allow", allow), null);
    }
    if (watch != null && operations.get(HttpMethod.GET) == op && query.flag("watch")) {
      if (req.method().equals(HttpMethod.HEAD)) {
        throw new ApiException(ApiException.Reason.METHOD_NOT_ALLOWED, "a watch is opened with GET, not HEAD",
            Map.of("allow", "GET"), null);
      }
      return watch;
    }
    return op;
  }

  /** The endpoint as messages name it: {@code GET /apis/virtrev.io/v1/domains/{name}}, {@code a watch of ...}. */
  String endpoint(HttpMethod method, Operation op, Map<String, String> params) {
    String p = path.display(params);
    return op == watch ? "a watch of " + p : method.name() + " " + p;
  }
}
