package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The route table is the one source of dispatch and metric labels: every row is found by its own paths
 * (and only by them), each has its own label, paths no row serves are found by none, and rows that would
 * serve the same path cannot be built.
 */
class RouteTableTest {
  private static final Route.Handler NONE = c -> {
    throw new AssertionError("not called");
  };

  /** Paths a row's template matches: a parameter as {@code p-<name>}, a choice as each of its values. */
  static List<String> samples(PathTemplate t) {
    List<String> out = List.of("");
    for (PathTemplate.Segment s : t.segments()) {
      List<String> next = new ArrayList<>();
      for (String prefix : out) {
        if (s instanceof PathTemplate.Choice c) {
          c.values().forEach(v -> next.add(prefix + "/" + v));
        } else {
          next.add(prefix + "/" + (s instanceof PathTemplate.Literal l ? l.text() : "p-" + ((PathTemplate.Param) s).name()));
        }
      }
      out = next;
    }
    return out;
  }

  /** The same path under the alias prefix (for a row under the domains collection). */
  static String alias(String path) {
    return ApiGroup.ALIAS_DOMAINS + path.substring(ApiGroup.DOMAINS.length());
  }

  @Test
  void everyRowIsFoundByItsOwnPathsWithItsOwnLabel() {
    Set<String> labels = new HashSet<>();
    for (Route r : RouteTable.API.routes()) {
      assertThat(labels.add(r.label(false))).as("a label of its own: %s", r.path()).isTrue();
      if (r.aliased()) {
        assertThat(labels.add(r.label(true))).as("an alias label of its own: %s", r.path()).isTrue();
      }
      for (String p : samples(r.path())) {
        RouteTable.Match m = RouteTable.API.find(p);
        assertThat(m).as(p).isNotNull();
        assertThat(m.route()).as(p).isSameAs(r);
        assertThat(RouteTable.API.find(p + "/").route()).as("%s/ (one trailing slash)", p).isSameAs(r);
        assertThat(HttpMetrics.route(p)).isEqualTo(r.label(false));
        if (r.aliased()) {
          RouteTable.Match a = RouteTable.API.find(alias(p));
          assertThat(a.route()).as(alias(p)).isSameAs(r);
          assertThat(a.viaAlias()).isTrue();
          assertThat(a.params()).isEqualTo(m.params());
          assertThat(HttpMetrics.route(alias(p))).isEqualTo(r.label(true)).startsWith(ApiGroup.ALIAS_DOMAINS)
              .isNotEqualTo(r.label(false));
        }
      }
    }
    assertThat(new HashSet<>(HttpMetrics.ROUTES)).isEqualTo(union(labels, HttpMetrics.OTHER));
    assertThat(HttpMetrics.ROUTES).doesNotHaveDuplicates()
        .contains("/openapi/v2", "/openapi/v3", "/openapi/v3/apis/virtrev.io/v1", "/apis/virtrev.io/v1/domains/{id}/{action}",
            "/api/v1/domains/{id}/history");
  }

  @Test
  void theParametersOfAPathAreWhatItsTemplateNames() {
    RouteTable.Match m = RouteTable.API.find(ApiGroup.DOMAINS + "/web%2F1/reboot");
    assertThat(m.params()).isEqualTo(Map.of("name", "web%2F1", "action", "reboot"));
    assertThat(m.route().label(false)).isEqualTo(ApiGroup.DOMAINS + "/{id}/{action}");
    assertThat(m.route().endpoint(HttpMethod.POST, m.route().operations().get(HttpMethod.POST), m.params()))
        .isEqualTo("POST " + ApiGroup.DOMAINS + "/{name}/reboot");
    RouteTable.Match one = RouteTable.API.find(ApiGroup.DOMAINS + "/web");
    assertThat(one.route().allowed()).containsExactly("GET", "HEAD", "PUT", "PATCH", "DELETE");
    assertThat(one.route().endpoint(HttpMethod.GET, one.route().watch(), one.params()))
        .isEqualTo("a watch of " + ApiGroup.DOMAINS + "/{name}");
    assertThat(RouteTable.API.find(ApiGroup.DOMAINS).route().allowed()).containsExactly("GET", "HEAD", "POST");
  }

  @Test
  void pathsNoRowServesAreFoundByNone() {
    for (String p : List.of("/", "", "healthz", "/x", "/apis/virtrev.io/v1/networkz", "/apis/virtrev.io/v1/networks/n/x",
        "/apis/virtrev.io/v1/storagepools/p/volumes/v/w/x", "/apis/virtrev.io/v1/domains/d/snapshotz",
        "/apis/virtrev.io/v1/domains/d/snapshots/s/start", "/apis/virtrev.io/v1/domains/d/history/more",
        "/apis/virtrev.io/v1/domains//history", "/apis/virtrev.io/v1/domains/d/abcdefgh", "/apis/virtrev.io/v1/domains//",
        "/apis/virtrev.io/v2/domains", "/api/v1", "/api/v1/networks", "/api/v1/domains/d/snapshots",
        "/openapi/v3/apis/virtrev.io", "/healthz/x")) {
      assertThat(RouteTable.API.find(p)).as(p).isNull();
      assertThat(HttpMetrics.route(p)).as(p).isEqualTo(HttpMetrics.OTHER);
    }
  }

