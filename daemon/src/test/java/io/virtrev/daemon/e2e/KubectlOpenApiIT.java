package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.virtrev.daemon.TestPki;
import io.virtrev.daemon.e2e.Kubectl.Run;
import io.virtrev.fixtures.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl, unmodified, reading the served OpenAPI: the packaged daemon on the libvirt test driver, TLS
 * and a bearer token, a kubeconfig from {@code scripts/kubeconfig.sh}, a fresh {@code HOME} per run (no
 * cached discovery or OpenAPI). kubectl must be installed (as for {@link KubectlIT}).
 */
class KubectlOpenApiIT {
  private static final String TOKEN = "kubectl-openapi-it-" + UUID.randomUUID();
  private static final String PREFIX = "k-openapi-";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TestPki pki;

  @BeforeEach
  void pkiAndTools() {
    Kubectl.requireInstalled();
    pki = new TestPki(dir);
  }

  /**
   * kubectl reads the served OpenAPI: {@code explain} prints the model's descriptions; {@code create}
   * with its default validation (Strict) finds fieldValidation on the kind's PATCH operation in
   * /openapi/v3, so it leaves validation to the server (it never fetches /openapi/v2) and sends
   * {@code fieldValidation=Strict}: a real object (every field the API returns) is accepted, a field
   * the model lacks is refused by the server's strict decoding, and nothing is created.
   */
  @Test
  void explainPrintsTheModelsDescriptionsAndCreateValidatesStrictly() throws Exception {
    Path kubeconfig = dir.resolve("virtrev.kubeconfig");
    try (DaemonProcess d = Kubectl.startTls("test:///default", dir, pki, TOKEN, kubeconfig)) {
      Kubectl kubectl = new Kubectl(kubeconfig, dir);
      JsonNode schemas = JSON.readTree(d.api.get("/openapi/v3/apis/virtrev.io/v1", "Authorization", "Bearer " + TOKEN)
          .body()).get("components").get("schemas");
      Run domain = kubectl.run("explain", "domain").ok();
      assertThat(domain.out()).contains("GROUP:      virtrev.io\n").contains("KIND:       Domain\n")
          .contains("VERSION:    v1\n");
      assertThat(flat(domain.out())).contains(flat(schemas.at("/io.virtrev.v1.Domain/description").asText()))
          .contains("metadata <DomainMeta>").contains("spec <DomainSpec>").contains("status <DomainStatus>");
      Run spec = kubectl.run("explain", "domain.spec").ok();
      assertThat(flat(spec.out())).contains("FIELD: spec <DomainSpec>").contains("xml <string>")
          .contains(flat(schemas.at("/io.virtrev.v1.DomainSpec/properties/persistent/description").asText()));
      Run xml = kubectl.run("explain", "domain.spec.xml").ok();
      assertThat(flat(xml.out())).contains("FIELD: xml <string>")
          .contains(flat(schemas.at("/io.virtrev.v1.DomainSpec/properties/xml/description").asText()));

      // A real object as the API returns it (status, resourceVersion and all), renamed: accepted.
      JsonNode real = get(d, "test").json();
      String name = PREFIX + "created";
      com.fasterxml.jackson.databind.node.ObjectNode copy = real.deepCopy();
      copy.withObject("/metadata").put("name", name).remove("uuid");
      copy.withObject("/spec").put("xml", real.at("/spec/xml").asText().replaceAll("<uuid>[^<]*</uuid>", "")
          .replace("<name>test</name>", "<name>" + name + "</name>"));
      Path good = Files.writeString(dir.resolve("good.json"), copy.toString());
      Run created = kubectl.run("create", "-f", good.toString()).ok();
      assertThat(created.out()).isEqualTo("domain.virtrev.io/" + name + " created\n");
      assertThat(get(d, name).json().at("/spec/xml").asText()).contains("<name>" + name + "</name>");

      String bad = name + "-bad";
      Path yaml = Files.writeString(dir.resolve("bad.yaml"), "apiVersion: virtrev.io/v1\nkind: Domain\n"
          + "metadata:\n  name: " + bad + "\nspec:\n  colour: red\n  xml: \"<domain type='test'><name>" + bad
          + "</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>\"\n");
      Run refused = kubectl.run("create", "-v=6", "-f", yaml.toString()).failed();
      assertThat(refused.err()).as("kubectl read /openapi/v3, found fieldValidation, and let the server judge")
          .contains("GET https://127.0.0.1:" + d.port + "/openapi/v3/apis/virtrev.io/v1?hash=")
          .contains("POST https://127.0.0.1:" + d.port + "/apis/virtrev.io/v1/domains?fieldManager=kubectl-create"
              + "&fieldValidation=Strict 400")
          .doesNotContain("/openapi/v2");
      assertThat(refused.err()).as("refused by the server's strict decoding, not by kubectl")
          .contains("Error from server (BadRequest)")
          .contains("Domain in version \"v1\" cannot be handled as a Domain: strict decoding error: unknown field"
              + " \"spec.colour\"");
      assertThat(get(d, bad).status()).as("nothing created").isEqualTo(404);
      Run loose = kubectl.run("create", "--validate=false", "-f", yaml.toString()).ok();
      assertThat(loose.out()).isEqualTo("domain.virtrev.io/" + bad + " created\n");

      // /openapi/v2 is JSON only; kubectl asks for protobuf, so only the v2 explain cannot work.
      Run v2 = kubectl.run("explain", "domain", "--output=plaintext-openapiv2").failed();
      assertThat(v2.err()).contains("Error from server (NotAcceptable)");
    }
  }

  /** Whitespace collapsed: kubectl wraps descriptions at 80 columns. */
  private static String flat(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }

  private static ApiClient.Response get(DaemonProcess d, String name) {
    return d.api.get("/apis/virtrev.io/v1/domains/" + name, "Authorization", "Bearer " + TOKEN);
  }
}
