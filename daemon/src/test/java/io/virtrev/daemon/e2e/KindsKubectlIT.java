package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.daemon.e2e.Kubectl.Background;
import io.virtrev.daemon.e2e.Kubectl.Run;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon on the real libvirtd, networks and storage driven through virsh and through the API,
 * seen through the API and the real kubectl ({@code get networks}, {@code get storagepools -o wide},
 * {@code get ... -w}). Every object is named {@code i13-khttp-*} and removed afterwards.
 */
class KindsKubectlIT {
  static final String V1 = "/apis/virtrev.io/v1";
  static final String NET = "i13-khttp-net";
  static final String POOL = "i13-khttp-pool";
  static final String VM = "i13-khttp-vm";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private DaemonProcess daemon;
  private Kubectl kubectl;

  @BeforeEach
  void start() throws Exception {
    Kubectl.requireInstalled();
    Host.requireLibvirtd();
    cleanUp();
    daemon = DaemonProcess.start(dir.resolve("data"), "--resync-period", "2s"); // snapshots emit no event
    kubectl = new Kubectl(Kubectl.writeConfig(daemon.port, dir.resolve("kubeconfig")), dir);
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    cleanUp();
  }

  private static void cleanUp() {
    Host.virshQuietly("net-destroy", NET);
    Host.virshQuietly("net-undefine", NET);
    Host.virshQuietly("vol-delete", "--pool", POOL, "v1.raw");
    Host.virshQuietly("pool-destroy", POOL);
    Host.virshQuietly("pool-undefine", POOL);
    Host.virshQuietly("destroy", VM);
    Host.virshQuietly("undefine", VM, "--snapshots-metadata");
  }

  private JsonNode get(String path) {
    ApiClient.Response r = daemon.api.get(path);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void networksAndStorageThroughVirshTheApiAndKubectl() throws Exception {
    Background watch = kubectl.background(java.util.Map.of(), "get", "networks", "-w");

    // virsh defines, the API sees it; the API starts it, virsh sees that
    Path netXml = Host.writeTemp("i13-khttp-net", "<network><name>" + NET + "</name><bridge name='i13khttp0'/>"
        + "</network>");
    Host.virsh("net-define", netXml.toString());
    await().atMost(WAIT).untilAsserted(() -> assertThat(daemon.api.get(V1 + "/networks/" + NET).status()).isEqualTo(200));
    ApiClient.Response started = daemon.api.send("POST", V1 + "/networks/" + NET + "/start", "application/json", "");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    assertThat(started.json().at("/status/active").asBoolean()).isTrue();
    assertThat(Host.virsh("net-info", NET)).containsPattern("Active:\\s+yes");

    Run nets = kubectl.run("get", "networks").ok();
    assertThat(nets.out().lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "ACTIVE", "AUTOSTART", "PERSISTENT", "BRIDGE", "AGE");
    assertThat(nets.out().lines().filter(l -> l.startsWith(NET + " ")).findFirst().orElseThrow().split("\\s+"))
        .startsWith(NET, "true", "false", "true", "i13khttp0");
    await().atMost(WAIT).untilAsserted(() -> assertThat(watch.out().lines().filter(l -> l.startsWith(NET + " "))
        .map(l -> l.split("\\s+")[1]).toList()).as(watch.describe()).contains("false", "true"));
    watch.close();

    // virsh defines and builds a pool; the API starts it; a volume made by virsh is found on the API's refresh
    Host.virsh("pool-define-as", POOL, "dir", "--target", dir.resolve("pool").toString());
    Host.virsh("pool-build", POOL);
    await().atMost(WAIT).untilAsserted(() -> assertThat(daemon.api.get(V1 + "/storagepools/" + POOL).status())
        .isEqualTo(200));
    ApiClient.Response poolStarted = daemon.api.send("POST", V1 + "/storagepools/" + POOL + "/start",
        "application/json", "");
    assertThat(poolStarted.status()).as(poolStarted.body()).isEqualTo(200);
    Host.virsh("vol-create-as", POOL, "v1.raw", "1M");
    assertThat(daemon.api.send("POST", V1 + "/storagepools/" + POOL + "/refresh", "application/json", "").status())
        .isEqualTo(200);
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(V1 + "/storagepools/" + POOL + "/volumes").path("items"))
        .extracting(v -> v.at("/metadata/name").asText()).containsExactly("v1.raw"));
    JsonNode resized = daemon.api.send("POST", V1 + "/storagepools/" + POOL + "/volumes/v1.raw/resize",
        "application/json", "{\"capacity\": 2097152}").json();
    assertThat(resized.at("/status/capacity").asLong()).as(resized.toString()).isEqualTo(2097152);
    assertThat(Host.virsh("vol-info", "--pool", POOL, "v1.raw")).containsPattern("Capacity:\\s+2[.,]00 MiB");

