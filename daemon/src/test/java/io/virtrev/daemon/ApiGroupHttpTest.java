package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API group virtrev.io/v1 over the real Netty server: its discovery documents, every domain route
 * under the group path, the pre-group paths as aliases of it, and 404/405 for what it does not serve.
 */
class ApiGroupHttpTest {
  static final String GROUP = "/apis/virtrev.io/v1/domains";
  /** What kubectl 1.32 sends for /api and /apis: aggregated discovery first, plain JSON as fallback. */
  static final String KUBECTL_DISCOVERY_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
      + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

  @TempDir Path dir;

  @Test
  void discoveryDescribesTheGroupInTheClassicDocumentsKubectlFallsBackTo() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      ApiClient.Response api = d.api.get("/api", "Accept", KUBECTL_DISCOVERY_ACCEPT);
      assertThat(api.status()).as(api.body()).isEqualTo(200);
      assertThat(api.header("content-type")).as("not aggregated discovery: kubectl falls back").isEqualTo("application/json");
      assertThat(api.json().get("kind").asText()).isEqualTo("APIVersions");
      assertThat(api.json().get("versions")).as("no core resources").isEmpty();

      ApiClient.Response apis = d.api.get("/apis", "Accept", KUBECTL_DISCOVERY_ACCEPT);
      assertThat(apis.status()).as(apis.body()).isEqualTo(200);
      assertThat(apis.header("content-type")).isEqualTo("application/json");
      JsonNode groups = apis.json();
      assertThat(groups.get("kind").asText()).isEqualTo("APIGroupList");
      assertThat(groups.get("groups")).hasSize(1);
      JsonNode g = groups.at("/groups/0");
      assertThat(g.get("name").asText()).isEqualTo("virtrev.io");
      assertThat(g.at("/versions/0/groupVersion").asText()).isEqualTo("virtrev.io/v1");
      assertThat(g.at("/versions/0/version").asText()).isEqualTo("v1");
      assertThat(g.at("/preferredVersion/groupVersion").asText()).isEqualTo("virtrev.io/v1");

      JsonNode group = d.api.get("/apis/virtrev.io").json();
      assertThat(group.get("kind").asText()).isEqualTo("APIGroup");
      assertThat(group).isEqualTo(((com.fasterxml.jackson.databind.node.ObjectNode) g.deepCopy()).put("kind", "APIGroup").put("apiVersion", "v1"));

      ApiClient.Response v1 = d.api.get("/apis/virtrev.io/v1");
      assertThat(v1.status()).as(v1.body()).isEqualTo(200);
      JsonNode list = v1.json();
      assertThat(list.get("kind").asText()).isEqualTo("APIResourceList");
      assertThat(list.get("groupVersion").asText()).isEqualTo("virtrev.io/v1");
      JsonNode domains = list.at("/resources/0");
      assertThat(domains.get("name").asText()).isEqualTo("domains");
      assertThat(domains.get("singularName").asText()).isEqualTo("domain");
      assertThat(domains.get("kind").asText()).isEqualTo("Domain");
      assertThat(domains.get("namespaced").asBoolean()).isFalse();
      assertThat(texts(domains.get("shortNames"))).containsExactly("dom");
      assertThat(texts(domains.get("categories"))).containsExactly("all");
      assertThat(texts(domains.get("verbs"))).as("exactly the methods served")
          .containsExactlyInAnyOrder("create", "delete", "get", "list", "patch", "update", "watch");
      List<String> subresources = new ArrayList<>();
      for (JsonNode r : list.get("resources")) {
        subresources.add(r.get("name").asText() + ":" + String.join(",", texts(r.get("verbs"))));
      }
      assertThat(subresources).startsWith("domains:" + String.join(",", texts(domains.get("verbs"))),
          "domains/history:get", "domains/diff:get", "domains/start:create", "domains/shutdown:create",
          "domains/destroy:create", "domains/suspend:create", "domains/resume:create", "domains/reboot:create",
          "domains/reset:create");
      assertThat(subresources).as("the other kinds, with the verbs their routes take").contains(
          "networks:create,delete,get,list,patch,update,watch", "networks/start:create", "networks/autostart:create",
          "storagepools:create,delete,get,list,patch,update,watch", "storagepools/refresh:create",
          "storagepools/volumes:create,delete,get,list,watch", "storagepools/volumes/resize:create",
          "domains/snapshots:create,delete,get,list,watch", "domains/snapshots/revert:create");

