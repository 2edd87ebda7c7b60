package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.Client;
import io.virtrev.daemon.fleet.FleetTestBed;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.EtcdCluster;
import io.virtrev.fleet.EtcdClients;
import io.virtrev.fleet.EtcdSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl, unmodified, against the packaged fleet gateway ({@code virtrevd fleet --etcd ... --listen ...}) over a
 * real etcd member holding two hosts' objects as their mirrors write them: discovery, the Table with its Host
 * column, {@code -o wide}, {@code -l virtrev.io/host=...}, {@code get -o json}, and {@code get domains -w}
 * seeing a change made after it started.
 */
class KubectlFleetIT {
  @TempDir Path dir;

  @Test
  void kubectlListsWatchesAndSelectsByHostThroughTheGateway() throws Exception {
    Kubectl.requireInstalled();
    String a = "kfa-" + Long.toHexString(System.nanoTime() & 0xfffff);
    String b = "kfb-" + Long.toHexString(System.nanoTime() & 0xfffff);
    try (EtcdCluster etcd = EtcdCluster.start(1);
        Client client = EtcdClients.open(EtcdSettings.of(etcd.endpoints()));
        DaemonProcess gw = DaemonProcess.startFleetGateway(etcd.endpointsCsv(), "--watch-bookmark-interval", "1s")) {
      FleetTestBed bed = new FleetTestBed(client);
      String shared = UUID.randomUUID().toString();
      bed.put(a, FleetTestBed.domain("web", shared, 5, "running", Map.of()));
      bed.put(b, FleetTestBed.domain("web", shared, 2, "shutoff", Map.of()));
      String dbUuid = UUID.randomUUID().toString();
      bed.put(b, FleetTestBed.domain("db", dbUuid, 3, "running", Map.of()));
      Kubectl k = new Kubectl(Kubectl.writeConfig(gw.port, dir.resolve("fleet.kubeconfig")), dir);

      Kubectl.Run resources = k.run("api-resources", "--api-group=virtrev.io", "-o", "name").ok();
      assertThat(resources.out().lines().toList()).containsExactlyInAnyOrder("domains.virtrev.io",
          "networks.virtrev.io", "storagepools.virtrev.io");

      Kubectl.Run list = k.run("get", "domains").ok();
      List<String> lines = list.out().lines().toList();
      assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "HOST", "STATE", "VCPUS", "MEMORY",
          "PERSISTENT", "AGE");
      assertThat(lines.stream().skip(1).map(l -> l.split("\\s+")[0] + " " + l.split("\\s+")[1] + " "
          + l.split("\\s+")[2]).toList())
          .containsExactlyInAnyOrder(a + ".web " + a + " running", b + ".web " + b + " shutoff",
              b + ".db " + b + " running");

      Kubectl.Run wide = k.run("get", "domains", "-o", "wide").ok();
      assertThat(wide.out().lines().findFirst().orElseThrow().split("\\s+")).containsExactly("NAME", "HOST", "STATE",
          "VCPUS", "MEMORY", "PERSISTENT", "AGE", "UUID", "AUTOSTART", "REASON");
      assertThat(wide.out()).contains(shared).contains(dbUuid);

      Kubectl.Run onB = k.run("get", "domains", "-l", "virtrev.io/host=" + b, "-o", "name").ok();
      assertThat(onB.out().lines().toList()).containsExactlyInAnyOrder("domain.virtrev.io/" + b + ".web",
          "domain.virtrev.io/" + b + ".db");
      Kubectl.Run onA = k.run("get", "domains", "--field-selector", "status.host=" + a, "-o", "name").ok();
      assertThat(onA.out()).isEqualTo("domain.virtrev.io/" + a + ".web\n");

      JsonNode json = k.run("get", "dom", a + ".web", "-o", "json").ok().json();
      assertThat(json).isEqualTo(gw.api.get("/apis/virtrev.io/v1/domains/" + a + ".web").json());
      assertThat(json.at("/status/host").asText()).isEqualTo(a);
      Kubectl.Run missing = k.run("get", "dom", a + ".nope").failed();
      assertThat(missing.err()).contains("NotFound").contains(a + ".nope");

      try (Kubectl.Background watch = k.background(Map.of(), "get", "domains", "-w", "-l", "virtrev.io/host=" + a)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.out().contains(a + ".web"));
        bed.put(a, FleetTestBed.domain("web", shared, 6, "paused", Map.of()));
        bed.put(a, FleetTestBed.domain("api", UUID.randomUUID().toString(), 7, "running", Map.of()));
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.out().lines()
            .anyMatch(l -> l.startsWith(a + ".web ") && l.contains(" paused ")) && watch.out().contains(a + ".api"));
        assertThat(watch.out()).doesNotContain(b + ".");
      }
    }
  }

  /**
   * Real hosts: two packaged daemons on libvirt's test driver mirroring into etcd ({@code --fleet-etcd}), and the
   * packaged gateway. Both test drivers hold a domain {@code test} with the same UUID: the fleet shows two objects
   * with distinct uids; a domain created through one host's API reaches {@code kubectl get -w} on the gateway.
   */
  @Test
  void kubectlSeesRealHostsMirroredThroughTheGateway() throws Exception {
    Kubectl.requireInstalled();
    String h1 = "kf1-" + Long.toHexString(System.nanoTime() & 0xfffff);
    String h2 = "kf2-" + Long.toHexString(System.nanoTime() & 0xfffff);
    try (EtcdCluster etcd = EtcdCluster.start(1);
        DaemonProcess one = DaemonProcess.startOn("test:///default", dir.resolve("d1"), "--fleet-etcd",
            etcd.endpointsCsv(), "--host-name", h1);
        DaemonProcess two = DaemonProcess.startOn("test:///default", dir.resolve("d2"), "--fleet-etcd",
            etcd.endpointsCsv(), "--host-name", h2);
        DaemonProcess gw = DaemonProcess.startFleetGateway(etcd.endpointsCsv())) {
      Kubectl k = new Kubectl(Kubectl.writeConfig(gw.port, dir.resolve("fleet.kubeconfig")), dir);
      await().atMost(Duration.ofSeconds(30)).until(() -> k.run("get", "domains", "-o", "name").out().lines().toList()
          .containsAll(List.of("domain.virtrev.io/" + h1 + ".test", "domain.virtrev.io/" + h2 + ".test")));
      JsonNode d1 = k.run("get", "dom", h1 + ".test", "-o", "json").ok().json();
      JsonNode d2 = k.run("get", "dom", h2 + ".test", "-o", "json").ok().json();
      assertThat(d1.at("/metadata/uuid").asText()).isEqualTo(d2.at("/metadata/uuid").asText());
      assertThat(d1.at("/metadata/uid").asText()).isNotEqualTo(d2.at("/metadata/uid").asText());
      JsonNode onHost = one.api.get("/apis/virtrev.io/v1/domains/test").json();
      assertThat(d1.at("/metadata/annotations/virtrev.io~1host-resource-version").asText())
          .isEqualTo(onHost.at("/metadata/resourceVersion").asText());
      assertThat(d1.at("/spec")).isEqualTo(onHost.at("/spec"));

      try (Kubectl.Background watch = k.background(Map.of(), "get", "domains", "-w", "-l", "virtrev.io/host=" + h2)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.out().contains(h2 + ".test"));
        String name = "i12-gwread-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response created = two.api.send("POST", "/apis/virtrev.io/v1/domains", "application/xml",
            "<domain type='test'><name>" + name + "</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
                + "<os><type>hvm</type></os></domain>");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.out().contains(h2 + "." + name));
        assertThat(watch.out()).doesNotContain(h1 + ".");
      }
    }
  }
}
