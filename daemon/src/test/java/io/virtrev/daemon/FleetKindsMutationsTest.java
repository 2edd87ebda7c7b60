package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.Client;
import io.virtrev.api.Json;
import io.virtrev.daemon.fleet.HostCredentials;
import io.virtrev.fixtures.ApiClient;
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
}