      JsonNode version = d.api.get("/version").json();
      assertThat(version.get("major").asText()).matches("[0-9]+");
      assertThat(version.get("minor").asText()).matches("[0-9]+");
      assertThat(version.get("gitVersion").asText()).as("run from classes: no jar manifest")
          .startsWith("v" + version.get("major").asText() + "." + version.get("minor").asText() + ".");
      assertThat(version.get("platform").asText()).contains("/");

      for (String p : List.of("/api", "/apis", "/apis/virtrev.io", "/apis/virtrev.io/v1", "/version")) {
        ApiClient.Response r = d.api.send("POST", p, "application/json", "{}");
        assertStatus(r, 405, "MethodNotAllowed", "method POST is not allowed on " + p);
        assertThat(r.header("allow")).isEqualTo("GET, HEAD");
        assertThat(d.api.send("HEAD", p, null, null).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void everyDomainRouteIsServedUnderTheGroupAndTheOldPathsAreAliases() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      String uuid = d.source.defineTiny("web");
      d.awaitRevision(2);

      ApiClient.Response list = d.api.get(GROUP + "?limit=1");
      assertThat(list.status()).as(list.body()).isEqualTo(200);
      assertThat(list.json().get("kind").asText()).isEqualTo("DomainList");
      assertThat(list.json().at("/items/0/metadata/name").asText()).isEqualTo("web");
      assertThat(d.api.get("/api/v1/domains?limit=1").json().get("items")).isEqualTo(list.json().get("items"));
      assertThat(d.api.get(GROUP + "?fieldSelector=metadata.name%3Dnone").json().get("items")).isEmpty();

      JsonNode web = d.api.get(GROUP + "/web").json();
      assertThat(web.at("/metadata/uuid").asText()).isEqualTo(uuid);
      assertThat(d.api.get(GROUP + "/" + uuid).json()).isEqualTo(web);
      assertThat(d.api.get("/api/v1/domains/web/").json()).isEqualTo(web);
      assertThat(d.api.get(GROUP + "/web?resourceVersion=2").json().at("/metadata/resourceVersion").asText())
          .isEqualTo("2");

      // Create: Location names the group path, and addresses the domain.
      String newUuid = UUID.randomUUID().toString();
      ApiClient.Response created = d.api.send("POST", GROUP, "application/xml", DomainXml.tiny("db 1", newUuid, 32));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(created.header("location")).isEqualTo(GROUP + "/db%201");
      assertThat(d.api.get(created.header("location")).json().at("/metadata/uuid").asText()).isEqualTo(newUuid);

      // Update, an action, history and diff, through the group path.
      ApiClient.Response put = d.api.send("PUT", GROUP + "/web", "application/xml", DomainXml.tiny("web", uuid, 64),
          "If-Match", "\"" + web.at("/metadata/resourceVersion").asText() + "\"");
      assertThat(put.status()).as(put.body()).isEqualTo(200);
      ApiClient.Response start = d.api.send("POST", GROUP + "/web/start", null, null);
      assertThat(start.status()).as(start.body()).isEqualTo(200);
      assertThat(start.json().at("/status/state").asText()).isEqualTo("running");
      JsonNode history = d.api.get(GROUP + "/web/history").json();
      assertThat(history.get("kind").asText()).isEqualTo("DomainHistory");
      assertThat(history.get("items").size()).isGreaterThanOrEqualTo(3);
      assertThat(d.api.get("/api/v1/domains/web/history").json().get("items")).isEqualTo(history.get("items"));
      ApiClient.Response diff = d.api.get(GROUP + "/web/diff?from=2");
      assertThat(diff.status()).as(diff.body()).isEqualTo(200);
      assertThat(diff.body()).containsPattern("(?m)^-.*<memory").containsPattern("(?m)^\\+.*<memory.*65536");

      // Watch under the group path, of the collection and of one domain.
      ApiClient.Response watch = d.api.get(GROUP + "?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dweb");
      assertThat(watch.status()).as(watch.body()).isEqualTo(200);
      assertThat(watch.body()).contains("\"type\":\"ADDED\"").contains("\"name\":\"web\"").doesNotContain("db 1");
      ApiClient.Response one = d.api.get(GROUP + "/db%201?watch=true&timeoutSeconds=1");
      assertThat(one.body()).contains("\"name\":\"db 1\"").doesNotContain("\"name\":\"web\"");

      // Delete through the alias is the same delete.
      ApiClient.Response del = d.api.send("DELETE", "/api/v1/domains/db%201", null, null);
      assertThat(del.status()).as(del.body()).isEqualTo(200);
      assertStatus(d.api.get(GROUP + "/db%201"), 404, "NotFound", "domain \"db 1\" not found");

      // Metrics keep the group and the alias apart, each under its template.
      String metrics = d.api.get("/metrics").body();
      assertThat(metrics).contains("code=\"200\",method=\"GET\",route=\"/apis/virtrev.io/v1/domains/{id}\"}")
          .contains("code=\"200\",method=\"DELETE\",route=\"/api/v1/domains/{id}\"}")
          .contains("code=\"200\",method=\"GET\",route=\"/apis/virtrev.io/v1/domains/{id}/history\"}")
          .contains("code=\"200\",method=\"GET\",route=\"/api/v1/domains/{id}/history\"}")
          .contains("code=\"200\",method=\"POST\",route=\"/apis/virtrev.io/v1/domains/{id}/{action}\"}");
    }
  }

