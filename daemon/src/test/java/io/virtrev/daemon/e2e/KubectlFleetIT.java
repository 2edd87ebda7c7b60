package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.Client;
import io.virtrev.daemon.fleet.FleetTestBed;
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
}
