package io.virtrev.daemon.http;

/** What the HTTP layer reports to the daemon's meters. Implementations are thread-safe and quick. */
public interface HttpMetrics {
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

  /** One answered request (for watches: until the response head). {@code route} is a template. */
  void request(String route, String method, int status, long nanos);

  /** Watch events written to clients. */
  void eventsSent(int n);

  /** A watcher fell out of the retained history and was closed with a 410 ERROR. */
  void watcherExpired();

  /** The Prometheus text exposition, or null when metrics are off. */
  String scrape();

  /** The route template of a path, so that metrics do not grow a series per domain. */
  static String route(String path) {
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics") || path.equals(ApiHandler.DOMAINS)) {
      return path;
    }
    if (path.startsWith(ApiHandler.DOMAINS + "/")) {
      String[] rest = path.substring(ApiHandler.DOMAINS.length() + 1).split("/");
      return switch (rest.length) {
        case 1 -> ApiHandler.DOMAINS + "/{id}";
        case 2 -> ApiHandler.DOMAINS + "/{id}/" + (rest[1].matches("[a-z]{1,16}") ? rest[1] : "{other}");
        default -> "other";
      };
    }
    return "other";
  }
}