  @Test
  void whatTheGroupDoesNotServeIs404AndAMethodItDoesNotTakeIs405() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      d.source.defineTiny("web");
      d.awaitRevision(2);
      for (String p : List.of("/apis/virtrev.io/v2", "/apis/virtrev.io/v1/vms", "/apis/other.io/v1/domains",
          "/apis/virtrev.io/v1/domains/web/bogus", "/apis/virtrev.io/v1/domains/web/history/x", "/api/v1",
          "/apis/virtrev.io/v1/domains//history")) {
        assertStatus(d.api.get(p), 404, "NotFound", "no such path: " + p);
      }
      ApiClient.Response post = d.api.send("POST", GROUP + "/web", "application/merge-patch+json", "{}");
      assertStatus(post, 405, "MethodNotAllowed", "method POST is not allowed on " + GROUP + "/web");
      assertThat(post.header("allow")).isEqualTo("GET, HEAD, PUT, PATCH, DELETE");
      ApiClient.Response patch = d.api.send("PATCH", GROUP, "application/merge-patch+json", "{}");
      assertStatus(patch, 405, "MethodNotAllowed", "method PATCH is not allowed on " + GROUP);
      assertThat(patch.header("allow")).isEqualTo("GET, HEAD, POST");
      ApiClient.Response put = d.api.send("PUT", GROUP, "application/xml", "<domain/>");
      assertThat(put.header("allow")).isEqualTo("GET, HEAD, POST");
      assertThat(d.api.get(GROUP + "/web").json().at("/metadata/resourceVersion").asText()).isEqualTo("2");
    }
  }

  @Test
  void discoveryTakesTheSameAuthenticationAsTheApi() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "monitor read " + TokenFile.hashLine("r-secret") + "\n");
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c.withAccess(c.access().withTokens(tokens)))) {
      for (String p : List.of("/api", "/apis", "/apis/virtrev.io", "/apis/virtrev.io/v1", "/version", GROUP)) {
        assertStatus(d.api.get(p), 401, "Unauthorized", "authentication required");
        assertStatus(d.api.get(p, "Authorization", "Bearer wrong"), 401, "Unauthorized", "invalid bearer token");
        assertThat(d.api.get(p, "Authorization", "Bearer r-secret").status()).as(p).isEqualTo(200);
      }
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
