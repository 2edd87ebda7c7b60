package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.virtrev.daemon.DaemonConfig;
import io.virtrev.daemon.Virtrevd;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.FakeDomainSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route table against the real server (Netty, the real daemon over a fake hypervisor, the JDK HTTP
 * client): what dispatch answers is what the table says. Every row and its alias answer each of their
 * methods (not 405, not "no such path") and refuse every other with 405 and the row's {@code Allow}; every row's
 * requests are counted under the row's own metric label; paths no row serves are 404 under label
 * {@code other}.
 */
class RouteTableHttpTest {
  private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  @TempDir Path dir;

  @Test
  void everyRowAnswersItsMethodsRefusesTheOthersAndCountsUnderItsLabel() throws Exception {
    try (Virtrevd d = start()) {
      ApiClient api = client(d);
      List<String> labels = new ArrayList<>();
      for (Route r : RouteTable.API.routes()) {
        List<String> paths = new ArrayList<>(RouteTableTest.samples(r.path()));
        if (r.aliased()) {
          RouteTableTest.samples(r.path()).forEach(p -> paths.add(RouteTableTest.alias(p)));
          labels.add(r.label(true));
        }
        labels.add(r.label(false));
        String allow = String.join(", ", r.allowed());
        for (String p : paths) {
          for (String m : METHODS) {
            ApiClient.Response res = send(api, m, p);
            String what = m + " " + p + ": " + res.body();
            if (r.operations().containsKey(HttpMethod.valueOf(m))) {
              // Answered by the row's handler: maybe 404 for the missing domain, never for the path.
              assertThat(res.status()).as(what).isNotEqualTo(405).isLessThan(500);
              assertThat(res.body()).as(what).doesNotContain("no such path");
            } else {
              assertThat(res.status()).as(what).isEqualTo(405);
              assertThat(res.header("allow")).as(what).isEqualTo(allow);
              if (!m.equals("HEAD")) { // a HEAD's answer has no body
                JsonNode status = res.json();
                assertThat(status.path("reason").asText()).as(what).isEqualTo("MethodNotAllowed");
                assertThat(status.path("message").asText()).as(what)
                    .isEqualTo("method " + m + " is not allowed on " + p + "; allowed: " + allow);
              }
            }
          }
        }
      }
      String metrics = api.get("/metrics").body();
      for (String label : labels) {
        assertThat(metrics).as("requests counted under %s", label)
            .contains("route=\"" + label + "\"");
      }
      assertThat(metrics).as("nothing fell into other").doesNotContain("route=\"other\"");
    }
  }

  @Test
  void pathsNoRowServesAre404UnderLabelOtherWhateverTheMethod() throws Exception {
    try (Virtrevd d = start()) {
      ApiClient api = client(d);
      List<String> unknown = List.of("/apis/virtrev.io/v1/networkz", "/apis/virtrev.io/v1/storagepools/p/volumes/v/x",
          "/apis/virtrev.io/v1/domains/d/snapshots/s/x", "/api/v1/networks", "/apis/virtrev.io/v1/domains/d/history/more",
          "/api/v1/domains/d/abcdefgh", "/apis/virtrev.io/v1/domains//history");
      for (String p : unknown) {
        for (String m : List.of("GET", "POST", "DELETE")) {
          ApiClient.Response res = send(api, m, p);
          assertThat(res.status()).as(m + " " + p).isEqualTo(404);
          assertThat(res.json().path("reason").asText()).isEqualTo("NotFound");
          assertThat(res.json().path("message").asText()).isEqualTo("no such path: " + p);
        }
      }
      String metrics = api.get("/metrics").body();
      assertThat(metrics).contains("code=\"404\",method=\"DELETE\",route=\"other\"");
    }
  }

  @Test
  void aWatchIsOpenedWithGetOnly() throws Exception {
    try (Virtrevd d = start()) {
      ApiClient api = client(d);
      for (String p : List.of(ApiGroup.DOMAINS + "?watch=true", ApiGroup.ALIAS_DOMAINS + "/web?watch=1")) {
        ApiClient.Response head = api.send("HEAD", p, null, null);
        assertThat(head.status()).as(p).isEqualTo(405);
        assertThat(head.header("allow")).isEqualTo("GET");
      }
      ApiClient.Response history = api.get(ApiGroup.DOMAINS + "/web/history?watch=true");
      assertThat(history.status()).as("a row without a watch takes no watch parameter").isEqualTo(400);
      assertThat(history.json().path("message").asText())
          .contains("unknown query parameter \"watch\" for GET " + ApiGroup.DOMAINS + "/{name}/history");
    }
  }

  private Virtrevd start() throws Exception {
    Virtrevd d = Virtrevd.start(DaemonConfig.defaults("fake:///", dir.resolve("store")).withListen("127.0.0.1", 0),
        new FakeDomainSource());
    await().atMost(Duration.ofSeconds(10)).until(() -> d.reconciler().readiness().ready());
    return d;
  }

  private static ApiClient client(Virtrevd d) {
    return new ApiClient("http://127.0.0.1:" + d.address().getPort());
  }

  /** A request with the body its method would carry: none for GET, HEAD, DELETE and OPTIONS. */
  private static ApiClient.Response send(ApiClient api, String method, String path) {
    return switch (method) {
      case "POST", "PUT" -> api.send(method, path, "application/json", "{}");
      case "PATCH" -> api.send(method, path, "application/merge-patch+json", "{}");
      default -> api.send(method, path, null, null);
    };
  }
}
