package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.daemon.e2e.Kubectl.Run;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl edit} against the fleet gateway, all packaged and real: one etcd member, a host daemon on
 * libvirt's test driver mirroring into it ({@code --fleet-etcd}), and a gateway ({@code virtrevd fleet}) that
 * forwards mutations to the host with a token the host gives the role {@code gateway}. The edit of the fleet
 * object {@code <host>.test} (YAML with the fleet's name, uid, resourceVersion, host label and annotation)
 * lands on the host as the change the user made, and only that; the host's audit names the gateway.
 */
class FleetKubectlEditIT {
  private static final String HOST = "i12-gwwrite-h1";
  private static final String G = "/apis/virtrev.io/v1/domains";

  @TempDir Path dir;

  @Test
  void kubectlEditThroughTheGatewayChangesTheHostsDomain() throws Exception {
    Kubectl.requireInstalled();
    Path hostTokens = Files.writeString(dir.resolve("host-tokens"), "fleet-gw gateway " + TokenFile.hashLine("gw-secret")
        + "\nops write " + TokenFile.hashLine("ops-secret") + "\n");
    Path gwToken = Files.writeString(dir.resolve("gw.token"), "gw-secret\n");
    Path hostAudit = dir.resolve("host-audit.jsonl");
    try (EtcdCluster etcd = EtcdCluster.start(1);
        DaemonProcess host = DaemonProcess.startOn("test:///default", dir.resolve("host"), "--fleet-etcd",
            etcd.endpointsCsv(), "--host-name", HOST, "--tokens-file", hostTokens.toString(), "--audit-log",
            hostAudit.toString());
        DaemonProcess gw = DaemonProcess.startFleetGateway(etcd.endpointsCsv(), "--host-token-file",
            gwToken.toString())) {
      String fleetName = HOST + ".test";
      await().atMost(Duration.ofSeconds(30)).until(() -> gw.api.get(G + "/" + fleetName).status() == 200);
      JsonNode before = gw.api.get(G + "/" + fleetName).json();
      Kubectl kubectl = new Kubectl(Kubectl.writeConfig(gw.port, dir.resolve("fleet.kubeconfig")), dir);

      // The editor adds a label beside the fleet's host label (same indentation), as a user would.
      Path editor = Files.writeString(dir.resolve("edit.sh"),
          "sed -i 's/^\\( *\\)virtrev.io\\/host: \\(.*\\)$/\\1virtrev.io\\/host: \\2\\n\\1edited: \"by-kubectl\"/' \"$1\"\n");
      Run edit = kubectl.run(Map.of("KUBE_EDITOR", "sh " + editor), "edit", "domain", fleetName, "--validate=false")
          .ok();
      assertThat(edit.out()).contains("domain.virtrev.io/" + fleetName + " edited");

      JsonNode after = kubectl.run("get", "domain", fleetName, "-o", "json").ok().json();
      assertThat(after.at("/metadata/labels/edited").asText()).isEqualTo("by-kubectl");
      assertThat(after.at("/metadata/labels/virtrev.io~1host").asText()).isEqualTo(HOST);
      assertThat(after.at("/metadata/uid").asText()).isEqualTo(before.at("/metadata/uid").asText());
      assertThat(after.at("/metadata/resourceVersion").asLong())
          .isGreaterThan(before.at("/metadata/resourceVersion").asLong());

      ApiClient.Response onHost = host.api.get(G + "/test", "Authorization", "Bearer ops-secret");
      assertThat(onHost.json().at("/metadata/labels/edited").asText()).isEqualTo("by-kubectl");
      assertThat(onHost.json().at("/metadata/labels").has("virtrev.io/host")).as("no fleet-only label on the host")
          .isFalse();
      assertThat(onHost.json().at("/metadata/resourceVersion").asText())
          .isEqualTo(after.at("/metadata/annotations/virtrev.io~1host-resource-version").asText());
      assertThat(Files.readString(hostAudit)).contains("\"who\":\"token:fleet-gw\"").contains("\"uri\":\"" + G
          + "/test?fieldManager=kubectl-edit").contains("\"method\":\"PATCH\"");
    }
  }
}