    Run pools = kubectl.run("get", "storagepools", "-o", "wide").ok();
    assertThat(pools.out().lines().findFirst().orElseThrow().split("\\s+")).containsExactly("NAME", "STATE", "CAPACITY",
        "ALLOCATION", "AVAILABLE", "AUTOSTART", "AGE", "PERSISTENT", "UUID");
    String[] row = pools.out().lines().filter(l -> l.startsWith(POOL + " ")).findFirst().orElseThrow().split("\\s+");
    assertThat(row[1]).isEqualTo("running");
    assertThat(row[8]).isEqualTo(get(V1 + "/storagepools/" + POOL).at("/metadata/uid").asText());

    // every kind on one stream, in revision order
    JsonNode all = get(V1 + "/all");
    List<String> kinds = new java.util.ArrayList<>();
    all.path("items").forEach(i -> kinds.add(i.path("kind").asText()));
    assertThat(kinds).contains("Network", "StoragePool", "StorageVolume");
  }

  /**
   * Snapshots of a running TCG guest with a 1 MiB qcow2 disk (what QemuSnapshotContractTest found works):
   * one taken through the API, one with virsh (found by the resync: libvirt emits no snapshot event), a
   * revert through the API, a delete; each seen by virsh or the API.
   */
  @Test
  void snapshotsThroughTheApiAndVirsh() throws Exception {
    Path disk = dir.resolve("disk.qcow2");
    assertThat(Host.run(30, "qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "1M").exit()).isZero();
    String uuid = java.util.UUID.randomUUID().toString();
    String xml = io.virtrev.fixtures.DomainXml.tiny(VM, uuid, 40).replace("<devices>", "<devices><disk type='file'"
        + " device='disk'><driver name='qemu' type='qcow2'/><source file='" + disk + "'/><target dev='vda'"
        + " bus='virtio'/></disk>");
    Host.virsh("define", Host.writeTemp(VM, xml).toString());
    Host.virsh("start", VM);
    String snaps = V1 + "/domains/" + VM + "/snapshots";
    await().atMost(WAIT).untilAsserted(() -> assertThat(daemon.api.get(snaps).status()).isEqualTo(200));

    ApiClient.Response s1 = daemon.api.send("POST", snaps, "application/xml",
        "<domainsnapshot><name>s1</name><description>by the API</description></domainsnapshot>");
    assertThat(s1.status()).as(s1.body()).isEqualTo(201);
    assertThat(s1.header("location")).isEqualTo(snaps + "/s1");
    assertThat(Host.virsh("snapshot-list", VM, "--name")).contains("s1");

    Host.virsh("snapshot-create-as", VM, "s2", "--description", "by virsh");
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(snaps).path("items"))
        .extracting(i -> i.at("/metadata/name").asText()).containsExactly("s1", "s2"));
    JsonNode s2 = get(snaps + "/s2");
    assertThat(s2.at("/status/parent").asText()).isEqualTo("s1");
    assertThat(s2.at("/status/current").asBoolean()).isTrue();

    ApiClient.Response reverted = daemon.api.send("POST", snaps + "/s1/revert", "application/json", "");
    assertThat(reverted.status()).as(reverted.body()).isEqualTo(200);
    assertThat(Host.virsh("snapshot-current", VM, "--name").strip()).isEqualTo("s1");
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(snaps + "/s1").at("/status/current").asBoolean())
        .isTrue());

    assertThat(daemon.api.send("DELETE", snaps + "/s2", null, null).status()).isEqualTo(200);
    assertThat(Host.virsh("snapshot-list", VM, "--name")).doesNotContain("s2");
    JsonNode table = daemon.api.get(snaps, "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").json();
    assertThat(table.at("/rows/0/cells/0").asText()).isEqualTo("s1");
    assertThat(table.at("/rows/0/cells/1").asText()).isEqualTo(VM);
  }
}
