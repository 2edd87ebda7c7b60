package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.Client;
import io.virtrev.api.Json;
import io.virtrev.daemon.fleet.HostCredentials;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.EtcdCluster;
import io.virtrev.fixtures.FakeNetworkSource;
import io.virtrev.fixtures.FakeSnapshotSource;
import io.virtrev.fixtures.FakeStorageSource;
import io.virtrev.fixtures.StorageXml;
import io.virtrev.fleet.EtcdClients;
import io.virtrev.fleet.EtcdSettings;
import io.virtrev.fleet.FleetMirror;
import io.virtrev.fleet.MirrorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks and storage pools through the gateway ({@link FleetGateway}, real etcd, a host daemon serving
 * every kind from the fakes, mirrored by {@link FleetMirror}): create (the name {@code <host>.<name>} picks
 * the host), an action, a PUT of the fleet object as read, a stale precondition, delete; each answer at
 * the fleet revision that shows it.
 */
class FleetKindsMutationsTest {
  private static final String V1 = "/apis/virtrev.io/v1";
  private static final String NET_XML = "<network><name>h1.i12-gwwrite-net</name>"
      + "<uuid>cccccccc-0000-0000-0000-00000000e012</uuid><bridge name='virbr71'/></network>";

  @TempDir Path dir;

