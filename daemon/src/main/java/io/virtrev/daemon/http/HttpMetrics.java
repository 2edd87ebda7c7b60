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
   * Every route label: the fixed paths, the discovery documents, the domain templates under the group
   * path ({@link ApiGroup#DOMAINS}) and the same under the alias ({@link ApiGroup#ALIAS_DOMAINS}), kept
   * apart so operators see who still uses the alias.
   */
  List<String> ROUTES = List.of("/healthz", "/readyz", "/metrics",
      "/api", "/apis", "/apis/" + ApiGroup.GROUP, ApiGroup.ROOT, "/version",
      ApiGroup.DOMAINS, ApiGroup.DOMAINS + "/{id}", ApiGroup.DOMAINS + "/{id}/history", ApiGroup.DOMAINS + "/{id}/diff",
      ApiGroup.DOMAINS + "/{id}/{action}",
      ApiGroup.ALIAS_DOMAINS, ApiGroup.ALIAS_DOMAINS + "/{id}", ApiGroup.ALIAS_DOMAINS + "/{id}/history",
      ApiGroup.ALIAS_DOMAINS + "/{id}/diff", ApiGroup.ALIAS_DOMAINS + "/{id}/{action}",
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
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics") || path.equals("/api")
        || path.equals("/apis") || path.equals("/apis/" + ApiGroup.GROUP) || path.equals(ApiGroup.ROOT)
        || path.equals("/version") || path.equals(OpenApiRoutes.V2) || path.equals(OpenApiRoutes.V3)
        || path.equals(OpenApiDocuments.V3_GROUP_PATH)) {
      return path;
    }
    for (String prefix : List.of(ApiGroup.DOMAINS, ApiGroup.ALIAS_DOMAINS)) {
      if (path.equals(prefix)) {
        return prefix;
      }
      if (path.startsWith(prefix + "/")) {
        return domainRoute(prefix, path.substring(prefix.length() + 1).split("/", -1));
      }
    }
    return OTHER;
  }

  /** The template of a path below a domains collection ({@code rest}: its segments after the prefix). */
  private static String domainRoute(String prefix, String[] rest) {
    if (rest[0].isEmpty()) {
      return OTHER;
    }
    if (rest.length == 1) {
      return prefix + "/{id}";
    }
    if (rest.length == 2) {
      if (rest[1].equals("history") || rest[1].equals("diff")) {
        return prefix + "/{id}/" + rest[1];
      }
      if (MutationRoutes.isAction(rest[1])) {
        return prefix + "/{id}/{action}";
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