  @Test
  void rowsThatWouldServeTheSamePathAreRefused() {
    PathTemplate domains = PathTemplate.of(ApiGroup.DOMAINS);
    Route item = Route.at(domains.param("name")).get(Set.of(), NONE);
    assertThatThrownBy(() -> new RouteTable(List.of(item, Route.at(domains.literal("web")).get(Set.of(), NONE))))
        .hasMessageContaining("match the same paths");
    assertThatThrownBy(() -> new RouteTable(List.of(
        Route.at(domains.param("name").choice("action", List.of("start", "stop"))).get(Set.of(), NONE),
        Route.at(domains.param("name").choice("verb", List.of("stop", "go"))).get(Set.of(), NONE))))
        .hasMessageContaining("match the same paths");
    assertThatThrownBy(() -> new RouteTable(List.of(Route.at(domains)))).hasMessageContaining("takes no method");
    // Disjoint: a literal beside a choice without it, an empty literal beside a parameter.
    new RouteTable(List.of(Route.at(domains.param("name").literal("history")).get(Set.of(), NONE),
        Route.at(domains.param("name").choice("action", List.of("start"))).get(Set.of(), NONE)));
    assertThatThrownBy(() -> domains.param("name").literal("snapshots").param("name"))
        .hasMessageContaining("parameter {name} twice");
  }

  /** What a later kind adds: rows made from its collection's template, nested or not, aliased or not. */
  @Test
  void aKindIsRowsParameterisedByItsCollection() {
    Route.Operation op = new Route.Operation(QueryParams.GET, NONE);
    RouteTable.KindOps ops = new RouteTable.KindOps(op, op, op, op, op, op, null, op, op, null,
        List.of("refresh", "build"), op);
    PathTemplate root = PathTemplate.of(ApiGroup.ROOT);
    List<Route> rows = new ArrayList<>(RouteTable.API.routes().stream()
        .filter(r -> !r.path().startsWith(ApiKind.STORAGE_VOLUMES.collection())
            && !r.path().startsWith(ApiKind.DOMAIN_SNAPSHOTS.collection())).toList());
    rows.addAll(RouteTable.kind(root.literal("storagepools").param("pool").literal("volumes"), ops, false));
    rows.addAll(RouteTable.kind(PathTemplate.of(ApiGroup.DOMAINS).param("domain").literal("snapshots"), ops, false));
    RouteTable t = new RouteTable(rows);

    RouteTable.Match v = t.find(ApiGroup.ROOT + "/storagepools/default/volumes/disk.qcow2");
    assertThat(v.params()).isEqualTo(Map.of("pool", "default", "name", "disk.qcow2"));
    assertThat(v.route().label(false)).isEqualTo(ApiGroup.ROOT + "/storagepools/{id}/volumes/{id}");
    assertThat(v.route().allowed()).as("no PATCH for this kind").containsExactly("GET", "HEAD", "PUT", "DELETE");
    assertThat(t.find(ApiGroup.ROOT + "/storagepools/default/volumes/disk.qcow2/diff")).as("no diff").isNull();
    assertThat(t.find(ApiGroup.ROOT + "/storagepools/default/volumes/disk.qcow2/build").params())
        .containsEntry("action", "build");
    assertThat(t.find(ApiGroup.ROOT + "/storagepools/default/volumes/disk.qcow2/start")).as("a domain's action").isNull();

    RouteTable.Match s = t.find(ApiGroup.DOMAINS + "/web/snapshots/before-upgrade");
    assertThat(s.params()).isEqualTo(Map.of("domain", "web", "name", "before-upgrade"));
    assertThat(t.find(ApiGroup.DOMAINS + "/web/snapshots").route().allowed()).containsExactly("GET", "HEAD", "POST");
    assertThat(t.find(ApiGroup.ALIAS_DOMAINS + "/web/snapshots/before-upgrade"))
        .as("a row without alias is not served under the alias").isNull();
    assertThat(t.find(ApiGroup.ALIAS_DOMAINS + "/web/start").route().aliased()).isTrue();
    assertThat(t.labels()).contains(ApiGroup.DOMAINS + "/{id}/snapshots/{id}").doesNotHaveDuplicates();
    assertThatThrownBy(() -> RouteTable.kind(root.literal("networks"), ops, true)).hasMessageContaining("has no alias");
  }

  @Test
  void templatesRenderTheirLabelsOpenApiPathsAndEndpoints() {
    PathTemplate t = PathTemplate.of(ApiGroup.DOMAINS).param("name").choice("action", List.of("start", "stop"));
    assertThat(t.label()).isEqualTo(ApiGroup.DOMAINS + "/{id}/{action}");
    assertThat(t.openApiPaths()).containsExactly(ApiGroup.DOMAINS + "/{name}/start", ApiGroup.DOMAINS + "/{name}/stop");
    assertThat(t.display(Map.of("name", "web", "action", "stop"))).isEqualTo(ApiGroup.DOMAINS + "/{name}/stop");
    assertThat(t.match(new String[] {"apis", "virtrev.io", "v1", "domains", "", "start"})).as("an empty name").isNull();
  }

  private static Set<String> union(Set<String> a, String b) {
    Set<String> out = new HashSet<>(a);
    out.add(b);
    return out;
  }
}