  @Test
  void networksAndPoolsAreCreatedChangedAndDeletedThroughTheGateway() throws Exception {
    FakeNetworkSource networks = new FakeNetworkSource();
    FakeStorageSource storage = new FakeStorageSource();
    try (EtcdCluster etcd = EtcdCluster.start(1);
        Client client = EtcdClients.open(EtcdSettings.of(etcd.endpoints()));
        FakeDaemon host = FakeDaemon.startWithKinds(dir.resolve("host"), networks, storage, new FakeSnapshotSource());
        FleetMirror mirror = FleetMirror.start(client, host.daemon.store(), MirrorSettings.of("h1",
            "http://127.0.0.1:" + host.daemon.address().getPort(), "test"));
        FleetGateway gw = FleetGateway.start(new FleetGateway.Config(EtcdSettings.of(etcd.endpoints()), "127.0.0.1",
            0, DaemonConfig.defaults("fake:///", dir).http(), AccessConfig.defaults(), 1000,
            new FleetGateway.Forwarding(HostCredentials.NONE, Duration.ofSeconds(10), Duration.ofSeconds(10))))) {
      ApiClient fleet = new ApiClient("http://127.0.0.1:" + gw.address().getPort());
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.get("/readyz").status() == 200);
      await().atMost(Duration.ofSeconds(10)).until(() -> !client.getKVClient().get(io.etcd.jetcd.ByteSequence.from(
          io.virtrev.fleet.FleetKeys.registration("h1"), java.nio.charset.StandardCharsets.UTF_8)).get().getKvs()
          .isEmpty()); // the mirror registers the host asynchronously

      ObjectNode body = Json.mapper().createObjectNode();
      body.putObject("spec").put("xml", NET_XML);
      ApiClient.Response created = fleet.send("POST", V1 + "/networks", "application/json", body.toString());
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      JsonNode net = created.json();
      assertThat(net.at("/metadata/name").asText()).isEqualTo("h1.i12-gwwrite-net");
      assertThat(net.at("/spec/xml").asText()).as("the host's XML names it on the host")
          .contains("<name>i12-gwwrite-net</name>");
      assertThat(created.header("location")).isEqualTo(V1 + "/networks/h1.i12-gwwrite-net");
      assertThat(networks.listAll()).hasSize(1);
      assertThat(fleet.get(V1 + "/networks/h1.i12-gwwrite-net").json().at("/metadata/resourceVersion").asText())
          .isEqualTo(net.at("/metadata/resourceVersion").asText());

      ApiClient.Response started = fleet.send("POST", V1 + "/networks/h1.i12-gwwrite-net/start", "application/json", "");
      assertThat(started.status()).as(started.body()).isEqualTo(200);
      assertThat(started.json().at("/status/active").asBoolean()).isTrue();

      ObjectNode edited = (ObjectNode) started.json().deepCopy();
      ((ObjectNode) edited.get("spec")).put("xml", edited.at("/spec/xml").asText().replace("virbr71", "virbr72"));
      ApiClient.Response put = fleet.send("PUT", V1 + "/networks/h1.i12-gwwrite-net", "application/json",
          edited.toString());
      assertThat(put.status()).as(put.body()).isEqualTo(200);
      assertThat(put.json().at("/spec/xml").asText()).contains("virbr72");
      long before = host.revision();
      ApiClient.Response stale = fleet.send("PUT", V1 + "/networks/h1.i12-gwwrite-net", "application/json",
          edited.toString());
      assertThat(stale.status()).as("the fleet RV it carries is gone: " + stale.body()).isEqualTo(409);
      assertThat(host.revision()).isEqualTo(before);

      ApiClient.Response deleted = fleet.send("DELETE", V1 + "/networks/h1.i12-gwwrite-net", null, null,
          "If-Match", "\"" + put.json().at("/metadata/resourceVersion").asText() + "\"");
      assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
      // libvirt's rule: undefining an active network leaves it running, transient; destroying it removes it.
      long transientRv = deleted.json().at("/metadata/resourceVersion").asLong();
      assertThat(transientRv).isGreaterThan(put.json().at("/metadata/resourceVersion").asLong());
      assertThat(fleet.get(V1 + "/networks/h1.i12-gwwrite-net").json().at("/metadata/resourceVersion").asLong())
          .as("the answer's revision is the fleet's").isEqualTo(transientRv);
      ApiClient.Response destroyed = fleet.send("POST", V1 + "/networks/h1.i12-gwwrite-net/destroy",
          "application/json", "");
      assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
      assertThat(fleet.get(V1 + "/networks/h1.i12-gwwrite-net").status()).as("gone at the answer's revision")
          .isEqualTo(404);
      assertThat(networks.listAll()).isEmpty();

      ApiClient.Response pool = fleet.send("POST", V1 + "/storagepools", "application/xml",
          StorageXml.dirPool("h1.i12-gwwrite-pool", "dddddddd-0000-0000-0000-00000000e012",
              dir.resolve("pool").toString()));
      assertThat(pool.status()).as(pool.body()).isEqualTo(201);
      assertThat(pool.json().at("/metadata/name").asText()).isEqualTo("h1.i12-gwwrite-pool");
      ApiClient.Response auto = fleet.send("POST", V1 + "/storagepools/h1.i12-gwwrite-pool/autostart?enabled=true",
          null, null);
      assertThat(auto.status()).as(auto.body()).isEqualTo(200);
      assertThat(auto.json().at("/spec/autostart").asBoolean()).isTrue();
      assertThat(fleet.get(V1 + "/storagepools?labelSelector=virtrev.io/host%3Dh1").json().get("items")
          .findValuesAsText("name")).contains("h1.i12-gwwrite-pool");
      ApiClient.Response gone = fleet.send("DELETE", V1 + "/storagepools/h1.i12-gwwrite-pool", null, null);
      assertThat(gone.status()).as(gone.body()).isEqualTo(200);
      assertThat(fleet.get(V1 + "/storagepools/h1.i12-gwwrite-pool").status()).isEqualTo(404);
    }
  }

  /**
   * Volumes (create, resize, delete) and snapshots (create, revert, delete) through the gateway under their
   * owner's fleet name: forwarded to the owner's host, answered at the fleet revision that shows the change;
   * a stale fleet precondition (If-Match 412, DeleteOptions 409) and a missing owner (404 naming it) forward
   * nothing.
   */
  @Test
  void volumesAndSnapshotsAreCreatedChangedAndDeletedThroughTheGateway() throws Exception {
    FakeNetworkSource networks = new FakeNetworkSource();
    FakeStorageSource storage = new FakeStorageSource();
    FakeSnapshotSource snapshots = new FakeSnapshotSource();
    try (EtcdCluster etcd = EtcdCluster.start(1);
        Client client = EtcdClients.open(EtcdSettings.of(etcd.endpoints()));
        FakeDaemon host = FakeDaemon.startWithKinds(dir.resolve("host"), networks, storage, snapshots);
        FleetMirror mirror = FleetMirror.start(client, host.daemon.store(), MirrorSettings.of("h1",
            "http://127.0.0.1:" + host.daemon.address().getPort(), "test"));
        FleetGateway gw = FleetGateway.start(new FleetGateway.Config(EtcdSettings.of(etcd.endpoints()), "127.0.0.1",
            0, DaemonConfig.defaults("fake:///", dir).http(), AccessConfig.defaults(), 1000,
            new FleetGateway.Forwarding(HostCredentials.NONE, Duration.ofSeconds(10), Duration.ofSeconds(10))))) {
      ApiClient fleet = new ApiClient("http://127.0.0.1:" + gw.address().getPort());
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.get("/readyz").status() == 200);
      await().atMost(Duration.ofSeconds(10)).until(() -> !client.getKVClient().get(io.etcd.jetcd.ByteSequence.from(
          io.virtrev.fleet.FleetKeys.registration("h1"), java.nio.charset.StandardCharsets.UTF_8)).get().getKvs()
          .isEmpty());

      String pool = V1 + "/storagepools/h1.i12-polish-pool";
      assertThat(fleet.send("POST", V1 + "/storagepools", "application/xml", StorageXml.dirPool("h1.i12-polish-pool",
          "dddddddd-0000-0000-0000-00000000f012", dir.resolve("pool").toString())).status()).isEqualTo(201);
      assertThat(fleet.send("POST", pool + "/build", "application/json", "").status()).isEqualTo(200);
      assertThat(fleet.send("POST", pool + "/start", "application/json", "").status()).isEqualTo(200);

      // A missing owner: 404 naming it, nothing forwarded.
      int writes = storage.writeCalls();
      ApiClient.Response noPool = fleet.send("POST", V1 + "/storagepools/h1.i12-polish-nopool/volumes",
          "application/json", spec(StorageXml.volume("v1.raw", StorageXml.MIB)));
      assertThat(noPool.status()).as(noPool.body()).isEqualTo(404);
      assertThat(noPool.json().get("message").asText()).isEqualTo("storagepool \"h1.i12-polish-nopool\" not found");
      assertThat(fleet.send("DELETE", V1 + "/storagepools/h1.i12-polish-nopool/volumes/v1.raw", null, null).json()
          .get("message").asText()).isEqualTo("storagepool \"h1.i12-polish-nopool\" not found");
      assertThat(storage.writeCalls()).isEqualTo(writes);

      ApiClient.Response created = fleet.send("POST", pool + "/volumes", "application/json",
          spec(StorageXml.volume("v1.raw", StorageXml.MIB)));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      JsonNode vol = created.json();
      assertThat(vol.at("/metadata/name").asText()).isEqualTo("v1.raw");
      assertThat(vol.at("/status/host").asText()).isEqualTo("h1");
      assertThat(vol.at("/status/capacity").asLong()).isEqualTo(StorageXml.MIB);
      assertThat(created.header("location")).isEqualTo(pool + "/volumes/v1.raw");
      assertThat(fleet.get(pool + "/volumes/v1.raw").json().at("/metadata/resourceVersion").asText())
          .as("the answer's revision is the fleet's").isEqualTo(vol.at("/metadata/resourceVersion").asText());

      long before = host.revision();
      writes = storage.writeCalls();
      ApiClient.Response stale = fleet.send("POST", pool + "/volumes/v1.raw/resize?capacity=" + 2 * StorageXml.MIB,
          null, null, "If-Match", "\"" + (vol.at("/metadata/resourceVersion").asLong() - 1) + "\"");
      assertThat(stale.status()).as(stale.body()).isEqualTo(412);
      assertThat(stale.json().get("message").asText()).contains("the fleet's is " + vol.at("/metadata/resourceVersion")
          .asText());
      assertThat(host.revision()).isEqualTo(before);
      assertThat(storage.writeCalls()).as("nothing forwarded").isEqualTo(writes);
      ApiClient.Response resized = fleet.send("POST", pool + "/volumes/v1.raw/resize?capacity=" + 2 * StorageXml.MIB,
          null, null, "If-Match", "\"" + vol.at("/metadata/resourceVersion").asText() + "\"");
      assertThat(resized.status()).as(resized.body()).isEqualTo(200);
      assertThat(resized.json().at("/status/capacity").asLong()).isEqualTo(2 * StorageXml.MIB);
      long resizedRv = resized.json().at("/metadata/resourceVersion").asLong();
      assertThat(resizedRv).isGreaterThan(vol.at("/metadata/resourceVersion").asLong());
      assertThat(fleet.get(pool + "/volumes/v1.raw").json().at("/status/capacity").asLong()).isEqualTo(2 * StorageXml.MIB);
      assertThat(fleet.send("PUT", pool + "/volumes/v1.raw", "application/json", "{}").status())
          .as("a volume cannot be redefined, on a host as here").isEqualTo(405);

      ApiClient.Response staleDelete = fleet.send("DELETE", pool + "/volumes/v1.raw", "application/json",
          "{\"preconditions\":{\"resourceVersion\":\"" + vol.at("/metadata/resourceVersion").asText() + "\"}}");
      assertThat(staleDelete.status()).as(staleDelete.body()).isEqualTo(409);
      assertThat(storage.getVolume("dddddddd-0000-0000-0000-00000000f012", "v1.raw")).isPresent();
      ApiClient.Response deleted = fleet.send("DELETE", pool + "/volumes/v1.raw", "application/json",
          "{\"preconditions\":{\"resourceVersion\":\"" + resizedRv + "\"}}");
      assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
      assertThat(deleted.json().at("/metadata/resourceVersion").asLong()).isGreaterThan(resizedRv);
      assertThat(storage.getVolume("dddddddd-0000-0000-0000-00000000f012", "v1.raw")).isEmpty();
      ApiClient.Response gone = fleet.get(pool + "/volumes/v1.raw");
      assertThat(gone.status()).as("gone at the answer's revision").isEqualTo(404);
      assertThat(gone.json().get("message").asText()).contains("\"v1.raw\" not found");

      // Snapshots of a domain defined on the host.
      String uuid = "eeeeeeee-0000-0000-0000-00000000f012";
      assertThat(host.api.send("POST", V1 + "/domains", "application/xml", DomainXml.tiny("i12-polish-vm", uuid, 64))
          .status()).isEqualTo(201);
      snapshots.addDomain(uuid, "i12-polish-vm", false);
      String vm = V1 + "/domains/h1.i12-polish-vm";
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.get(vm).status() == 200);
      ApiClient.Response s1 = fleet.send("POST", vm + "/snapshots", "application/json",
          spec("<domainsnapshot><name>s1</name></domainsnapshot>"));
      assertThat(s1.status()).as(s1.body()).isEqualTo(201);
      assertThat(s1.json().at("/metadata/name").asText()).isEqualTo("s1");
      assertThat(s1.json().at("/status/host").asText()).isEqualTo("h1");
      assertThat(s1.header("location")).isEqualTo(vm + "/snapshots/s1");
      ApiClient.Response s2 = fleet.send("POST", vm + "/snapshots", "application/xml",
          "<domainsnapshot><name>s2</name></domainsnapshot>");
      assertThat(s2.status()).as(s2.body()).isEqualTo(201);
      assertThat(snapshots.get(uuid, "s2")).isPresent();

      String s1Rv = fleet.get(vm + "/snapshots/s1").json().at("/metadata/resourceVersion").asText();
      ApiClient.Response reverted = fleet.send("POST", vm + "/snapshots/s1/revert", "application/json", "",
          "If-Match", "\"" + s1Rv + "\"");
      assertThat(reverted.status()).as(reverted.body()).isEqualTo(200);
      assertThat(reverted.json().at("/metadata/name").asText()).isEqualTo("s1");
      assertThat(snapshots.current(uuid).map(o -> o.name())).contains("s1");
      ApiClient.Response staleRevert = fleet.send("POST", vm + "/snapshots/s2/revert", "application/json", "",
          "If-Match", "\"1\"");
      assertThat(staleRevert.status()).as(staleRevert.body()).isEqualTo(412);
      assertThat(snapshots.current(uuid).map(o -> o.name())).as("nothing forwarded").contains("s1");

      ApiClient.Response dropped = fleet.send("DELETE", vm + "/snapshots/s2", null, null);
      assertThat(dropped.status()).as(dropped.body()).isEqualTo(200);
      assertThat(snapshots.get(uuid, "s2")).isEmpty();
      assertThat(fleet.get(vm + "/snapshots/s2").status()).isEqualTo(404);
      List<String> left = new java.util.ArrayList<>();
      fleet.get(vm + "/snapshots").json().get("items").forEach(i -> left.add(i.at("/metadata/name").asText()));
      assertThat(left).containsExactly("s1");
    }
  }

  private static String spec(String xml) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.putObject("spec").put("xml", xml);
    return o.toString();
  }
}
