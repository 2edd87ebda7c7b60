package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HTTP metric labels come from closed sets, whatever the request says. */
class HttpMetricsLabelsTest {
  @Test
  void knownPathsMapToTheirTemplates() {
    assertThat(HttpMetrics.route("/readyz")).isEqualTo("/readyz");
    assertThat(HttpMetrics.route("/api/v1/domains/")).isEqualTo("/api/v1/domains");
    assertThat(HttpMetrics.route("/api/v1/domains/web")).isEqualTo("/api/v1/domains/{id}");
    assertThat(HttpMetrics.route("/api/v1/domains/web/history")).isEqualTo("/api/v1/domains/{id}/history");
    assertThat(HttpMetrics.route("/api/v1/domains/web/diff")).isEqualTo("/api/v1/domains/{id}/diff");
    assertThat(HttpMetrics.route("/api/v1/domains/web/start")).isEqualTo("/api/v1/domains/{id}/{action}");
    assertThat(HttpMetrics.route("/api/v1/domains/web/reboot")).isEqualTo("/api/v1/domains/{id}/{action}");
    assertThat(HttpMetrics.route("/api/v1/domains/web/abcdefgh")).as("an unknown sub-resource").isEqualTo("other");
    assertThat(HttpMetrics.route("/api/v1/domains//history")).isEqualTo("other");
    assertThat(HttpMetrics.route("/x")).isEqualTo("other");
    assertThat(HttpMetricsHandler.routeOf("/api/v1/domains/a%20b?watch=true")).isEqualTo("/api/v1/domains/{id}");
    assertThat(HttpMetricsHandler.routeOf("/api/v1/domains/%zz")).as("an escape that does not decode").isEqualTo("other");
  }

  /** The group's paths have their own templates; the alias keeps its own (above), so its users show. */
  @Test
  void groupPathsAndDiscoveryMapToTheirTemplates() {
    for (String p : new String[] {"/api", "/apis", "/apis/virtrev.io", "/apis/virtrev.io/v1", "/version",
        "/openapi/v2", "/openapi/v3", "/openapi/v3/apis/virtrev.io/v1"}) {
      assertThat(HttpMetrics.route(p)).isEqualTo(p);
      assertThat(HttpMetrics.route(p + "/")).isEqualTo(p);
    }
    String g = "/apis/virtrev.io/v1/domains";
    assertThat(HttpMetrics.route(g)).isEqualTo(g);
    assertThat(HttpMetrics.route(g + "/web")).isEqualTo(g + "/{id}");
    assertThat(HttpMetrics.route(g + "/web/history")).isEqualTo(g + "/{id}/history");
    assertThat(HttpMetrics.route(g + "/web/diff")).isEqualTo(g + "/{id}/diff");
    assertThat(HttpMetrics.route(g + "/web/start")).isEqualTo(g + "/{id}/{action}");
    assertThat(HttpMetrics.route(g + "/web/abcdefgh")).isEqualTo("other");
    assertThat(HttpMetrics.route("/apis/virtrev.io/v2/domains")).isEqualTo("other");
    assertThat(HttpMetrics.route("/apis/other.io")).isEqualTo("other");
    assertThat(HttpMetricsHandler.routeOf(g + "/a%20b?watch=true")).isEqualTo(g + "/{id}");
  }

  @Test
  void randomPathsAndMethodsOnlyYieldLabelsFromTheClosedSets() {
    Random rnd = new Random(7);
    Set<String> routes = new HashSet<>();
    Set<String> methods = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String[] prefixes = {"/api/v1/domains", "/apis/virtrev.io/v1/domains", "/apis", "/apis/virtrev.io", ""};
      StringBuilder path = new StringBuilder(prefixes[rnd.nextInt(prefixes.length)]);
      for (int s = rnd.nextInt(4); s >= 0; s--) {
        path.append('/');
        for (int c = rnd.nextInt(17); c > 0; c--) {
          path.append((char) ('a' + rnd.nextInt(26)));
        }
      }
      routes.add(HttpMetrics.route(path.toString()));
      StringBuilder m = new StringBuilder();
      for (int c = 1 + rnd.nextInt(8); c > 0; c--) {
        m.append((char) ('A' + rnd.nextInt(26)));
      }
      methods.add(HttpMetrics.method(HttpMethod.valueOf(m.toString())));
    }
    assertThat(HttpMetrics.ROUTES).containsAll(routes);
    assertThat(methods).isSubsetOf(union(HttpMetrics.METHODS, HttpMetrics.OTHER)).contains(HttpMetrics.OTHER);
    assertThat(HttpMetrics.method(HttpMethod.PATCH)).isEqualTo("PATCH");
  }

  private static Set<String> union(Set<String> a, String b) {
    Set<String> out = new HashSet<>(a);
    out.add(b);
    return out;
  }
}
