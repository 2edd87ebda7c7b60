package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.virtrev.daemon.TestPki;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
  private Path kubeconfig;

  /** One kubectl run: its exit code, stdout and stderr apart. */
  record Run(int exit, String out, String err) {
    Run ok() {
      assertThat(exit).as("kubectl failed:\n" + err + out).isZero();
      return this;
    }
  }

  @BeforeEach
  void pkiAndTools() {
    if (Host.run(10, "kubectl", "version", "--client").exit() != 0) {
      if (Host.libvirtdRequired()) {
        throw new AssertionError("kubectl is not installed: scripts/test.sh installs Debian's kubernetes-client");
      }
      throw new org.opentest4j.TestAbortedException("kubectl is not installed");
    }
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
    try (DaemonProcess d = start("test:///default")) {
      JsonNode schemas = JSON.readTree(d.api.get("/openapi/v3/apis/virtrev.io/v1", "Authorization", "Bearer " + TOKEN)
          .body()).get("components").get("schemas");
      Run domain = kubectl(kubeconfig, "explain", "domain").ok();
      assertThat(domain.out()).contains("GROUP:      virtrev.io\n").contains("KIND:       Domain\n")
          .contains("VERSION:    v1\n");
      assertThat(flat(domain.out())).contains(flat(schemas.at("/io.virtrev.v1.Domain/description").asText()))
          .contains("metadata <DomainMeta>").contains("spec <DomainSpec>").contains("status <DomainStatus>");
      Run spec = kubectl(kubeconfig, "explain", "domain.spec").ok();
      assertThat(flat(spec.out())).contains("FIELD: spec <DomainSpec>").contains("xml <string>")
          .contains(flat(schemas.at("/io.virtrev.v1.DomainSpec/properties/persistent/description").asText()));
      Run xml = kubectl(kubeconfig, "explain", "domain.spec.xml").ok();
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
      Run created = kubectl(kubeconfig, "create", "-f", good.toString()).ok();
      assertThat(created.out()).isEqualTo("domain.virtrev.io/" + name + " created\n");
      assertThat(get(d, name).json().at("/spec/xml").asText()).contains("<name>" + name + "</name>");

      String bad = name + "-bad";
      Path yaml = Files.writeString(dir.resolve("bad.yaml"), "apiVersion: virtrev.io/v1\nkind: Domain\n"
          + "metadata:\n  name: " + bad + "\nspec:\n  colour: red\n  xml: \"<domain type='test'><name>" + bad
          + "</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>\"\n");
      Run refused = kubectl(kubeconfig, "create", "-v=6", "-f", yaml.toString());
      assertThat(refused.exit()).isNotZero();
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
      Run loose = kubectl(kubeconfig, "create", "--validate=false", "-f", yaml.toString()).ok();
      assertThat(loose.out()).isEqualTo("domain.virtrev.io/" + bad + " created\n");

      // /openapi/v2 is JSON only; kubectl asks for protobuf, so only the v2 explain cannot work.
      Run v2 = kubectl(kubeconfig, "explain", "domain", "--output=plaintext-openapiv2");
      assertThat(v2.exit()).isNotZero();
      assertThat(v2.err()).contains("Error from server (NotAcceptable)");
    }
  }

  /** Whitespace collapsed: kubectl wraps descriptions at 80 columns. */
  private static String flat(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }

  private DaemonProcess start(String uri) throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "kubectl write " + TokenFile.hashLine(TOKEN) + "\n");
    Path tokenFile = Files.writeString(dir.resolve("kubectl.token"), TOKEN + "\n");
    DaemonProcess d = DaemonProcess.startTls(uri, dir.resolve("data"), pki.sslContext(null),
        "--tokens-file", tokens.toString(), "--tls-cert", pki.serverCert.toString(), "--tls-key", pki.serverKey.toString());
    try {
      kubeconfig = dir.resolve("virtrev.kubeconfig");
      Host.Result r = Host.run(30, "sh", "-c", Host.script("kubeconfig.sh") + " --server https://127.0.0.1:" + d.port
          + " --token-file " + tokenFile + " --ca " + pki.caCert + " > " + kubeconfig);
      assertThat(r.exit()).as(r.output()).isZero();
      return d;
    } catch (RuntimeException | AssertionError e) {
      d.close();
      throw e;
    }
  }

  private static ApiClient.Response get(DaemonProcess d, String name) {
    return d.api.get("/apis/virtrev.io/v1/domains/" + name, "Authorization", "Bearer " + TOKEN);
  }

  /** Runs kubectl with only {@code config} and a fresh HOME (no cache, no ~/.kube/config). */
  private Run kubectl(Path config, String... args) {
    try {
      Path home = Files.createTempDirectory(dir, "home");
      List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", config.toString()));
      cmd.addAll(List.of(args));
      Path out = home.resolve("stdout");
      Path err = home.resolve("stderr");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("HOME", home.toString());
      pb.environment().remove("KUBECONFIG");
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 60 s");
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
