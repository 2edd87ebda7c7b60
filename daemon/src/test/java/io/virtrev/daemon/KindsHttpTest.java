package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import io.virtrev.api.Uids;
import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.StoragePoolObservation;
import io.virtrev.api.source.StorageVolumeObservation;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.versioning.Cause;
import io.virtrev.versioning.Kinds;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks, storage pools, storage volumes and domain snapshots over the real Netty server, with objects
 * committed to the real store: list (at a revision, paged, selected), get (by name and uid, at a revision,
 * XML, Table), watch of one kind, of one owner's objects, and of every kind on one stream, and the errors.
 */
class KindsHttpTest {
  static final String V1 = "/apis/virtrev.io/v1";
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String NET_A = "aaaaaaaa-0000-0000-0000-000000000001";
  static final String NET_B = "aaaaaaaa-0000-0000-0000-000000000002";
  static final String POOL = "bbbbbbbb-0000-0000-0000-000000000001";

  @TempDir Path dir;
  private FakeDaemon d;
  private String vm;

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
    long before = d.revision();
    vm = d.source.defineTiny("i13-khttp-vm");
    await().atMost(WAIT).until(() -> d.revision() > before);
  }

  @AfterEach
  void stop() {
    d.close();
  }

  private long network(String uuid, String name, boolean active) throws Exception {
    return d.daemon.store().observe(Kinds.NETWORKS, uuid, new NetworkObservation(uuid, name,
        "<network><name>" + name + "</name><uuid>" + uuid + "</uuid></network>",
        active ? "<network><name>" + name + "</name><bridge name='virbr9'/></network>" : null, active, true, false),
        Cause.NONE).get().orElseThrow().revision().value();
  }

  private long pool(String state) throws Exception {
    return d.daemon.store().observe(Kinds.STORAGE_POOLS, POOL, new StoragePoolObservation(POOL, "i13-khttp-pool",
        "<pool type='dir'><name>i13-khttp-pool</name></pool>", null, state, true, true, 10L << 30, 1L << 30, 9L << 30),
        Cause.NONE).get().orElseThrow().revision().value();
  }

  private long volume(String name, long capacity) throws Exception {
    return d.daemon.store().observe(Kinds.STORAGE_VOLUMES, Uids.storageVolume(POOL, name),
        new StorageVolumeObservation(POOL, "i13-khttp-pool", name, "/p/" + name, "/p/" + name, "<volume><name>" + name
            + "</name></volume>", "file", capacity, 4096), Cause.NONE).get().orElseThrow().revision().value();
  }

  private long snapshot(String name) throws Exception {
    return d.daemon.store().observe(Kinds.DOMAIN_SNAPSHOTS, Uids.domainSnapshot(vm, name), new SnapshotObservation(vm,
        "i13-khttp-vm", name, "<domainsnapshot><name>" + name + "</name></domainsnapshot>", null, true, "running",
        Instant.parse("2026-12-02T01:00:00Z")), Cause.NONE).get().orElseThrow().revision().value();
  }

  private JsonNode ok(ApiClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void listAndGetEveryKindNowAndAtARevision() throws Exception {
    long r1 = network(NET_A, "i13-khttp-a", false);
    network(NET_B, "i13-khttp-b", true);
    long r3 = network(NET_A, "i13-khttp-a", true);
    pool("running");
    volume("v1.qcow2", 1L << 20);
    snapshot("s1");

    JsonNode nets = ok(d.api.get(V1 + "/networks"));
    assertThat(nets.path("kind").asText()).isEqualTo("NetworkList");
    assertThat(nets.path("items")).extracting(n -> n.at("/metadata/name").asText())
        .containsExactly("i13-khttp-a", "i13-khttp-b");
    assertThat(nets.at("/items/0/status/active").asBoolean()).isTrue();

    JsonNode then = ok(d.api.get(V1 + "/networks?resourceVersion=" + r1 + "&resourceVersionMatch=Exact"));
    assertThat(then.at("/metadata/resourceVersion").asLong()).isEqualTo(r1);
    assertThat(then.path("items")).hasSize(1);
    assertThat(then.at("/items/0/status/active").asBoolean()).isFalse();

    ApiClient.Response one = d.api.get(V1 + "/networks/i13-khttp-a");
    assertThat(one.json().at("/metadata/uid").asText()).isEqualTo(NET_A);
    assertThat(one.header("etag")).isEqualTo("\"" + r3 + "\"");
    assertThat(ok(d.api.get(V1 + "/networks/" + NET_A)).at("/metadata/name").asText()).isEqualTo("i13-khttp-a");
    assertThat(ok(d.api.get(V1 + "/networks/i13-khttp-a?resourceVersion=" + r1)).at("/status/active").asBoolean())
        .isFalse();
    assertThat(d.api.get(V1 + "/networks/i13-khttp-a?live=true", "Accept", "application/xml").body())
        .contains("virbr9");
    assertThat(d.api.get(V1 + "/networks/i13-khttp-a", "If-None-Match", "\"" + r3 + "\"").status()).isEqualTo(304);

    // paging: two pages of one revision, the token bound to this collection
    JsonNode p1 = ok(d.api.get(V1 + "/networks?limit=1"));
    assertThat(p1.path("items")).hasSize(1);
    String token = p1.at("/metadata/continue").asText();
    JsonNode p2 = ok(d.api.get(V1 + "/networks?limit=1&continue=" + token));
    assertThat(p2.at("/items/0/metadata/name").asText()).isEqualTo("i13-khttp-b");
    assertThat(p2.at("/metadata/continue").isMissingNode()).isTrue();
    assertStatus(d.api.get(V1 + "/storagepools?limit=1&continue=" + token), 400, "BadRequest",
        "continue token is for the list of networks, not of storagepools; use it with the list that issued it");

    // selectors: the kind's state, and the name
    assertThat(ok(d.api.get(V1 + "/networks?fieldSelector=status.state%3Dinactive")).path("items")).isEmpty();
    assertThat(ok(d.api.get(V1 + "/networks?fieldSelector=metadata.name%3Di13-khttp-b")).path("items"))
        .extracting(n -> n.at("/metadata/uid").asText()).containsExactly(NET_B);
    assertThat(ok(d.api.get(V1 + "/storagepools?fieldSelector=status.state%3Drunning")).path("items")).hasSize(1);

    JsonNode vols = ok(d.api.get(V1 + "/storagepools/i13-khttp-pool/volumes"));
    assertThat(vols.path("kind").asText()).isEqualTo("StorageVolumeList");
    assertThat(vols.at("/items/0/status/pool").asText()).isEqualTo("i13-khttp-pool");
    assertThat(ok(d.api.get(V1 + "/storagepools/" + POOL + "/volumes/v1.qcow2")).at("/status/capacity").asLong())
        .isEqualTo(1L << 20);
    JsonNode snaps = ok(d.api.get(V1 + "/domains/i13-khttp-vm/snapshots"));
    assertThat(snaps.path("kind").asText()).isEqualTo("DomainSnapshotList");
    assertThat(snaps.at("/items/0/status/domainUid").asText()).isEqualTo(vm);
    assertThat(ok(d.api.get(V1 + "/domains/" + vm + "/snapshots/s1")).at("/metadata/uid").asText())
        .isEqualTo(Uids.domainSnapshot(vm, "s1"));

    assertStatus(d.api.get(V1 + "/networks/nope"), 404, "NotFound", "network \"nope\" not found");
    assertStatus(d.api.get(V1 + "/storagepools/nope/volumes"), 404, "NotFound", "storagepool \"nope\" not found");
    assertStatus(d.api.get(V1 + "/domains/i13-khttp-vm/snapshots/nope"), 404, "NotFound",
        "domainsnapshot \"nope\" not found");
    assertStatus(d.api.get(V1 + "/networks/i13-khttp-a?resourceVersion=1"), 404, "NotFound",
        "network \"i13-khttp-a\" not found at revision 1");
    assertStatus(d.api.get(V1 + "/storagepools/i13-khttp-pool/volumes/v1.qcow2?live=true", "Accept",
        "application/xml"), 400, "BadRequest",
        "live=true: a StorageVolume has no live XML (only domains, networks and storage pools do)");
    assertStatus(d.api.send("PUT", V1 + "/storagepools/i13-khttp-pool/volumes/v1.qcow2", "application/json", "{}"),
        405, "MethodNotAllowed", "method PUT is not allowed on");
  }

  @Test
  void tablesHaveEachKindsColumns() throws Exception {
    network(NET_A, "i13-khttp-a", true);
    pool("running");
    volume("v1.qcow2", 1L << 20);
    snapshot("s1");
    String table = "application/json;as=Table;v=v1;g=meta.k8s.io";
    JsonNode t = ok(d.api.get(V1 + "/storagepools", "Accept", table));
    assertThat(t.path("columnDefinitions")).extracting(c -> c.path("name").asText())
        .startsWith("Name", "State", "Capacity", "Allocation", "Available", "Autostart", "Age");
    assertThat(t.at("/rows/0/cells/2").asText()).isEqualTo("10Gi");
    JsonNode n = ok(d.api.get(V1 + "/networks/i13-khttp-a", "Accept", table));
    assertThat(n.at("/rows/0/cells/4").asText()).isEqualTo("virbr9");
    JsonNode v = ok(d.api.get(V1 + "/storagepools/i13-khttp-pool/volumes", "Accept", table));
    assertThat(v.at("/rows/0/cells/1").asText()).isEqualTo("i13-khttp-pool");
    JsonNode s = ok(d.api.get(V1 + "/domains/i13-khttp-vm/snapshots", "Accept", table));
    assertThat(s.at("/rows/0/cells/1").asText()).isEqualTo("i13-khttp-vm");
  }

  @Test
  void watchesOfOneKindOneOwnerAndEveryKindSeeTheirEventsInRevisionOrder() throws Exception {
    pool("running"); // a watch of a pool's volumes names a pool that exists (404 otherwise)
    long start = d.revision();
    List<String> nets = watch(V1 + "/networks?watch=true&resourceVersion=" + start, 2);
    List<String> vols = watch(V1 + "/storagepools/" + POOL + "/volumes?watch=true&resourceVersion=" + start, 1);
    List<String> all = watch(V1 + "/all?watch=true&resourceVersion=" + start, 4);
    long rNet = network(NET_A, "i13-khttp-a", false);
    long rPool = pool("inactive");
    long rVol = volume("v1.qcow2", 1L << 20);
    long rNet2 = network(NET_A, "i13-khttp-a", true);
    await().atMost(WAIT).until(() -> nets.size() == 2 && vols.size() == 1 && all.size() == 4);
    assertThat(nets).extracting(l -> Json.mapper().readTree(l).at("/object/metadata/resourceVersion").asLong())
        .containsExactly(rNet, rNet2);
    assertThat(Json.mapper().readTree(nets.get(1)).path("type").asText()).isEqualTo("MODIFIED");
    assertThat(Json.mapper().readTree(vols.get(0)).at("/object/kind").asText()).as(vols.get(0))
        .isEqualTo("StorageVolume");
    assertStatus(d.api.get(V1 + "/storagepools/nope/volumes?watch=true"), 404, "NotFound",
        "storagepool \"nope\" not found");
    assertThat(all).extracting(l -> Json.mapper().readTree(l).at("/object/kind").asText())
        .containsExactly("Network", "StoragePool", "StorageVolume", "Network");
    assertThat(all).extracting(l -> Json.mapper().readTree(l).at("/object/metadata/resourceVersion").asLong())
        .containsExactly(rNet, rPool, rVol, rNet2);

    JsonNode everything = ok(d.api.get(V1 + "/all"));
    assertThat(everything.path("kind").asText()).isEqualTo("List");
    assertThat(everything.path("items")).extracting(i -> i.path("kind").asText())
        .containsExactly("Domain", "Network", "StoragePool", "StorageVolume");
    assertThat(everything.at("/metadata/resourceVersion").asLong()).isEqualTo(rNet2);
    assertStatus(d.api.get(V1 + "/all?watch=true", "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io"), 406,
        "NotAcceptable", "a watch of every kind has no Table (its events are of several kinds); ask for application/json");
  }

  /** A watch read in the background: its event lines, until {@code n} arrived. */
  private List<String> watch(String path, int n) {
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    HttpRequest req = HttpRequest.newBuilder(URI.create(d.api.base() + path + "&timeoutSeconds=20")).build();
    Thread t = new Thread(() -> {
      try {
        Stream<String> s = d.api.http().send(req, HttpResponse.BodyHandlers.ofLines()).body();
        s.filter(l -> !l.isBlank()).limit(n).forEach(lines::add);
        s.close();
      } catch (Exception e) {
        lines.add("failed: " + e);
      }
    }, "test-watch");
    t.setDaemon(true);
    t.start(); // from a resourceVersion: it sees every later event, however late it connects
    return lines;
  }
}
