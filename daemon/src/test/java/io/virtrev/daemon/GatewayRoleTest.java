package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.virtrev.daemon.security.DnRule;
import io.virtrev.daemon.security.TlsSettings;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.FakeDomainSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's side of a fleet gateway (docs/fleet.md "Credentials"): the role {@code gateway} writes and may
 * name its caller with {@code Impersonate-User}, which the audit trail and {@code status.request} record
 * as the caller, with the gateway as {@code via}; from anyone else the header is 403 and changes nothing.
 */
class GatewayRoleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aGatewayTokenNamesItsCallerInTheAuditAndTheRevision() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "monitor read " + TokenFile.hashLine("r-secret") + "\n"
        + "platform write " + TokenFile.hashLine("w-secret") + "\n"
        + "fleet-gw gateway " + TokenFile.hashLine("g-secret") + "\n");
    Path audit = dir.resolve("audit.jsonl");
    try (LogCapture log = new LogCapture("virtrev.audit");
        FakeDaemon d = FakeDaemon.start(dir.resolve("store"),
            c -> c.withAccess(c.access().withTokens(tokens).withAudit(audit)))) {
      String uuid = d.source.defineTiny("web");
      d.awaitRevision(2);
      ApiClient api = d.api;
      String path = "/apis/virtrev.io/v1/domains/web";

      ApiClient.Response asCaller = api.send("PUT", path, "application/xml", DomainXml.tiny("web", uuid, 48),
          "Authorization", "Bearer g-secret", "Impersonate-User", "token:alice");
      assertThat(asCaller.status()).as(asCaller.body()).isEqualTo(200);
      assertThat(asCaller.json().at("/status/request/user").asText()).as("the revision names the caller")
          .isEqualTo("token:alice");
      ApiClient.Response asItself = api.send("POST", path + "/suspend", null, null, "Authorization", "Bearer g-secret");
      assertThat(asItself.status()).as("a gateway writes: " + asItself.body()).isIn(200, 409);
      assertThat(api.get(path, "Authorization", "Bearer g-secret").status()).as("and reads").isEqualTo(200);

      long before = d.revision();
      String xml = DomainXml.tiny("web", uuid, 64);
      assertStatus(api.send("PUT", path, "application/xml", xml, "Authorization", "Bearer w-secret",
          "Impersonate-User", "token:root"), 403, "Forbidden",
          "token:platform has role write; only the role gateway may send Impersonate-User");
      assertStatus(api.send("PUT", path, "application/xml", xml, "Authorization", "Bearer r-secret",
          "Impersonate-User", "token:root"), 403, "Forbidden", "token:monitor has role read; only the role gateway");
      assertStatus(api.get(path, "Authorization", "Bearer r-secret", "Impersonate-User", "token:root"), 403,
          "Forbidden", "only the role gateway may send Impersonate-User");
      assertStatus(api.get("/healthz", "Authorization", "Bearer w-secret", "Impersonate-User", "token:root"), 403,
          "Forbidden", "only the role gateway may send Impersonate-User");
      assertStatus(api.send("PUT", path, "application/xml", xml, "Impersonate-User", "token:root"), 401,
          "Unauthorized", "authentication required");
      assertStatus(api.send("PUT", path, "application/xml", xml, "Authorization", "Bearer g-secret",
          "Impersonate-User", " "), 400, "BadRequest", "Impersonate-User must name the caller in 1 to 512 characters");
      assertStatus(api.send("PUT", path, "application/xml", xml, "Authorization", "Bearer g-secret",
          "Impersonate-User", "x".repeat(513)), 400, "BadRequest", "got 513 characters");
      assertThat(d.revision()).as("no refused request changed anything").isEqualTo(before);

      List<JsonNode> lines = jsonLines(audit);
      JsonNode first = lines.get(0);
      assertThat(first.get("who").asText()).isEqualTo("token:alice");
      assertThat(first.get("via").asText()).isEqualTo("token:fleet-gw");
      assertThat(first.get("status").asInt()).isEqualTo(200);
      assertThat(first.get("uuid").asText()).isEqualTo(uuid);
      assertThat(lines.get(1).get("who").asText()).isEqualTo("token:fleet-gw");
      assertThat(lines.get(1).get("role").asText()).isEqualTo("gateway");
      assertThat(lines.get(1).has("via")).isFalse();
      // Refusals are recorded in full once per client per interval: the first names the writer that tried.
      assertThat(lines.stream().filter(l -> l.path("status").asInt() == 403).map(l -> l.get("who").asText()))
          .containsExactly("token:platform");
      assertThat(lines).noneMatch(l -> l.path("who").asText().equals("token:root"));
      assertThat(log.lines().get(0)).contains("mutation who=token:alice via=token:fleet-gw what=\"PUT " + path + "\"");
    }
  }

  @Test
  void aGatewayCertificateMayNameItsCaller() throws Exception {
    TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
    Path gateway = pki.client("gateway", "/O=Example/CN=fleet-gw");
    Path platform = pki.client("platform", "/O=Example/CN=platform");
    TlsSettings tls = new TlsSettings(pki.serverCert, pki.serverKey, pki.caCert,
        List.of(DnRule.parse("gateway:CN=fleet-gw,O=Example"), DnRule.parse("write:CN=platform,O=Example")));
    Path audit = dir.resolve("audit.jsonl");
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), new FakeDomainSource(),
        c -> c.withAccess(c.access().withTls(tls).withAudit(audit)), "https")) {
      String uuid = d.source.defineTiny("web");
      d.awaitRevision(2);
      String base = "https://127.0.0.1:" + d.daemon.address().getPort();
      String path = "/apis/virtrev.io/v1/domains/web";
      ApiClient.Response ok = new ApiClient(base, pki.sslContext(gateway)).send("PUT", path, "application/xml",
          DomainXml.tiny("web", uuid, 40), "Impersonate-User", "cert:CN=alice,O=Example");
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertStatus(new ApiClient(base, pki.sslContext(platform)).send("PUT", path, "application/xml",
          DomainXml.tiny("web", uuid, 44), "Impersonate-User", "cert:CN=alice,O=Example"), 403, "Forbidden",
          "cert:CN=platform,O=Example has role write; only the role gateway may send Impersonate-User");
      List<JsonNode> lines = jsonLines(audit);
      assertThat(lines.get(0).get("who").asText()).isEqualTo("cert:CN=alice,O=Example");
      assertThat(lines.get(0).get("via").asText()).isEqualTo("cert:CN=fleet-gw,O=Example");
      assertThat(lines.get(1).get("status").asInt()).isEqualTo(403);
    }
  }

  private static List<JsonNode> jsonLines(Path f) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(f)) {
      out.add(JSON.readTree(l));
    }
    return out;
  }
}
