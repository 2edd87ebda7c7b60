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

  /** Every route label. */
  List<String> ROUTES = List.of("/healthz", "/readyz", "/metrics", ApiHandler.DOMAINS, ApiHandler.DOMAINS + "/{id}",
      ApiHandler.DOMAINS + "/{id}/history", ApiHandler.DOMAINS + "/{id}/diff", ApiHandler.DOMAINS + "/{id}/{action}",
      OTHER);

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

  /** The route template of a path (one of {@link #ROUTES}), so that metrics do not grow a series per domain. */
  static String route(String path) {
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1); // as ApiHandler routes it
    }
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics") || path.equals(ApiHandler.DOMAINS)) {
      return path;
    }
    if (path.startsWith(ApiHandler.DOMAINS + "/")) {
      String[] rest = path.substring(ApiHandler.DOMAINS.length() + 1).split("/", -1);
      if (rest[0].isEmpty()) {
        return OTHER;
      }
      if (rest.length == 1) {
        return ApiHandler.DOMAINS + "/{id}";
      }
      if (rest.length == 2) {
        if (rest[1].equals("history") || rest[1].equals("diff")) {
          return ApiHandler.DOMAINS + "/{id}/" + rest[1];
        }
        if (MutationRoutes.isAction(rest[1])) {
          return ApiHandler.DOMAINS + "/{id}/{action}";
        }
      }
    }
    return OTHER;
  }

  /** The method label: the method's name if it is one of {@link #METHODS}, else {@link #OTHER}. */
  static String method(HttpMethod method) {
    String name = method.name();
    return METHODS.contains(name) ? name : OTHER;
  }
}
