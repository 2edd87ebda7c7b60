package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.daemon.TestPki;
import io.virtrev.daemon.e2e.Kubectl.Run;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl, unmodified, against the packaged daemon with nothing but a kubeconfig printed by
 * {@code scripts/kubeconfig.sh}: TLS (kubectl sends a token only over https) and a bearer token from a
 * tokens file. Each kubectl run gets a fresh {@code HOME}, so no discovery cache carries over.
 *
 * <p>kubectl must be installed ({@code scripts/test.sh} installs Debian's kubernetes-client); without
 * it the tests fail under VIRTREV_REQUIRE_LIBVIRTD=true and are skipped otherwise.
 */
class KubectlIT {
  private static final String TOKEN = "kubectl-it-" + UUID.randomUUID();
  private static final String PREFIX = "h-group-kc-";

  @TempDir Path dir;
  private TestPki pki;
  private Path kubeconfig;

  @BeforeEach
  void pkiAndTools() {
    Kubectl.requireInstalled();
    pki = new TestPki(dir);
  }

  @AfterEach
  void cleanUp() {
    if (Host.libvirtdAnswers()) {
      Host.cleanUp(PREFIX);
    }
  }

  /** The libvirt test driver: a domain created through the API, read, listed and deleted through kubectl. */
  @Test
  void kubectlListsGetsReadsHistoryAndDeletesOnTheTestDriver() throws Exception {
    try (DaemonProcess d = start("test:///default")) {
      String name = PREFIX + "test";
      String uuid = UUID.randomUUID().toString();
      ApiClient.Response created = d.api.send("POST", "/apis/virtrev.io/v1/domains", "application/xml",
          "<domain type='test'><name>" + name + "</name><uuid>" + uuid + "</uuid><memory unit='KiB'>65536</memory>"
              + "<vcpu>1</vcpu><os><type>hvm</type></os></domain>", "Authorization", "Bearer " + TOKEN);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      exercise(d, name, uuid, "65536");
      assertThat(get(d, name).status()).as("gone through the API").isEqualTo(404);

      JsonNode version = kubectl(kubeconfig, "version", "-o", "json").ok().json();
      String built;
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(System.getProperty("virtrev.jar", "target/virtrevd.jar"))) {
        built = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
      }
      assertThat(version.at("/serverVersion/gitVersion").asText()).isEqualTo("v" + built);
    }
  }

  /**
   * {@code --dry-run=server} on the real libvirtd: delete, create, replace and a schema-invalid create
   * change nothing (virsh agrees) and answer what the real command would.
   */
  @Test
  void serverSideDryRunsChangeNothingInLibvirt() throws Exception {
    Host.requireLibvirtd();
    String mine = "k-strict-kc-"; // not PREFIX: the other KubectlIT runs clean theirs up concurrently
    String name = mine + "dry-" + UUID.randomUUID().toString().substring(0, 8);
    String uuid = UUID.randomUUID().toString();
    Host.defineTiny(name, uuid, 32);
    String xml = Host.virsh("dumpxml", "--inactive", name);
    try (DaemonProcess d = start("qemu:///system")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(d, name).status() == 200);
      JsonNode before = get(d, name).json();

      Run delete = kubectl(kubeconfig, "delete", "dom", name, "--dry-run=server").ok();
      assertThat(delete.out()).isEqualTo("domain.virtrev.io \"" + name + "\" deleted (server dry run)\n");
      assertThat(Host.virsh("dumpxml", "--inactive", name)).as("still defined, unchanged").isEqualTo(xml);

      String fresh = mine + "dry-new-" + UUID.randomUUID().toString().substring(0, 8);
      Path create = yaml(fresh, DomainXml.tiny(fresh, UUID.randomUUID().toString(), 32));
      Run created = kubectl(kubeconfig, "create", "-f", create.toString(), "--dry-run=server", "--validate=false").ok();
      assertThat(created.out()).isEqualTo("domain.virtrev.io/" + fresh + " created (server dry run)\n");
      assertThat(Host.virshQuietly("dominfo", fresh).exit()).as("not defined in libvirt").isNotZero();

      Path replace = yaml(name, DomainXml.tiny(name, uuid, 48));
      Run replaced = kubectl(kubeconfig, "replace", "-f", replace.toString(), "--dry-run=server", "--validate=false").ok();
      assertThat(replaced.out()).contains("replaced (server dry run)");
      assertThat(Host.virsh("dumpxml", "--inactive", name)).as("libvirt keeps the old memory").isEqualTo(xml);

      Path invalid = yaml(fresh, DomainXml.tiny(fresh, UUID.randomUUID().toString(), 32)
          .replace("<devices>", "<devices><bogus/>"));
      // --validate=false sends fieldValidation=Ignore: no schema check, as the real define without it (which
      // drops <bogus/>). The schema's 422 in a dry run against this libvirtd: MutationLibvirtdIT.
      Run ignored = kubectl(kubeconfig, "create", "-f", invalid.toString(), "--dry-run=server", "--validate=false").ok();
      assertThat(ignored.out()).contains("created (server dry run)");

      assertThat(get(d, name).json()).as("resourceVersion and object unchanged").isEqualTo(before);
      assertThat(Host.virshQuietly("dominfo", fresh).exit()).isNotZero();
    } finally {
      Host.cleanUp(mine);
    }
  }

  /** A manifest for kubectl create/replace -f: the Domain with {@code xml} as spec.xml. */
  private Path yaml(String name, String xml) throws IOException {
    Path f = Files.createTempFile(dir, name, ".json");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode o = json.createObjectNode();
    o.put("apiVersion", "virtrev.io/v1").put("kind", "Domain");
    o.putObject("metadata").put("name", name);
    o.putObject("spec").put("xml", xml);
    Files.writeString(f, json.writeValueAsString(o));
    return f;
  }

  /** The real libvirtd: a domain defined by virsh, seen through kubectl, deleted by kubectl (virsh agrees). */
  @Test
  void kubectlListsGetsReadsHistoryAndDeletesOnTheRealLibvirtd() throws Exception {
    Host.requireLibvirtd();
    String name = PREFIX + "qemu-" + UUID.randomUUID().toString().substring(0, 8);
    String uuid = UUID.randomUUID().toString();
    Host.defineTiny(name, uuid, 32);
    try (DaemonProcess d = start("qemu:///system")) {
      exercise(d, name, uuid, "32768");
      assertThat(get(d, name).status()).as("gone through the API").isEqualTo(404);
      assertThat(Host.virshQuietly("dominfo", name).exit()).as("undefined in libvirt").isNotZero();
    }
  }

  @Test
  void aWrongTokenFailsWithTheServersUnauthorizedMessage() throws Exception {
    try (DaemonProcess d = start("test:///default")) {
      Path wrong = dir.resolve("wrong.kubeconfig");
      Files.writeString(wrong, Files.readString(kubeconfig).replace(TOKEN, "not-" + TOKEN));
      Run get = kubectl(wrong, "get", "domains");
      assertThat(get.exit()).isNotZero();
      assertThat(get.err()).contains("error: You must be logged in to the server");
      assertThat(get.out()).isEmpty();
      Run raw = kubectl(wrong, "get", "--raw", "/apis/virtrev.io/v1/domains");
      assertThat(raw.exit()).isNotZero();
      assertThat(raw.err()).contains("error: You must be logged in to the server (invalid bearer token)");
    }
  }

  /** A client certificate from the kubeconfig authenticates; its DN rule's role (read) is enforced. */
  @Test
  void aClientCertificateFromTheKubeconfigAuthenticatesWithItsRole() throws Exception {
    pki.client("reader", "/CN=kubectl-reader/O=Example");
    try (DaemonProcess d = DaemonProcess.startTls("test:///default", dir.resolve("data"), pki.sslContext(null),
        "--tls-cert", pki.serverCert.toString(), "--tls-key", pki.serverKey.toString(),
        "--tls-client-ca", pki.caCert.toString(), "--tls-client-dn", "read:CN=kubectl-reader,O=Example")) {
      Path certs = dir.resolve("cert.kubeconfig");
      Host.Result r = Host.run(30, "sh", "-c", Host.script("kubeconfig.sh") + " --server https://127.0.0.1:" + d.port
          + " --ca " + pki.caCert + " --client-cert " + pki.dir.resolve("reader.pem") + " --client-key "
          + pki.dir.resolve("reader.rawkey") + " > " + certs);
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(kubectl(certs, "get", "dom", "test", "-o", "json").ok().json().at("/metadata/name").asText())
          .isEqualTo("test");
      Run delete = kubectl(certs, "delete", "domain", "test");
      assertThat(delete.exit()).isNotZero();
      assertThat(delete.err()).contains("Error from server (Forbidden)").contains("has role read")
          .contains("needs write");
      assertThat(kubectl(certs, "get", "dom", "-o", "name").ok().out()).isEqualTo("domain.virtrev.io/test\n");
    }
  }

  /** The default loopback daemon (plain http, no authentication): the script's file needs nothing else. */
  @Test
  void anOpenLoopbackDaemonNeedsNoCredentials() throws Exception {
    try (DaemonProcess d = DaemonProcess.startOn("test:///default", dir.resolve("data"))) {
      Path open = dir.resolve("open.kubeconfig");
      Host.Result r = Host.run(30, "sh", "-c", Host.script("kubeconfig.sh") + " --server http://127.0.0.1:" + d.port
          + " > " + open);
      assertThat(r.exit()).as(r.output()).isZero();
      Run list = kubectl(open, "get", "domains", "-o", "name").ok();
      assertThat(list.out()).isEqualTo("domain.virtrev.io/test\n"); // the test driver's one domain
    }
  }

  /** kubectl drops a token and client certificates over plain http: the script refuses to write such a file. */
  @Test
  void theScriptRefusesCredentialsOverPlainHttp() {
    Host.Result r = Host.run(30, Host.script("kubeconfig.sh").toString(), "--server", "http://127.0.0.1:8474",
        "--token", "x");
    assertThat(r.exit()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains("kubectl sends no credentials over plain http");
  }

  private void exercise(DaemonProcess d, String name, String uuid, String memoryKib) {
    Run resources = kubectl(kubeconfig, "api-resources").ok();
    assertThat(resources.out().lines().toList()).anySatisfy(line ->
        assertThat(line.split("\\s+")).containsExactly("domains", "dom", "virtrev.io/v1", "false", "Domain"));

    Run list = kubectl(kubeconfig, "get", "domains").ok();
    assertThat(list.out().lines().findFirst().orElseThrow().split("\\s+")).as("the Table's columns")
        .containsExactly("NAME", "STATE", "VCPUS", "MEMORY", "PERSISTENT", "AGE");
    assertThat(list.out().lines().map(l -> l.split("\\s+")[0]).toList()).contains(name);
    JsonNode listed = get(d, name).json();
    String[] row = list.out().lines().map(l -> l.split("\\s+")).filter(c -> c[0].equals(name)).findFirst().orElseThrow();
    assertThat(row).hasSize(6);
    assertThat(row[1]).isEqualTo(listed.at("/status/state").asText());
    assertThat(row[2]).matches("[0-9]+");
    assertThat(row[3]).matches("[0-9]+(Ki|Mi|Gi|Ti)?");
    assertThat(row[4]).isEqualTo(listed.at("/spec/persistent").asText());
    assertThat(row[5]).as("AGE, from metadata.creationTimestamp").matches("[0-9]+(s|m[0-9]*s?)");
    Run wide = kubectl(kubeconfig, "get", "domains", "-o", "wide").ok();
    assertThat(wide.out().lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "STATE", "VCPUS", "MEMORY", "PERSISTENT", "AGE", "UUID", "AUTOSTART", "REASON");
    assertThat(wide.out()).contains(uuid);

    JsonNode json = kubectl(kubeconfig, "get", "dom", name, "-o", "json").ok().json();
    JsonNode api = get(d, name).json();
    assertThat(json).as("kubectl prints the object the API serves").isEqualTo(api);
    assertThat(json.get("apiVersion").asText()).isEqualTo("virtrev.io/v1");
    assertThat(json.get("kind").asText()).isEqualTo("Domain");
    assertThat(json.at("/metadata/uuid").asText()).isEqualTo(uuid);
    assertThat(json.at("/spec/xml").asText()).contains("<name>" + name + "</name>")
        .contains("<memory unit='KiB'>" + memoryKib + "</memory>");

    Run yaml = kubectl(kubeconfig, "get", "domain", name, "-o", "yaml").ok();
    assertThat(yaml.out()).contains("apiVersion: virtrev.io/v1\n").contains("kind: Domain\n")
        .contains("  name: " + name + "\n").contains("  uuid: " + uuid + "\n")
        .contains("  resourceVersion: \"" + api.at("/metadata/resourceVersion").asText() + "\"\n")
        .contains("<memory unit='KiB'>" + memoryKib + "</memory>");

    JsonNode history = kubectl(kubeconfig, "get", "--raw", "/apis/virtrev.io/v1/domains/" + name + "/history").ok().json();
    assertThat(history.get("kind").asText()).isEqualTo("DomainHistory");
    assertThat(history.at("/items/0/object/metadata/resourceVersion").asText())
        .isEqualTo(api.at("/metadata/resourceVersion").asText());

    Run described = kubectl(kubeconfig, "describe", "dom", name).ok();
    assertThat(described.out()).contains("Name:").contains(name).contains(uuid);
    Run waited = kubectl(kubeconfig, "wait", "dom/" + name, "--for=jsonpath={.metadata.name}=" + name,
        "--timeout=20s").ok(); // a list, then a watch with allowWatchBookmarks and timeoutSeconds
    assertThat(waited.out()).contains("condition met");

    for (String[] flags : List.of(new String[0], new String[] {"--now"}, new String[] {"--cascade=orphan",
        "--grace-period=5"}, new String[] {"--force", "--grace-period=0"})) {
      List<String> args = new ArrayList<>(List.of("delete", "domain", name, "--dry-run=server"));
      args.addAll(List.of(flags));
      Run dry = kubectl(kubeconfig, args.toArray(String[]::new)).ok();
      assertThat(dry.out()).contains("\"" + name + "\"").contains("(server dry run)");
      assertThat(get(d, name).json()).as("the dry run changed nothing: %s", args).isEqualTo(api);
    }

    Run delete = kubectl(kubeconfig, "delete", "domain", name).ok();
    assertThat(delete.out()).contains("domain.virtrev.io \"" + name + "\" deleted");
    Run after = kubectl(kubeconfig, "get", "dom", name);
    assertThat(after.exit()).isNotZero();
    assertThat(after.err()).contains("domain \"" + name + "\" not found");
  }

  private DaemonProcess start(String uri) throws Exception {
    kubeconfig = dir.resolve("virtrev.kubeconfig");
    return Kubectl.startTls(uri, dir, pki, TOKEN, kubeconfig);
  }

  private static ApiClient.Response get(DaemonProcess d, String name) {
    return d.api.get("/apis/virtrev.io/v1/domains/" + name, "Authorization", "Bearer " + TOKEN);
  }

  /** Runs kubectl with only {@code config} and a fresh HOME (no cache, no ~/.kube/config). */
  private Run kubectl(Path config, String... args) {
    return new Kubectl(config, dir).run(args);
  }
}
