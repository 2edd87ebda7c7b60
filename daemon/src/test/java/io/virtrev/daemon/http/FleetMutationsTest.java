package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.Client;
import io.virtrev.daemon.AccessConfig;
import io.virtrev.daemon.DaemonConfig;
import io.virtrev.daemon.Virtrevd;
import io.virtrev.daemon.fleet.HostClient;
import io.virtrev.daemon.fleet.HostCredentials;
import io.virtrev.daemon.security.Security;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.EtcdCluster;
import io.virtrev.fixtures.FakeDomainSource;
import io.virtrev.fleet.EtcdClients;
import io.virtrev.fleet.EtcdSettings;
import io.virtrev.fleet.FleetHosts;
import io.virtrev.fleet.FleetMirror;
import io.virtrev.fleet.FleetView;
import io.virtrev.fleet.MirrorSettings;
import io.virtrev.versioning.Readiness;
import io.virtrev.versioning.ServedKinds;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutations through the fleet gateway (docs/fleet.md, "Mutations", "Credentials"), all real: one etcd member,
 * a host daemon (store on SQLite, fake hypervisor) mirrored into it by {@link FleetMirror}, and a gateway
 * serving the fleet's routes with forwarding on ({@link FleetMutations}), each on its own HTTP listener. The
 * gateway authenticates to the host with a token of role {@code gateway}; callers authenticate to the gateway.
 */
class FleetMutationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = "h1";
  private static final String DOMAINS = ApiGroup.ROOT + "/domains";

  @TempDir static Path dir;
  private static EtcdCluster etcd;
  private static Client client;
  private static Virtrevd host;
  private static FakeDomainSource source;
  private static FleetMirror mirror;
  private static ApiServer gateway;
  private static ApiClient fleet;
  private static ApiClient direct;
  private static Path hostAudit;
  private static String hostUrl;
  private static FleetView view;
  private static ApiContext gatewayContext;

  @BeforeAll
  static void start() throws Exception {
    etcd = EtcdCluster.start(1);
    client = EtcdClients.open(EtcdSettings.of(etcd.endpoints()));
    Path hostTokens = Files.writeString(dir.resolve("host-tokens"), "fleet-gw gateway " + TokenFile.hashLine("gw-secret")
        + "\nops write " + TokenFile.hashLine("ops-secret") + "\n");
    hostAudit = dir.resolve("host-audit.jsonl");
    DaemonConfig cfg = DaemonConfig.defaults("fake:///", dir.resolve("host")).withListen("127.0.0.1", 0);
    cfg = cfg.withAccess(cfg.access().withTokens(hostTokens).withAudit(hostAudit));
    source = new FakeDomainSource();
    host = Virtrevd.start(cfg, source);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.reconciler().readiness().ready());
    hostUrl = "http://127.0.0.1:" + host.address().getPort();
    direct = new ApiClient(hostUrl);
    mirror = FleetMirror.start(client, host.store(), MirrorSettings.of(HOST, hostUrl, "test"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !client.getKVClient().get(bytes(
        io.virtrev.fleet.FleetKeys.registration(HOST))).get().getKvs().isEmpty()); // registered asynchronously

    Path gwTokens = Files.writeString(dir.resolve("gw-tokens"), "alice write " + TokenFile.hashLine("a-secret")
        + "\nbob read " + TokenFile.hashLine("b-secret") + "\n");
    Path gwOwn = Files.writeString(dir.resolve("gw.token"), "gw-secret\n");
    view = new FleetView(client, Duration.ofSeconds(5));
    FleetMutations.Writes writes = new FleetMutations.Writes(view, new FleetHosts(client, Duration.ofSeconds(5)),
        new HostClient(new HostCredentials(gwOwn, null, null, null), Duration.ofSeconds(30)), Duration.ofSeconds(10));
    ExecutorService blocking = Executors.newSingleThreadExecutor();
    ApiContext ctx = gatewayContext = new ApiContext(null, null, Readiness::ok, cfg.http(), blocking, new AtomicInteger(),
        new Security(TokenFile.load(gwTokens), false, false), AuditLog.none(), HttpMetrics.NONE, null, ServedKinds.NONE);
    gateway = new ApiServer(ctx, FleetRoutes.table(new FleetRoutes.Fleet(view, 1000), writes), 2, null);
    InetSocketAddress addr = gateway.bind("127.0.0.1", 0);
    fleet = new ApiClient("http://127.0.0.1:" + addr.getPort());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (mirror != null) {
      mirror.close();
    }
    if (host != null) {
      host.close();
    }
    if (client != null) {
      client.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  /** Defines {@code name} on the host (behind the API's back) and waits until the fleet serves it; its fleet object. */
  private static JsonNode defined(String name) {
    source.defineTiny(name);
    return awaitFleet(HOST + "." + name);
  }

  private static JsonNode awaitFleet(String fleetName) {
    await().atMost(Duration.ofSeconds(10)).until(() -> fleet.get(DOMAINS + "/" + fleetName, auth("a-secret"))
        .status() == 200);
    return fleet.get(DOMAINS + "/" + fleetName, auth("a-secret")).json();
  }

  private static String[] auth(String token, String... more) {
    String[] h = new String[more.length + 2];
    h[0] = "Authorization";
    h[1] = "Bearer " + token;
    System.arraycopy(more, 0, h, 2, more.length);
    return h;
  }

  private static long rv(JsonNode o) {
    return Long.parseLong(o.at("/metadata/resourceVersion").asText());
  }

  private static long hostRevision() {
    return host.store().snapshot().revision().value();
  }

  @Test
  void sixteenConcurrentPatchesWithOneFleetResourceVersionExactlyOneWins() throws Exception {
    JsonNode before = defined("cas16");
    long seen = rv(before);
    long hostBefore = hostRevision();
    int n = 16;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ApiClient.Response>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String patch = "{\"metadata\":{\"resourceVersion\":\"" + seen + "\",\"labels\":{\"writer\":\"w" + i + "\"}}}";
      answers.add(pool.submit(() -> {
        go.await();
        return fleet.send("PATCH", DOMAINS + "/h1.cas16", "application/merge-patch+json", patch, auth("a-secret"));
      }));
    }
    go.countDown();
    List<ApiClient.Response> ok = new ArrayList<>();
    int conflicts = 0;
    for (Future<ApiClient.Response> f : answers) {
      ApiClient.Response r = f.get();
      if (r.status() == 200) {
        ok.add(r);
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().path("reason").asText()).isEqualTo("Conflict");
        conflicts++;
      }
    }
    pool.shutdown();
    assertThat(ok).as("exactly one wins").hasSize(1);
    assertThat(conflicts).isEqualTo(n - 1);
    JsonNode won = ok.get(0).json();
    long wonRv = rv(won);
    assertThat(wonRv).as("a new fleet revision").isGreaterThan(seen);
    assertThat(ok.get(0).header("etag")).isEqualTo("\"" + wonRv + "\"");
    assertThat(won.at("/metadata/name").asText()).isEqualTo("h1.cas16");
    assertThat(won.at("/metadata/labels/virtrev.io~1host").asText()).isEqualTo(HOST);
    // The answer's revision is visible in the fleet already: GET serves that revision (or a later one).
    JsonNode now = fleet.get(DOMAINS + "/h1.cas16", auth("a-secret")).json();
    assertThat(rv(now)).isEqualTo(wonRv);
    assertThat(now.at("/metadata/labels/writer").asText()).isEqualTo(won.at("/metadata/labels/writer").asText());
    assertThat(hostRevision()).as("one host revision, the winner's").isEqualTo(hostBefore + 1);
    JsonNode onHost = direct.get(DOMAINS + "/cas16", auth("ops-secret")).json();
    assertThat(onHost.at("/metadata/labels").has("virtrev.io/host")).as("fleet-only label not written").isFalse();
  }

  @Test
  void aChangeOnTheHostBetweenTheClientsReadAndWriteFailsTheFleetCas() throws Exception {
    JsonNode read = defined("between");
    long seen = rv(read);
    ApiClient.Response onHost = direct.send("PATCH", DOMAINS + "/between", "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"by\":\"host\"}}}", auth("ops-secret"));
    assertThat(onHost.status()).as(onHost.body()).isEqualTo(200);
    long hostAfter = hostRevision();
    ApiClient.Response r = fleet.send("PATCH", DOMAINS + "/h1.between", "application/merge-patch+json",
        "{\"metadata\":{\"resourceVersion\":\"" + seen + "\",\"labels\":{\"by\":\"fleet\"}}}", auth("a-secret"));
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.json().path("reason").asText()).isEqualTo("Conflict");
    assertThat(hostRevision()).as("nothing changed on the host").isEqualTo(hostAfter);
    JsonNode now = awaitLabel("h1.between", "by", "host");
    // The client re-reads, and its write with the new fleet RV goes through.
    ApiClient.Response retry = fleet.send("PATCH", DOMAINS + "/h1.between", "application/merge-patch+json",
        "{\"metadata\":{\"resourceVersion\":\"" + rv(now) + "\",\"labels\":{\"by\":\"fleet\"}}}", auth("a-secret"));
    assertThat(retry.status()).as(retry.body()).isEqualTo(200);
    assertThat(retry.json().at("/metadata/labels/by").asText()).isEqualTo("fleet");
  }

  private static JsonNode awaitLabel(String fleetName, String label, String value) {
    await().atMost(Duration.ofSeconds(10)).until(() -> fleet.get(DOMAINS + "/" + fleetName, auth("a-secret")).json()
        .at("/metadata/labels/" + label).asText().equals(value));
    return fleet.get(DOMAINS + "/" + fleetName, auth("a-secret")).json();
  }

  @Test
  void staleIfMatchIs412AndAStaleJsonPatchTestIs409NothingForwarded() {
    JsonNode read = defined("stale");
    long seen = rv(read);
    ApiClient.Response moved = fleet.send("PATCH", DOMAINS + "/h1.stale", "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"v\":\"1\"}}}", auth("a-secret"));
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    long hostAfter = hostRevision();
    ApiClient.Response ifMatch = fleet.send("POST", DOMAINS + "/h1.stale/suspend", null, null,
        auth("a-secret", "If-Match", "\"" + seen + "\""));
    assertThat(ifMatch.status()).as(ifMatch.body()).isEqualTo(412);
    assertThat(ifMatch.json().path("message").asText()).contains("resourceVersion " + seen + " was sent, the fleet's is "
        + rv(moved.json()));
    ApiClient.Response test = fleet.send("PATCH", DOMAINS + "/h1.stale", "application/json-patch+json",
        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"" + seen + "\"},"
            + "{\"op\":\"add\",\"path\":\"/metadata/labels/v\",\"value\":\"2\"}]", auth("a-secret"));
    assertThat(test.status()).as(test.body()).isEqualTo(409);
    assertThat(hostRevision()).isEqualTo(hostAfter);
    ApiClient.Response fresh = fleet.send("PATCH", DOMAINS + "/h1.stale", "application/json-patch+json",
        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"" + rv(moved.json()) + "\"},"
            + "{\"op\":\"test\",\"path\":\"/metadata/labels/virtrev.io~1host\",\"value\":\"h1\"},"
            + "{\"op\":\"add\",\"path\":\"/metadata/labels/v\",\"value\":\"2\"}]", auth("a-secret"));
    assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
    ApiClient.Response fleetOnly = fleet.send("PATCH", DOMAINS + "/h1.stale", "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/status/host\",\"value\":\"h2\"}]", auth("a-secret"));
    assertThat(fleetOnly.status()).as(fleetOnly.body()).isEqualTo(422);
    assertThat(fleetOnly.json().path("message").asText()).contains("/status/host is set by the fleet");
  }

  @Test
  void aPutOfTheFleetObjectAsReadRoundTrips() {
    JsonNode read = defined("roundtrip");
    ObjectNode edited = (ObjectNode) read.deepCopy();
    ((ObjectNode) edited.get("metadata")).with("labels").put("edited", "yes");
    ApiClient.Response r = fleet.send("PUT", DOMAINS + "/h1.roundtrip", "application/json", edited.toString(),
        auth("a-secret"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/metadata/labels/edited").asText()).isEqualTo("yes");
    assertThat(r.json().at("/metadata/uid").asText()).isEqualTo(read.at("/metadata/uid").asText());
    assertThat(rv(r.json())).isGreaterThan(rv(read));
    ApiClient.Response again = fleet.send("PUT", DOMAINS + "/h1.roundtrip", "application/json", edited.toString(),
        auth("a-secret"));
    assertThat(again.status()).as("the same fleet RV again: stale").isEqualTo(409);
  }

  @Test
  void createActionAndDeleteThroughTheGatewayAnswerWithTheirFleetRevision() {
    String uuid = UUID.randomUUID().toString();
    long hostBefore = hostRevision();
    ApiClient.Response dry = fleet.send("POST", DOMAINS + "?dryRun=All", "application/xml",
        DomainXml.tiny("h1.made", uuid, 32), auth("a-secret"));
    assertThat(dry.status()).as(dry.body()).isEqualTo(201);
    assertThat(dry.json().at("/metadata/name").asText()).isEqualTo("h1.made");
    assertThat(hostRevision()).as("a dry run makes nothing").isEqualTo(hostBefore);
    assertThat(direct.get(DOMAINS + "/made", auth("ops-secret")).status()).isEqualTo(404);
    ApiClient.Response created = fleet.send("POST", DOMAINS, "application/xml", DomainXml.tiny("h1.made", uuid, 32),
        auth("a-secret"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode o = created.json();
    assertThat(o.at("/metadata/name").asText()).isEqualTo("h1.made");
    assertThat(o.at("/status/host").asText()).isEqualTo(HOST);
    assertThat(created.header("location")).isEqualTo(DOMAINS + "/h1.made");
    assertThat(direct.get(DOMAINS + "/made", auth("ops-secret")).status()).as("made on the host as 'made'")
        .isEqualTo(200);
    // Visible in the fleet at the answer's revision: a list at that revision holds it.
    ApiClient.Response listed = fleet.get(DOMAINS + "?resourceVersion=" + rv(o) + "&resourceVersionMatch=Exact",
        auth("a-secret"));
    assertThat(listed.json().get("items").findValuesAsText("name")).contains("h1.made");

    ApiClient.Response started = fleet.send("POST", DOMAINS + "/h1.made/start", null, null,
        auth("a-secret", "If-Match", "\"" + rv(o) + "\""));
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    assertThat(started.json().at("/status/state").asText()).isEqualTo("running");
    assertThat(rv(started.json())).isGreaterThan(rv(o));

    ApiClient.Response deleted = fleet.send("DELETE", DOMAINS + "/h1.made", "application/json",
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":{\"resourceVersion\":\""
            + rv(started.json()) + "\",\"uid\":\"" + o.at("/metadata/uid").asText() + "\"}}", auth("a-secret"));
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    long deleteRv = rv(deleted.json());
    assertThat(deleteRv).isGreaterThan(rv(started.json()));
    assertThat(fleet.get(DOMAINS + "/h1.made", auth("a-secret")).status()).isEqualTo(404);
    ApiClient.Response before = fleet.get(DOMAINS + "?resourceVersion=" + (deleteRv - 1)
        + "&resourceVersionMatch=Exact", auth("a-secret"));
    assertThat(before.json().get("items").findValuesAsText("name")).as("the delete's revision is the one"
        + " that removed it").contains("h1.made");

    ApiClient.Response noHost = fleet.send("POST", DOMAINS, "application/xml",
        DomainXml.tiny("plain", UUID.randomUUID().toString(), 32), auth("a-secret"));
    assertThat(noHost.status()).as(noHost.body()).isEqualTo(400);
    assertThat(noHost.json().path("message").asText()).contains("is named <host>.<name>");
    ApiClient.Response unknownHost = fleet.send("POST", DOMAINS, "application/xml",
        DomainXml.tiny("h9.x", UUID.randomUUID().toString(), 32), auth("a-secret"));
    assertThat(unknownHost.status()).as(unknownHost.body()).isEqualTo(503);
    assertThat(unknownHost.json().path("message").asText()).contains("host h9 is not registered");
  }

  @Test
  void theHostsAuditNamesTheCallerAndTheGatewayAReaderIsRefusedAtTheGateway() throws Exception {
    defined("audited");
    long hostBefore = hostRevision();
    ApiClient.Response reader = fleet.send("POST", DOMAINS + "/h1.audited/suspend", null, null, auth("b-secret"));
    assertThat(reader.status()).as(reader.body()).isEqualTo(403);
    assertThat(hostRevision()).isEqualTo(hostBefore);
    ApiClient.Response r = fleet.send("POST", DOMAINS + "/h1.audited/start", null, null, auth("a-secret"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/status/request/user").asText()).isEqualTo("token:alice");
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(hostAudit)) {
      lines.add(JSON.readTree(l));
    }
    assertThat(lines).anySatisfy(l -> {
      assertThat(l.path("uri").asText()).isEqualTo(DOMAINS + "/audited/start");
      assertThat(l.path("who").asText()).isEqualTo("token:alice");
      assertThat(l.path("via").asText()).isEqualTo("token:fleet-gw");
      assertThat(l.path("status").asInt()).isEqualTo(200);
    });
  }

  /**
   * A second fleet host "h2" whose keys hold a copy of one of h1's domains, registered at h1's daemon, and
   * whose mirror never moves: the gateway's precondition check passes on h2's stale key, so the host's own
   * CAS is what refuses a change made on the host meanwhile (its 409 passes through); and a change the
   * host makes but h2's mirror never publishes answers 504 after the mirror wait, naming the host revision.
   */
  @Test
  void theHostsCasCatchesWhatTheFleetHasNotSeenAndAnUnpublishedChangeIs504() throws Exception {
    defined("stuck");
    io.etcd.jetcd.KeyValue kv = client.getKVClient().get(bytes(io.virtrev.fleet.FleetKeys.kindOnHost("domains", HOST)),
        io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()).get().getKvs().stream()
        .filter(k -> k.getValue().toString(java.nio.charset.StandardCharsets.UTF_8).contains("\"name\":\"stuck\""))
        .findFirst().orElseThrow();
    JsonNode value = JSON.readTree(kv.getValue().getBytes());
    String uid = value.at("/metadata/uid").asText(value.at("/metadata/uuid").asText());
    long hostRv = value.at("/metadata/resourceVersion").asLong();
    client.getKVClient().txn().Then(
        io.etcd.jetcd.op.Op.put(bytes(io.virtrev.fleet.FleetKeys.object("domains", "h2", uid)), kv.getValue(),
            io.etcd.jetcd.options.PutOption.DEFAULT),
        io.etcd.jetcd.op.Op.put(bytes(io.virtrev.fleet.FleetKeys.progress("h2")),
            bytes("{\"storeId\":\"copy\",\"revision\":" + hostRv + "}"), io.etcd.jetcd.options.PutOption.DEFAULT),
        io.etcd.jetcd.op.Op.put(bytes(io.virtrev.fleet.FleetKeys.registration("h2")),
            bytes("{\"host\":\"h2\",\"apiUrl\":\"" + hostUrl + "\"}"), io.etcd.jetcd.options.PutOption.DEFAULT))
        .commit().get();
    JsonNode stale = fleet.get(DOMAINS + "/h2.stuck", auth("a-secret")).json();
    ApiClient.Response onHost = direct.send("PATCH", DOMAINS + "/stuck", "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"by\":\"host\"}}}", auth("ops-secret"));
    assertThat(onHost.status()).as(onHost.body()).isEqualTo(200);
    long hostAfter = hostRevision();
    ApiClient.Response refused = fleet.send("PATCH", DOMAINS + "/h2.stuck", "application/merge-patch+json",
        "{\"metadata\":{\"resourceVersion\":\"" + rv(stale) + "\",\"labels\":{\"by\":\"fleet\"}}}",
        auth("a-secret"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.json().path("message").asText()).as("the host's refusal, passed through")
        .doesNotContain("was sent, the fleet's is");
    assertThat(hostRevision()).isEqualTo(hostAfter);

    FleetMutations.Writes quick = new FleetMutations.Writes(view, new FleetHosts(client, Duration.ofSeconds(5)),
        new HostClient(new HostCredentials(dir.resolve("gw.token"), null, null, null), Duration.ofSeconds(30)),
        Duration.ofMillis(500));
    ApiServer impatient = new ApiServer(gatewayContext, FleetRoutes.table(new FleetRoutes.Fleet(view, 1000), quick), 1,
        null);
    try {
      ApiClient other = new ApiClient("http://127.0.0.1:" + impatient.bind("127.0.0.1", 0).getPort());
      ApiClient.Response late = other.send("PATCH", DOMAINS + "/h2.stuck", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"by\":\"fleet\"}}}", auth("a-secret"));
      assertThat(late.status()).as(late.body()).isEqualTo(504);
      assertThat(late.json().path("message").asText()).contains("the change was made on host h2 (its revision "
          + (hostAfter + 1) + "), but its mirror has not published it into the fleet within PT0.5S");
      assertThat(late.json().at("/details/hostResourceVersion").asText()).isEqualTo(Long.toString(hostAfter + 1));
      assertThat(hostRevision()).as("the change is made").isEqualTo(hostAfter + 1);
    } finally {
      impatient.close();
    }
  }

  @Test
  void aHostThatTakesTheRequestButNeverAnswersIs504WithoutRetryAfterNotA503() throws Exception {
    // Host h9 is registered at a socket that accepts connections and never answers: the request left, so the
    // outcome is unknown (a retried create or action could apply twice): 504, no Retry-After.
    try (java.net.ServerSocket stall = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      String uuid = UUID.randomUUID().toString();
      client.getKVClient().put(bytes(io.virtrev.fleet.FleetKeys.registration("h9")), bytes(
          "{\"host\":\"h9\",\"apiUrl\":\"http://127.0.0.1:" + stall.getLocalPort()
              + "\",\"storeId\":\"s9\",\"version\":\"test\",\"startedAt\":\"2026-12-02T00:00:00Z\"}")).get();
      client.getKVClient().put(bytes(io.virtrev.fleet.FleetKeys.object("domains", "h9", uuid)), bytes(
          io.virtrev.api.Json.mapper().writeValueAsString(io.virtrev.daemon.fleet.FleetTestBed.domain("stalled", uuid,
              1, "running", java.util.Map.of())))).get();
      Path gwOwn = Files.writeString(dir.resolve("gw9.token"), "gw-secret\n");
      FleetMutations.Writes writes = new FleetMutations.Writes(view, new FleetHosts(client, Duration.ofSeconds(5)),
          new HostClient(new HostCredentials(gwOwn, null, null, null), Duration.ofSeconds(1)), Duration.ofSeconds(10));
      try (ApiServer quick = new ApiServer(gatewayContext, FleetRoutes.table(new FleetRoutes.Fleet(view, 1000), writes),
          2, null)) {
        ApiClient gw = new ApiClient("http://127.0.0.1:" + quick.bind("127.0.0.1", 0).getPort());
        ApiClient.Response r = gw.send("PATCH", DOMAINS + "/h9.stalled", "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}", auth("a-secret"));
        assertThat(r.status()).as(r.body()).isEqualTo(504);
        assertThat(r.json().path("message").asText()).contains("host h9").contains("may have been made");
        assertThat(r.json().path("details").has("retryAfterSeconds")).isFalse();
      } finally {
        client.getKVClient().delete(bytes(io.virtrev.fleet.FleetKeys.object("domains", "h9", uuid))).get();
        client.getKVClient().delete(bytes(io.virtrev.fleet.FleetKeys.registration("h9"))).get();
      }
    }
  }

  private static io.etcd.jetcd.ByteSequence bytes(String s) {
    return io.etcd.jetcd.ByteSequence.from(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
