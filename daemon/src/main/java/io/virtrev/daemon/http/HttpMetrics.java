package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Set;

/**
 * What the HTTP layer reports to the daemon's meters. Implementations are thread-safe and quick.
 *
 * <p>Labels come from closed sets ({@link #ROUTES}, {@link #METHODS}, the status codes the daemon
 * writes), never from request input: requests are counted before authentication, so any label taken
 * from the path or the method would let an anonymous client grow a series per request.
 */
public interface HttpMetrics {
  /** The method label for a method not in {@link #METHODS}, and the route label for an unknown path. */
  String OTHER = "other";

  /**
   * Every route label: one per row of the route table ({@link RouteTable}: the fixed paths, the discovery
   * and OpenAPI documents, the domain templates under the group path {@link ApiGroup#DOMAINS}) and one per
   * row under the alias ({@link ApiGroup#ALIAS_DOMAINS}), kept apart so operators see who still uses the
   * alias; then {@link #OTHER}.
   */
  List<String> ROUTES = RouteTable.API.labels();

  /** Every method label but {@link #OTHER}: the methods of RFC 9110 and PATCH. */
  Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  HttpMetrics NONE = new HttpMetrics() {
    @Override
    public void request(String route, String method, int status, long nanos) { }

    @Override
    public void eventsSent(int n) { }

    @Override
    public void watcherExpired() { }

    @Override
    public String scrape() {
      return null;
    }
  };

  /**
   * One answered request (for watches: until the response head). {@code route} is one of {@link #ROUTES},
   * {@code method} one of {@link #METHODS} or {@link #OTHER}.
   */
  void request(String route, String method, int status, long nanos);

  /** Watch events written to clients. */
  void eventsSent(int n);

  /** A watcher fell out of the retained history and was closed with a 410 ERROR. */
  void watcherExpired();

  /** The Prometheus text exposition, or null when metrics are off. */
  String scrape();

  /**
   * The route label of a decoded path (one of {@link #ROUTES}): its row's in the route table, so that
   * metrics do not grow a series per domain and label exactly what the row serves.
   */
  static String route(String path) {
    return RouteTable.API.label(path);
  }

  /** The method label: the method's name if it is one of {@link #METHODS}, else {@link #OTHER}. */
  static String method(HttpMethod method) {
    String name = method.name();
    return METHODS.contains(name) ? name : OTHER;
  }
}
