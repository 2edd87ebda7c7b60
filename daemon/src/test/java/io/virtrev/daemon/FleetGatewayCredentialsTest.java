package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.virtrev.daemon.fleet.HostCredentials;
import io.virtrev.daemon.security.DnRule;
import io.virtrev.daemon.security.TlsSettings;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.EtcdCluster;
import io.virtrev.fixtures.FakeDomainSource;
import io.virtrev.fleet.EtcdClients;
import io.virtrev.fleet.EtcdSettings;
import io.virtrev.fleet.FleetMirror;
import io.virtrev.fleet.MirrorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own credentials towards an HTTPS host that verifies client certificates (docs/fleet.md,
 * "Credentials"), through the composition root {@link FleetGateway}: a certificate the host maps to the role
 * {@code gateway} forwards and names the caller; one the host maps to {@code write} is refused by the host
 * for naming a caller (its 403 passed through); a gateway that does not trust the host's CA reaches nothing.
 */
class FleetGatewayCredentialsTest {
  private static final String G = "/apis/virtrev.io/v1/domains";

  @TempDir Path dir;

  @Test
  void aClientCertificateWithTheRoleGatewayForwardsAndNamesTheCaller() throws Exception {
    TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
    pki.client("fleet-gw", "/O=Example/CN=fleet-gw");
    pki.client("platform", "/O=Example/CN=platform");
    TlsSettings tls = new TlsSettings(pki.serverCert, pki.serverKey, pki.caCert,
        List.of(DnRule.parse("gateway:CN=fleet-gw,O=Example"), DnRule.parse("write:CN=platform,O=Example")));
    Path hostAudit = dir.resolve("host-audit.jsonl");
    Path callers = Files.writeString(dir.resolve("callers"), "alice write " + TokenFile.hashLine("a-secret") + "\n");
    try (EtcdCluster etcd = EtcdCluster.start(1);
        Client client = EtcdClients.open(EtcdSettings.of(etcd.endpoints()));
        FakeDaemon host = FakeDaemon.start(dir.resolve("host"), new FakeDomainSource(),
            c -> c.withAccess(c.access().withTls(tls).withAudit(hostAudit)), "https");
        FleetMirror mirror = FleetMirror.start(client, host.daemon.store(), MirrorSettings.of("h1",
            "https://127.0.0.1:" + host.daemon.address().getPort(), "test"));
        FleetGateway asGateway = gateway(etcd, callers, new HostCredentials(null, pki.dir.resolve("fleet-gw.pem"),
            pki.dir.resolve("fleet-gw.rawkey"), pki.caCert));
        FleetGateway asWriter = gateway(etcd, callers, new HostCredentials(null, pki.dir.resolve("platform.pem"),
            pki.dir.resolve("platform.rawkey"), pki.caCert));
        FleetGateway untrusting = gateway(etcd, callers, new HostCredentials(null, pki.dir.resolve("fleet-gw.pem"),
            pki.dir.resolve("fleet-gw.rawkey"), null))) {
      host.source.defineTiny("web");
      ApiClient fleet = client(asGateway);
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.get(G + "/h1.web", auth()).status() == 200);
      long before = host.revision();

      ApiClient.Response refused = client(asWriter).send("PATCH", G + "/h1.web", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"by\":\"writer\"}}}", auth());
      assertThat(refused.status()).as(refused.body()).isEqualTo(403);
      assertThat(refused.json().path("message").asText())
          .isEqualTo("cert:CN=platform,O=Example has role write; only the role gateway may send Impersonate-User");
      ApiClient.Response unreachable = client(untrusting).send("PATCH", G + "/h1.web", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"by\":\"untrusting\"}}}", auth());
      assertThat(unreachable.status()).as(unreachable.body()).isEqualTo(503);
      assertThat(unreachable.json().path("message").asText()).contains("host h1 (https://127.0.0.1:")
          .contains("cannot be reached");
      assertThat(host.revision()).as("neither changed anything").isEqualTo(before);

      ApiClient.Response ok = fleet.send("PATCH", G + "/h1.web", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"by\":\"gateway\"}}}", auth());
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(ok.json().at("/metadata/labels/by").asText()).isEqualTo("gateway");
      assertThat(ok.json().at("/status/request/user").asText()).isEqualTo("token:alice");
      assertThat(Files.readAllLines(hostAudit)).anySatisfy(l -> assertThat(l).contains("\"who\":\"token:alice\"")
          .contains("\"via\":\"cert:CN=fleet-gw,O=Example\"").contains("\"status\":200"));
    }
  }

  private static FleetGateway gateway(EtcdCluster etcd, Path callers, HostCredentials credentials) throws Exception {
    DaemonConfig defaults = DaemonConfig.defaults("fake:///", Path.of("unused"));
    return FleetGateway.start(new FleetGateway.Config(EtcdSettings.of(etcd.endpoints()), "127.0.0.1", 0,
        defaults.http(), AccessConfig.defaults().withTokens(callers), 1000,
        new FleetGateway.Forwarding(credentials, Duration.ofSeconds(10), Duration.ofSeconds(10))));
  }

  private static ApiClient client(FleetGateway g) {
    return new ApiClient("http://127.0.0.1:" + g.address().getPort());
  }

  private static String[] auth() {
    return new String[] {"Authorization", "Bearer a-secret"};
  }
}
