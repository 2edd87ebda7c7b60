package io.virtrev.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.Client;
import io.virtrev.daemon.AccessConfig;
import io.virtrev.daemon.DaemonConfig;
import io.virtrev.daemon.FleetGateway;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.EtcdCluster;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import io.virtrev.fleet.EtcdClients;
import io.virtrev.fleet.EtcdSettings;
import io.virtrev.fleet.FleetKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet gateway's reads, in process, against a real etcd member holding keys written as host mirrors write
 * them ({@link FleetTestBed}): names, uids, resourceVersions, list at a revision, pages, get, watch from a
 * revision, 410 after compaction, bookmarks, selectors by host, discovery. Every test uses hosts of its own
 * (names unique per test), so tests share one etcd and one gateway.
 */
class FleetGatewayTest {
  private static final String G = "/apis/virtrev.io/v1";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static EtcdCluster etcd;
  private static Client client;
  private static FleetGateway gateway;
  private static ApiClient api;
  private static FleetTestBed bed;
  private String a;
  private String b;

  @BeforeAll
  static void start() throws Exception {
    etcd = EtcdCluster.start(1);
    client = EtcdClients.open(EtcdSettings.of(etcd.endpoints()));
    bed = new FleetTestBed(client);
    gateway = FleetGateway.start(new FleetGateway.Config(EtcdSettings.of(etcd.endpoints()), "127.0.0.1", 0,
        DaemonConfig.HttpConfig.defaults().withBookmarkInterval(Duration.ofMillis(400)), AccessConfig.defaults(),
        10_000));
    api = new ApiClient("http://127.0.0.1:" + gateway.address().getPort());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (client != null) {
      client.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private static int counter;

  @BeforeEach
  void hosts() {
    counter++;
    a = "ha" + counter + "-" + Long.toHexString(System.nanoTime() & 0xffff);
    b = "hb" + counter + "-" + Long.toHexString(System.nanoTime() & 0xffff);
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The list of domains on hosts a and b (a label selector on the host label keeps other tests' hosts out). */
  private ApiClient.Response listAB(String extra) {
    return api.get(G + "/domains?labelSelector=" + q(FleetKeysLabel() + " in (" + a + "," + b + ")") + extra);
  }

  private static String FleetKeysLabel() {
    return "virtrev.io/host";
  }

  private static Map<String, JsonNode> byName(JsonNode list) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode i : list.get("items")) {
      out.put(i.get("metadata").get("name").asText(), i);
    }
    return out;
  }

  @Test
  void listAndGetNameObjectsHostDotNameWithFleetUidsAndEtcdRevisions() {
    String shared = uuid(); // two hosts with one libvirt UUID (test-driver hosts, a live migration)
    long r1 = bed.put(a, FleetTestBed.domain("web", shared, 7, "running", Map.of("tier", "front")));
    long r2 = bed.put(b, FleetTestBed.domain("web", shared, 3, "shutoff", Map.of()));
    long r3 = bed.put(b, FleetTestBed.domain("db", uuid(), 4, "running", Map.of()));

    ApiClient.Response r = listAB("");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode list = r.json();
    assertThat(list.get("kind").asText()).isEqualTo("DomainList");
    assertThat(Long.parseLong(list.get("metadata").get("resourceVersion").asText())).isGreaterThanOrEqualTo(r3);
    Map<String, JsonNode> items = byName(list);
    assertThat(items.keySet()).containsExactly(a + ".web", b + ".db", b + ".web");
    JsonNode aw = items.get(a + ".web");
    assertThat(aw.get("metadata").get("resourceVersion").asText()).isEqualTo(Long.toString(r1));
    assertThat(aw.get("metadata").get("uid").asText()).isEqualTo(FleetKeys.fleetUid(a, "domains", shared));
    assertThat(aw.get("metadata").get("uuid").asText()).as("libvirt's UUID stays").isEqualTo(shared);
    assertThat(aw.get("metadata").get("labels").get("virtrev.io/host").asText()).isEqualTo(a);
    assertThat(aw.get("metadata").get("labels").get("tier").asText()).isEqualTo("front");
    assertThat(aw.get("metadata").get("annotations").get("virtrev.io/host-resource-version").asText()).isEqualTo("7");
    assertThat(aw.get("status").get("host").asText()).isEqualTo(a);
    assertThat(aw.get("status").get("state").asText()).isEqualTo("running");
    assertThat(items.get(b + ".web").get("metadata").get("uid").asText())
        .as("uid is unique fleet-wide even with one libvirt UUID on two hosts")
        .isNotEqualTo(aw.get("metadata").get("uid").asText());
    assertThat(items.get(b + ".web").get("metadata").get("resourceVersion").asText()).isEqualTo(Long.toString(r2));

    ApiClient.Response got = api.get(G + "/domains/" + a + ".web");
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(aw);
    assertThat(got.header("ETag")).isEqualTo("\"" + r1 + "\"");
    assertThat(api.get(G + "/domains/" + a + ".web", "If-None-Match", "\"" + r1 + "\"").status()).isEqualTo(304);
  }

  @Test
  void getOfNoSuchObjectIsA404StatusNamingIt() {
    bed.put(a, FleetTestBed.domain("web", uuid(), 1, "running", Map.of()));
    for (String name : List.of(a + ".nope", "nohost-" + a + ".web", "nodot", "Bad_Host.web")) {
      ApiClient.Response r = api.get(G + "/domains/" + name);
      assertThat(r.status()).as(name).isEqualTo(404);
      assertThat(r.json().get("kind").asText()).isEqualTo("Status");
      assertThat(r.json().get("reason").asText()).isEqualTo("NotFound");
      assertThat(r.json().get("message").asText()).contains(name);
    }
  }
}
