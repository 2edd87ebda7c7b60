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

  private static long rv(JsonNode list) {
    return Long.parseLong(list.get("metadata").get("resourceVersion").asText());
  }

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.get("items").forEach(i -> out.add(i.get("metadata").get("name").asText() + "@"
        + i.get("metadata").get("resourceVersion").asText()));
    return out;
  }

  @Test
  void listAtAResourceVersionIsTheStateAtThatRevision() {
    String u1 = uuid();
    bed.put(a, FleetTestBed.domain("one", u1, 1, "running", Map.of()));
    long at = bed.put(a, FleetTestBed.domain("two", uuid(), 2, "running", Map.of()));
    JsonNode then = listAB("").json();
    bed.put(a, FleetTestBed.domain("one", u1, 3, "paused", Map.of()));
    bed.delete(a, u1, 4);
    bed.put(b, FleetTestBed.domain("three", uuid(), 1, "running", Map.of()));

    JsonNode exact = listAB("&resourceVersion=" + at + "&resourceVersionMatch=Exact").json();
    assertThat(rv(exact)).isEqualTo(at);
    assertThat(names(exact)).containsExactlyInAnyOrderElementsOf(names(then));
    assertThat(names(listAB("&resourceVersion=" + at).json())).as("without a match: exactly at R (docs/fleet.md)")
        .containsExactlyInAnyOrderElementsOf(names(then));
    JsonNode now = listAB("").json();
    assertThat(byName(now).keySet()).containsExactly(a + ".two", b + ".three");
    JsonNode notOlder = listAB("&resourceVersion=" + at + "&resourceVersionMatch=NotOlderThan").json();
    assertThat(rv(notOlder)).isGreaterThanOrEqualTo(rv(now));

    ApiClient.Response future = listAB("&resourceVersion=" + (rv(now) + 1000));
    assertThat(future.status()).as(future.body()).isEqualTo(504);
    assertThat(future.json().get("message").asText()).contains("Too large resource version");
  }

  @Test
  void pagesAllComeFromTheFirstPagesRevisionWhileWritesGoOn() throws Exception {
    List<String> uids = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      String u = uuid();
      uids.add(u);
      bed.put(i % 2 == 0 ? a : b, FleetTestBed.domain("vm" + i, u, i + 1, "running", Map.of()));
    }
    JsonNode whole = listAB("").json();
    JsonNode page = listAB("&limit=2").json();
    long at = rv(page);
    assertThat(at).isEqualTo(rv(whole));
    List<String> seen = new ArrayList<>(names(page));
    int pages = 1;
    while (page.get("metadata").has("continue")) {
      // Meanwhile the hosts change: a page is still the state at the first page's revision.
      bed.put(a, FleetTestBed.domain("new" + pages, uuid(), 100 + pages, "running", Map.of()));
      bed.delete(pages % 2 == 1 ? b : a, uids.get(pages), 200 + pages);
      String token = page.get("metadata").get("continue").asText();
      ApiClient.Response r = api.get(G + "/domains?limit=2&continue=" + q(token));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      page = r.json();
      assertThat(rv(page)).isEqualTo(at);
      seen.addAll(names(page));
      pages++;
    }
    assertThat(pages).isEqualTo(5);
    assertThat(seen).containsExactlyElementsOf(names(whole));
    assertThat(listAB("&limit=2").json().get("metadata").get("remainingItemCount")).isNull(); // a selector: no count
    ApiClient.Response garbage = api.get(G + "/domains?limit=2&continue=bm90LWEtdG9rZW4");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.json().get("message").asText()).contains("continue token");
    String token = listAB("&limit=2").json().get("metadata").get("continue").asText();
    ApiClient.Response other = api.get(G + "/domains?limit=2&labelSelector=x%3Dy&continue=" + q(token));
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.json().get("message").asText()).contains("labelSelector");
  }

  private static List<String> fleetEvents(WatchClient w) {
    List<String> out = new ArrayList<>();
    for (SeenEvent e : w.events()) {
      if (!e.type().equals("BOOKMARK")) {
        out.add(e.type() + " " + e.name() + "@" + e.resourceVersion());
      }
    }
    return out;
  }

  @Test
  void watchFromAResourceVersionDeliversEveryChangeAfterItOnceInOrder() {
    String u = uuid();
    bed.put(a, FleetTestBed.domain("web", u, 1, "running", Map.of()));
    long start = rv(listAB("").json());
    List<String> expected = new ArrayList<>();
    long r1 = bed.put(a, FleetTestBed.domain("web", u, 2, "paused", Map.of()));
    expected.add("MODIFIED " + a + ".web@" + r1);
    String u2 = uuid();
    long r2 = bed.put(b, FleetTestBed.domain("db", u2, 1, "running", Map.of()));
    expected.add("ADDED " + b + ".db@" + r2);
    long r3 = bed.delete(a, u, 3);
    expected.add("DELETED " + a + ".web@" + r3);
    long r4 = bed.put(b, FleetTestBed.domain("db", u2, 2, "shutoff", Map.of()));
    expected.add("MODIFIED " + b + ".db@" + r4);

    String sel = "&labelSelector=" + q("virtrev.io/host in (" + a + "," + b + ")");
    try (WatchClient w = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + start + sel)) {
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= expected.size());
      assertThat(fleetEvents(w)).containsExactlyElementsOf(expected);
      JsonNode deleted = io.virtrev.api.Json.mapper().readTree(w.events().get(2).objectJson());
      assertThat(deleted.get("status").get("state").asText()).as("a DELETED event carries the last state")
          .isEqualTo("paused");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    // Resumed from the second event's RV: exactly the rest (as on another gateway).
    try (WatchClient w = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + r2 + sel)) {
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 2);
      long more = bed.put(a, FleetTestBed.domain("late", uuid(), 9, "running", Map.of()));
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 3);
      assertThat(fleetEvents(w)).containsExactly(expected.get(2), expected.get(3), "ADDED " + a + ".late@" + more);
    }
  }

  @Test
  void aWatchWithoutResourceVersionStartsWithTheStateAsAdded() {
    long r1 = bed.put(a, FleetTestBed.domain("web", uuid(), 1, "running", Map.of()));
    String sel = "&labelSelector=" + q("virtrev.io/host=" + a);
    try (WatchClient w = WatchClient.open(api, G + "/domains?watch=true&allowWatchBookmarks=true"
        + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan" + sel)) {
      await().atMost(WAIT).until(() -> w.events().stream().anyMatch(e -> e.type().equals("BOOKMARK")));
      SeenEvent first = w.events().get(0);
      assertThat(first.type() + " " + first.name() + "@" + first.resourceVersion()).isEqualTo("ADDED " + a + ".web@" + r1);
      JsonNode bookmark = io.virtrev.api.Json.mapper().readTree(w.events().get(1).objectJson());
      assertThat(bookmark.get("metadata").get("annotations").get("k8s.io/initial-events-end").asText()).isEqualTo("true");
      long r2 = bed.put(a, FleetTestBed.domain("two", uuid(), 2, "running", Map.of()));
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 2);
      assertThat(fleetEvents(w)).containsExactly("ADDED " + a + ".web@" + r1, "ADDED " + a + ".two@" + r2);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void bookmarksComeFromEtcdProgressAndPromiseEverythingBeforeThem() {
    long r1 = bed.put(a, FleetTestBed.domain("web", uuid(), 1, "running", Map.of()));
    try (WatchClient w = WatchClient.open(api, G + "/domains?watch=true&allowWatchBookmarks=true&resourceVersion="
        + r1 + "&labelSelector=" + q("virtrev.io/host=" + a))) {
      // Another host's change moves etcd's revision; a's watch sees no event but a BOOKMARK past it.
      long other = bed.put(b, FleetTestBed.domain("db", uuid(), 1, "running", Map.of()));
      await().atMost(WAIT).until(() -> w.events().stream()
          .anyMatch(e -> e.type().equals("BOOKMARK") && e.resourceVersion() >= other));
      assertThat(fleetEvents(w)).isEmpty();
      long last = w.events().get(w.events().size() - 1).resourceVersion();
      long r2 = bed.put(a, FleetTestBed.domain("web2", uuid(), 2, "running", Map.of()));
      await().atMost(WAIT).until(() -> fleetEvents(w).size() == 1);
      assertThat(r2).isGreaterThan(last);
      assertThat(fleetEvents(w)).containsExactly("ADDED " + a + ".web2@" + r2);
    }
  }

  @Test
  void selectorsByHostSelectListsAndWatches() {
    long ra = bed.put(a, FleetTestBed.domain("web", uuid(), 1, "running", Map.of()));
    long rb = bed.put(b, FleetTestBed.domain("web", uuid(), 1, "running", Map.of()));
    JsonNode byField = api.get(G + "/domains?fieldSelector=" + q("status.host=" + a)).json();
    assertThat(byName(byField).keySet()).containsExactly(a + ".web");
    JsonNode byLabel = api.get(G + "/domains?labelSelector=" + q("virtrev.io/host=" + b)).json();
    assertThat(byName(byLabel).keySet()).containsExactly(b + ".web");
    JsonNode both = api.get(G + "/domains?fieldSelector=" + q("status.host=" + a + ",metadata.name=" + a + ".web")
        + "&labelSelector=" + q("virtrev.io/host=" + a)).json();
    assertThat(names(both)).containsExactly(a + ".web@" + ra);
    JsonNode none = api.get(G + "/domains?fieldSelector=" + q("status.host=" + a + ",status.host!=" + a)).json();
    assertThat(none.get("items")).isEmpty();

    String u = uuid();
    try (WatchClient w = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + rb
        + "&fieldSelector=" + q("status.host=" + b + ",status.state=running"))) {
      long r1 = bed.put(a, FleetTestBed.domain("x", uuid(), 2, "running", Map.of())); // other host: not seen
      long r2 = bed.put(b, FleetTestBed.domain("y", u, 2, "running", Map.of()));
      long r3 = bed.put(b, FleetTestBed.domain("y", u, 3, "paused", Map.of())); // stops matching: DELETED
      long r4 = bed.put(b, FleetTestBed.domain("y", u, 4, "running", Map.of())); // matches again: ADDED
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 3);
      assertThat(r1).isLessThan(r2);
      assertThat(fleetEvents(w)).containsExactly("ADDED " + b + ".y@" + r2, "DELETED " + b + ".y@" + r3,
          "ADDED " + b + ".y@" + r4);
    }
    ApiClient.Response bad = api.get(G + "/domains?fieldSelector=" + q("spec.xml=x"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText()).contains("spec.xml").contains("status.host");
  }

  @Test
  void aWatchOfOneObjectsUrlSeesOnlyIt() {
    String u = uuid();
    long r0 = bed.put(a, FleetTestBed.domain("web", u, 1, "running", Map.of()));
    try (WatchClient w = WatchClient.open(api, G + "/domains/" + a + ".web?watch=true&resourceVersion=" + r0)) {
      bed.put(a, FleetTestBed.domain("other", uuid(), 2, "running", Map.of()));
      long r2 = bed.put(a, FleetTestBed.domain("web", u, 3, "paused", Map.of()));
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 1);
      assertThat(fleetEvents(w)).containsExactly("MODIFIED " + a + ".web@" + r2);
    }
  }

  @Test
  void compactedRevisionsAnswer410ToListsWatchesAndContinueTokens() {
    for (int i = 0; i < 3; i++) {
      bed.put(a, FleetTestBed.domain("vm" + i, uuid(), i + 1, "running", Map.of()));
    }
    JsonNode first = listAB("&limit=1").json();
    long old = rv(first);
    String token = first.get("metadata").get("continue").asText();
    long later = bed.put(a, FleetTestBed.domain("vm9", uuid(), 9, "running", Map.of()));
    try (WatchClient behind = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + (old - 1)
        + "&labelSelector=" + q("virtrev.io/host=" + a))) {
      await().atMost(WAIT).until(() -> !fleetEvents(behind).isEmpty());
    }
    bed.compact(later);

    ApiClient.Response list = listAB("&resourceVersion=" + old + "&resourceVersionMatch=Exact");
    assertThat(list.status()).as(list.body()).isEqualTo(410);
    assertThat(list.json().get("reason").asText()).isEqualTo("Expired");
    ApiClient.Response cont = api.get(G + "/domains?limit=1&continue=" + q(token));
    assertThat(cont.status()).as(cont.body()).isEqualTo(410);
    try (WatchClient w = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + old)) {
      await().atMost(WAIT).until(() -> !w.errors().isEmpty());
      JsonNode status = w.errors().get(0);
      assertThat(status.get("code").asInt()).isEqualTo(410);
      assertThat(status.get("reason").asText()).isEqualTo("Expired");
      await().atMost(WAIT).until(() -> w.ended().isDone());
    }
    // Relisting works, and a watch from the relist's revision goes on.
    JsonNode relist = listAB("").json();
    assertThat(byName(relist)).containsKey(a + ".vm9");
  }

  @Test
  void aWatchResumedFromARevisionEtcdHasNotReachedIs504AtOnce() {
    long now = bed.put(a, FleetTestBed.domain("ahead", uuid(), 1, "running", Map.of()));
    ApiClient.Response r = api.get(G + "/domains?watch=true&resourceVersion=" + (now + 1000));
    assertThat(r.status()).as(r.body()).isEqualTo(504);
    assertThat(r.json().get("message").asText()).contains("Too large resource version: " + (now + 1000));
  }

  @Test
  void resumingInsideARevisionThatChangedSeveralObjectsIs410ButAListAtItWatchesOn() {
    long full = bed.putAll(a, FleetTestBed.domain("p", uuid(), 1, "running", Map.of()),
        FleetTestBed.domain("q", uuid(), 1, "running", Map.of()));
    try (WatchClient w = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + full)) {
      await().atMost(WAIT).until(() -> !w.errors().isEmpty());
      assertThat(w.errors().get(0).get("code").asInt()).isEqualTo(410);
      assertThat(w.errors().get(0).get("message").asText()).contains("changed 2 objects");
    }
    // A watch open while the re-mirror commits gets every object of it, at the one revision.
    long single = bed.put(b, FleetTestBed.domain("one", uuid(), 1, "running", Map.of()));
    try (WatchClient live = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + single
        + "&labelSelector=" + q("virtrev.io/host=" + b))) {
      long again = bed.putAll(b, FleetTestBed.domain("s", uuid(), 1, "running", Map.of()),
          FleetTestBed.domain("t", uuid(), 1, "running", Map.of()), FleetTestBed.domain("u", uuid(), 1, "running",
              Map.of()));
      await().atMost(WAIT).until(() -> fleetEvents(live).size() >= 3);
      assertThat(fleetEvents(live)).containsExactlyInAnyOrder("ADDED " + b + ".s@" + again,
          "ADDED " + b + ".t@" + again, "ADDED " + b + ".u@" + again);
    }
    // Without a resourceVersion the state at the revision comes first: no 410.
    try (WatchClient w = WatchClient.open(api, G + "/domains?watch=true&labelSelector=" + q("virtrev.io/host=" + a))) {
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 2);
      long r = bed.put(a, FleetTestBed.domain("r", uuid(), 2, "running", Map.of()));
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 3);
      List<String> seen = fleetEvents(w);
      assertThat(seen.subList(0, 2)).containsExactlyInAnyOrder("ADDED " + a + ".p@" + full,
          "ADDED " + a + ".q@" + full);
      assertThat(seen.subList(2, seen.size())).containsExactly("ADDED " + a + ".r@" + r);
      assertThat(w.errors()).isEmpty();
    }
  }

  @Test
  void discoveryListsTheFleetsKindsWithTheirVerbsAndActions() {
    JsonNode res = api.get(G).json();
    Map<String, Set<String>> verbs = new TreeMap<>();
    for (JsonNode r : res.get("resources")) {
      Set<String> v = new TreeSet<>();
      r.get("verbs").forEach(x -> v.add(x.asText()));
      verbs.put(r.get("name").asText(), v);
    }
    // The kinds with the host's verbs (writes are forwarded to the owning host: FleetMutationsTest), their
    // lifecycle actions as subresources, as a host lists them; volumes and snapshots as on a host (no update or
    // patch: they cannot be redefined).
    assertThat(verbs.keySet().stream().filter(k -> !k.contains("/"))).containsExactly("domains", "networks",
        "storagepools");
    assertThat(verbs.get("domains")).containsExactly("create", "delete", "get", "list", "patch", "update", "watch");
    assertThat(verbs).containsEntry("domains/start", Set.of("create")).containsEntry("networks/start",
        Set.of("create")).containsEntry("storagepools/build", Set.of("create"));
    assertThat(verbs.get("storagepools/volumes")).containsExactly("create", "delete", "get", "list", "watch");
    assertThat(verbs.get("domains/snapshots")).containsExactly("create", "delete", "get", "list", "watch");
    assertThat(verbs).containsEntry("storagepools/volumes/resize", Set.of("create"))
        .containsEntry("domains/snapshots/revert", Set.of("create"));
    assertThat(api.get("/apis").json().get("groups").get(0).get("name").asText()).isEqualTo("virtrev.io");
    assertThat(api.get("/version").status()).isEqualTo(200);
    assertThat(api.get("/openapi/v2").status()).isEqualTo(200);
    assertThat(api.get("/openapi/v3").status()).isEqualTo(200);
    assertThat(api.get("/healthz").body()).isEqualTo("ok\n");
    assertThat(api.get("/readyz").body()).isEqualTo("ok\n");
    assertThat(api.get("/metrics").body()).contains("virtrev_http_requests_seconds_count");

    ApiClient.Response post = api.send("POST", G + "/domains/" + a + ".web", "application/json", "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD, PUT, PATCH, DELETE");
    assertThat(api.get(G + "/domains/" + a + ".web/history").status()).isEqualTo(404);
    assertThat(api.get(G + "/storagevolumes").status()).isEqualTo(404);
    assertThat(api.get(G + "/storagepools/nodot/volumes").json().get("message").asText())
        .contains("storagepool \"nodot\" not found");
    ApiClient.Response unknown = api.get(G + "/domains?bogus=1");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("message").asText()).contains("bogus");
  }

  /**
   * The gateway's OpenAPI documents are its own, generated from its route table: every operation they advertise
   * is routed on the gateway (no 404 "no such path", no 405), and what only a host serves (history, diff) is not
   * advertised. OpenApiServedPathsTest checks that the table and the documents name the same operations.
   */
  @Test
  void theOpenApiDocumentsAdvertiseOnlyWhatTheGatewayServes() {
    for (String doc : List.of("/openapi/v3/apis/virtrev.io/v1", "/openapi/v2")) {
      ApiClient.Response d = api.get(doc);
      assertThat(d.status()).as(doc).isEqualTo(200);
      JsonNode paths = d.json().get("paths");
      List<String> seen = new ArrayList<>();
      for (java.util.Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
        String path = it.next();
        for (java.util.Iterator<String> m = paths.get(path).fieldNames(); m.hasNext(); ) {
          String method = m.next();
          if (method.equals("parameters")) {
            continue;
          }
          String url = path.replace("{name}", a + ".no-such").replace("{pool}", a + ".no-such-pool")
              .replace("{domain}", a + ".no-such-domain");
          boolean bodyless = method.equals("get") || method.equals("delete");
          ApiClient.Response r = api.send(method.toUpperCase(java.util.Locale.ROOT), url, bodyless ? null
              : method.equals("patch") ? "application/merge-patch+json" : "application/json", bodyless ? null : "{}");
          assertThat(r.status()).as(doc + ": " + method + " " + path + ": " + r.body()).isNotEqualTo(405);
          assertThat(r.body()).as(doc + ": " + method + " " + path).doesNotContain("no such path");
          seen.add(method + " " + path);
        }
      }
      assertThat(seen).as(doc).contains("get " + G + "/domains", "patch " + G + "/domains/{name}",
          "post " + G + "/domains/{name}/start", "get " + G + "/storagepools/{pool}/volumes/{name}",
          "get " + G + "/all")
          .noneMatch(s -> s.endsWith("/history") || s.endsWith("/diff"));
    }
  }

  @Test
  void tablesNameTheFleetObjectAndAddAHostColumn() {
    long r = bed.put(a, FleetTestBed.domain("web", uuid(), 1, "running", Map.of()));
    String accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    JsonNode t = api.get(G + "/domains?labelSelector=" + q("virtrev.io/host=" + a), "Accept", accept).json();
    assertThat(t.get("kind").asText()).isEqualTo("Table");
    List<String> cols = new ArrayList<>();
    t.get("columnDefinitions").forEach(c -> cols.add(c.get("name").asText()));
    assertThat(cols.subList(0, 3)).containsExactly("Name", "Host", "State");
    JsonNode row = t.get("rows").get(0);
    assertThat(row.get("cells").get(0).asText()).isEqualTo(a + ".web");
    assertThat(row.get("cells").get(1).asText()).isEqualTo(a);
    assertThat(row.get("cells").get(2).asText()).isEqualTo("running");
    assertThat(row.get("object").get("metadata").get("resourceVersion").asText()).isEqualTo(Long.toString(r));
    JsonNode one = api.get(G + "/domains/" + a + ".web", "Accept", accept).json();
    assertThat(one.get("rows").get(0).get("cells").get(0).asText()).isEqualTo(a + ".web");
  }

  @Test
  void readyzAnswers503WhileEtcdIsUnreachable() throws Exception {
    int dead;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (FleetGateway g = FleetGateway.start(new FleetGateway.Config(
        new EtcdSettings(List.of("http://127.0.0.1:" + dead), null, null, null, null, null, Duration.ofSeconds(1)),
        "127.0.0.1", 0, DaemonConfig.HttpConfig.defaults(), AccessConfig.defaults(), 100))) {
      ApiClient c = new ApiClient("http://127.0.0.1:" + g.address().getPort());
      ApiClient.Response r = c.get("/readyz");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.body()).contains("etcd");
      assertThat(c.get("/healthz").status()).isEqualTo(200);
      ApiClient.Response list = c.get(G + "/domains");
      assertThat(list.status()).isEqualTo(503);
      assertThat(list.header("Retry-After")).isEqualTo("1");
    }
  }

  @Test
  void underConcurrentHostsAWatchAndAResumedWatchSeeExactlyTheCommittedRevisions() throws Exception {
    String c = "hc" + counter + "-" + Long.toHexString(System.nanoTime() & 0xffff);
    List<String> hosts = List.of(a, b, c);
    long start = bed.put(a, FleetTestBed.domain("seed", uuid(), 1, "running", Map.of()));
    String sel = "&labelSelector=" + q("virtrev.io/host in (" + a + "," + b + "," + c + ")");
    List<Long> committed = java.util.Collections.synchronizedList(new ArrayList<>());
    try (WatchClient whole = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + start + sel)) {
      List<Thread> writers = new ArrayList<>();
      for (String h : hosts) {
        Thread t = new Thread(() -> {
          List<String> uids = new ArrayList<>();
          for (int i = 0; i < 40; i++) {
            if (i % 5 == 4 && !uids.isEmpty()) {
              committed.add(bed.delete(h, uids.remove(0), i + 1));
            } else {
              String u = i % 3 == 0 || uids.isEmpty() ? uuid() : uids.get(uids.size() - 1);
              if (!uids.contains(u)) {
                uids.add(u);
              }
              committed.add(bed.put(h, FleetTestBed.domain("vm-" + u.substring(0, 8), u, i + 1,
                  i % 2 == 0 ? "running" : "paused", Map.of())));
            }
          }
        });
        writers.add(t);
        t.start();
      }
      // A client that moves on after every 15 events, resuming from the last resourceVersion it saw.
      List<SeenEvent> resumed = new ArrayList<>();
      long from = start;
      while (resumed.size() < 120) {
        long at = from;
        try (WatchClient part = WatchClient.open(api, G + "/domains?watch=true&resourceVersion=" + at + sel)) {
          int want = Math.min(15, 120 - resumed.size());
          await().atMost(WAIT).until(() -> part.events().stream().filter(e -> !e.type().equals("BOOKMARK")).count()
              >= want);
          List<SeenEvent> got = part.events().stream().filter(e -> !e.type().equals("BOOKMARK")).limit(want).toList();
          resumed.addAll(got);
          from = got.get(got.size() - 1).resourceVersion();
        }
      }
      for (Thread t : writers) {
        t.join(60_000);
      }
      await().atMost(WAIT).until(() -> fleetEvents(whole).size() >= 120);
      List<Long> expected = committed.stream().sorted().toList();
      List<Long> seen = whole.events().stream().filter(e -> !e.type().equals("BOOKMARK"))
          .map(SeenEvent::resourceVersion).toList();
      assertThat(seen).as("every committed revision once, in etcd order").containsExactlyElementsOf(expected);
      assertThat(resumed.stream().map(e -> e.type() + e.name() + e.resourceVersion()).toList())
          .as("a client resuming from its last resourceVersion misses nothing and repeats nothing")
          .containsExactlyElementsOf(whole.events().stream().filter(e -> !e.type().equals("BOOKMARK"))
              .map(e -> e.type() + e.name() + e.resourceVersion()).toList());
      // The list at the end is what the events add up to.
      Map<String, Long> folded = new TreeMap<>();
      for (SeenEvent e : whole.events()) {
        if (e.type().equals("DELETED")) {
          folded.remove(e.name());
        } else if (!e.type().equals("BOOKMARK")) {
          folded.put(e.name(), e.resourceVersion());
        }
      }
      folded.put(a + ".seed", start);
      JsonNode now = api.get(G + "/domains?" + sel.substring(1)).json();
      Map<String, Long> listed = new TreeMap<>();
      now.get("items").forEach(i -> listed.put(i.get("metadata").get("name").asText(),
          Long.parseLong(i.get("metadata").get("resourceVersion").asText())));
      assertThat(listed).isEqualTo(folded);
    }
  }

  @Test
  void aClientThatDoesNotKeepUpPausesItsEtcdWatchAndStillGetsEveryEventInOrder() throws Exception {
    try (FleetGateway g = FleetGateway.start(new FleetGateway.Config(EtcdSettings.of(etcd.endpoints()), "127.0.0.1", 0,
        DaemonConfig.HttpConfig.defaults().withBookmarkInterval(Duration.ofMillis(400)), AccessConfig.defaults(), 5));
        java.net.Socket sock = new java.net.Socket()) {
      long start = bed.put(a, FleetTestBed.domain("seed", uuid(), 1, "running", Map.of()));
      sock.setReceiveBufferSize(4096);
      sock.connect(new java.net.InetSocketAddress("127.0.0.1", g.address().getPort()));
      sock.getOutputStream().write(("GET " + G + "/domains?watch=true&resourceVersion=" + start + "&labelSelector="
          + q("virtrev.io/host=" + a) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String pad = "x".repeat(60_000);
      List<Long> written = new ArrayList<>();
      for (int i = 0; i < 120; i++) { // ~7 MB the client does not read meanwhile; the gateway holds ~5 events
        written.add(bed.put(a, FleetTestBed.domain("big" + i, uuid(), i + 2, "running", Map.of("pad", pad))));
      }
      // Now it reads: every event, in order, exactly once (the etcd watch paused and went on after the cursor).
      sock.setSoTimeout((int) WAIT.toMillis());
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(),
          StandardCharsets.UTF_8), 1 << 16);
      List<Long> got = new ArrayList<>();
      String line;
      while (got.size() < written.size() && (line = in.readLine()) != null) {
        int i = line.indexOf("\"resourceVersion\":\"");
        assertThat(line).doesNotContain("\"type\":\"ERROR\"");
        if (line.contains("\"type\":\"ADDED\"") && i > 0) {
          got.add(Long.parseLong(line.substring(i + 19, line.indexOf('"', i + 19))));
        }
      }
      assertThat(got).containsExactlyElementsOf(written);
    }
  }

  @Test
  void aLargeListIsGzippedWhenTheClientAcceptsIt() throws Exception {
    for (int i = 0; i < 20; i++) { // past the 128 KiB below which nothing is compressed
      bed.put(a, FleetTestBed.domain("vm" + i, uuid(), i + 1, "running", Map.of("pad", "y".repeat(8000))));
    }
    java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(api.base().resolve(G + "/domains?labelSelector=" + q("virtrev.io/host=" + a)))
        .header("Accept-Encoding", "gzip").build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.headers().firstValue("Content-Encoding")).contains("gzip");
    JsonNode list = io.virtrev.api.Json.mapper().readTree(new java.util.zip.GZIPInputStream(
        new java.io.ByteArrayInputStream(r.body())));
    assertThat(list.get("items")).hasSize(20);
  }

  @Test
  void theGatewayChecksCallersAsAHostDoes() throws Exception {
    java.nio.file.Path tokens = java.nio.file.Files.createTempFile("fleet-tokens", "");
    String token = "fleet-reader-" + uuid();
    java.nio.file.Files.writeString(tokens, "reader read " + io.virtrev.daemon.security.TokenFile.hashLine(token) + "\n");
    bed.put(a, FleetTestBed.domain("web", uuid(), 1, "running", Map.of()));
    try (FleetGateway g = FleetGateway.start(new FleetGateway.Config(EtcdSettings.of(etcd.endpoints()), "127.0.0.1", 0,
        DaemonConfig.HttpConfig.defaults(), AccessConfig.defaults().withTokens(tokens), 100))) {
      ApiClient c = new ApiClient("http://127.0.0.1:" + g.address().getPort());
      ApiClient.Response anonymous = c.get(G + "/domains/" + a + ".web");
      assertThat(anonymous.status()).isEqualTo(401);
      assertThat(anonymous.json().get("kind").asText()).isEqualTo("Status");
      assertThat(c.get(G + "/domains/" + a + ".web", "Authorization", "Bearer wrong").status()).isEqualTo(401);
      ApiClient.Response reader = c.get(G + "/domains/" + a + ".web", "Authorization", "Bearer " + token);
      assertThat(reader.status()).as(reader.body()).isEqualTo(200);
      assertThat(c.get("/healthz").status()).isEqualTo(200);
    } finally {
      java.nio.file.Files.deleteIfExists(tokens);
    }
  }

  @Test
  void allListsAndWatchesEveryKindInEtcdOrder() {
    String net = uuid();
    long r1 = bed.put(a, FleetTestBed.network("default", net, 1, true));
    long r2 = bed.put(a, FleetTestBed.domain("web", uuid(), 2, "running", Map.of()));
    JsonNode all = api.get(G + "/all").json();
    assertThat(all.get("kind").asText()).isEqualTo("List");
    Map<String, String> kinds = new TreeMap<>();
    all.get("items").forEach(i -> kinds.put(i.get("metadata").get("name").asText(), i.get("kind").asText()));
    assertThat(kinds).containsEntry(a + ".default", "Network").containsEntry(a + ".web", "Domain");
    assertThat(rv(all)).isGreaterThanOrEqualTo(r2);
    JsonNode nets = api.get(G + "/networks?labelSelector=" + q("virtrev.io/host=" + a)).json();
    assertThat(names(nets)).containsExactly(a + ".default@" + r1);
    assertThat(api.get(G + "/networks/" + a + ".default").json().get("status").get("bridge").asText()).isEqualTo("virbr9");

    try (WatchClient w = WatchClient.open(api, G + "/all?watch=true&resourceVersion=" + r2 + "&fieldSelector="
        + q("status.host=" + a))) {
      long r3 = bed.put(a, FleetTestBed.network("default", net, 3, false));
      long r4 = bed.put(b, FleetTestBed.domain("db", uuid(), 1, "running", Map.of())); // another host
      long r5 = bed.put(a, FleetTestBed.domain("api", uuid(), 4, "running", Map.of()));
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 2);
      assertThat(r4).isBetween(r3, r5);
      assertThat(fleetEvents(w)).containsExactly("MODIFIED " + a + ".default@" + r3, "ADDED " + a + ".api@" + r5);
    }
    ApiClient.Response table = api.get(G + "/all?watch=true", "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(table.status()).isEqualTo(406);
  }

  @Test
  void volumesAreListedGotAndWatchedUnderTheirQualifiedPool() {
    bed.put(a, FleetTestBed.pool("default", 1));
    bed.put(a, FleetTestBed.pool("other", 1));
    bed.put(b, FleetTestBed.pool("default", 1));
    bed.put(a, FleetTestBed.volume("default", "disk1", 1, 1 << 20));
    long r2 = bed.put(a, FleetTestBed.volume("default", "disk2", 2, 2 << 20));
    bed.put(a, FleetTestBed.volume("other", "disk1", 3, 3 << 20));
    long rb = bed.put(b, FleetTestBed.volume("default", "disk1", 1, 4 << 20));
    JsonNode list = api.get(G + "/storagepools/" + a + ".default/volumes").json();
    assertThat(list.get("kind").asText()).isEqualTo("StorageVolumeList");
    Map<String, JsonNode> items = byName(list);
    assertThat(items.keySet()).containsExactly("disk1", "disk2");
    assertThat(items.get("disk1").get("status").get("capacity").asLong()).isEqualTo(1 << 20);
    assertThat(items.get("disk1").get("status").get("host").asText()).isEqualTo(a);
    JsonNode page = api.get(G + "/storagepools/" + a + ".default/volumes?limit=1").json();
    assertThat(page.get("items")).hasSize(1);
    ApiClient.Response next = api.get(G + "/storagepools/" + a + ".default/volumes?limit=1&continue="
        + q(page.get("metadata").get("continue").asText()));
    assertThat(next.status()).as(next.body()).isEqualTo(200);
    assertThat(next.json().get("items")).hasSize(1);

    JsonNode got = api.get(G + "/storagepools/" + a + ".default/volumes/disk2").json();
    assertThat(got.get("metadata").get("resourceVersion").asText()).isEqualTo(Long.toString(r2));
    assertThat(api.get(G + "/storagepools/" + b + ".default/volumes/disk2").status()).isEqualTo(404);
    assertThat(api.get(G + "/storagepools/" + a + ".other/volumes/disk1").json().get("status").get("capacity")
        .asLong()).isEqualTo(3 << 20);

    try (WatchClient w = WatchClient.open(api, G + "/storagepools/" + b + ".default/volumes?watch=true&resourceVersion="
        + rb)) {
      bed.put(a, FleetTestBed.volume("default", "disk3", 4, 1)); // another host's pool
      long r5 = bed.put(b, FleetTestBed.volume("default", "disk9", 2, 1));
      await().atMost(WAIT).until(() -> fleetEvents(w).size() >= 1);
      assertThat(fleetEvents(w)).containsExactly("ADDED disk9@" + r5);
    }
    String accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    JsonNode t = api.get(G + "/storagepools/" + a + ".default/volumes", "Accept", accept).json();
    assertThat(t.get("rows").get(0).get("cells").get(1).asText()).isEqualTo(a);
  }

  /**
   * A list, get or watch of volumes (snapshots) under a pool (domain) that does not exist is a 404 naming the
   * owner, as a host answers; under one that exists, a volume that does not is a 404 naming the volume.
   */
  @Test
  void aMissingOwnerIsA404NamingIt() {
    bed.put(a, FleetTestBed.volume("ghost", "disk1", 1, 1 << 20)); // a volume key whose pool key is not there
    for (String path : List.of(G + "/storagepools/" + a + ".ghost/volumes", G + "/storagepools/" + a + ".ghost/volumes/disk1",
        G + "/storagepools/" + a + ".ghost/volumes?watch=true", G + "/storagepools/" + b + ".default/volumes",
        G + "/domains/" + a + ".nodomain/snapshots", G + "/domains/" + a + ".nodomain/snapshots/s1")) {
      ApiClient.Response r = api.get(path);
      assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(404);
      assertThat(r.json().get("reason").asText()).isEqualTo("NotFound");
      String owner = path.contains("/storagepools/") ? "storagepool" : "domain";
      assertThat(r.json().get("message").asText()).as(path).startsWith(owner + " \"")
          .contains(path.contains(".ghost") ? a + ".ghost" : path.contains(".nodomain") ? a + ".nodomain" : b + ".default")
          .endsWith("not found");
      assertThat(r.json().at("/details/kind").asText()).isEqualTo(owner + "s");
    }
    bed.put(a, FleetTestBed.pool("ghost", 2));
    assertThat(api.get(G + "/storagepools/" + a + ".ghost/volumes").json().get("items")).hasSize(1);
    ApiClient.Response none = api.get(G + "/storagepools/" + a + ".ghost/volumes/disk9");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().get("message").asText()).isEqualTo("storagevolumes \"disk9\" not found");
    long r = bed.put(b, FleetTestBed.domain("web", uuid(), 1, "running", Map.of()));
    ApiClient.Response snaps = api.get(G + "/domains/" + b + ".web/snapshots");
    assertThat(snaps.status()).as(snaps.body()).isEqualTo(200);
    assertThat(snaps.json().get("items")).isEmpty();
    assertThat(snaps.json().at("/metadata/resourceVersion").asLong()).isGreaterThanOrEqualTo(r);
  }
}
