package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets libvirt elides from every read without VIR_DOMAIN_XML_SECURE (a VNC password here), through
 * the packaged daemon against the real libvirtd: the documented edit loop (GET the XML, change it, PUT
 * it with If-Match) keeps them, the API never serves them, and they reach neither the store nor the log.
 * Domains are defined only (never started): graphics need no display to be defined.
 */
class SecretsIT {
  private static final String PREFIX = "h-api-secret-";
  private static Path dataDir;
  private static DaemonProcess daemon;

  @BeforeAll
  static void start() throws IOException {
    Host.requireLibvirtd();
    Host.cleanUp(PREFIX);
    dataDir = Files.createTempDirectory("virtrev-secrets-it");
    daemon = DaemonProcess.start(dataDir);
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
    Host.cleanUp(PREFIX);
  }

  @AfterEach
  void cleanUp() {
    Host.cleanUp(PREFIX);
  }

  private static String name(String suffix) {
    return PREFIX + suffix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** A VNC password (libvirt allows at most 8 characters) unique to the test. */
  private static String password() {
    return "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 7);
  }

  /** The tiny domain with {@code graphics} (XML elements) among its devices. */
  private static String withGraphics(String name, String uuid, int memoryMiB, String graphics) {
    return DomainXml.tiny(name, uuid, memoryMiB).replace("<serial type='null'/>", graphics + "<serial type='null'/>");
  }

  private static ApiClient api() {
    return daemon.api;
  }

  /** POSTs a domain with a VNC password; its name. */
  private static String create(String name, String uuid, String password) {
    ApiClient.Response r = api().send("POST", "/api/v1/domains", "application/xml",
        withGraphics(name, uuid, 32, "<graphics type='vnc' port='-1' passwd='" + password + "'/>"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.body()).doesNotContain(password);
    return name;
  }

  private static String secureXml(String name) {
    return Host.virsh("dumpxml", "--inactive", "--security-info", name);
  }

  @Test
  void theEditLoopKeepsTheVncPasswordItCouldNotSee() {
    String n = name("loop");
    String pw = password();
    create(n, UUID.randomUUID().toString(), pw);
    assertThat(secureXml(n)).contains("passwd='" + pw + "'");

    ApiClient.Response got = api().get("/api/v1/domains/" + n, "Accept", "application/xml");
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.body()).contains("<graphics type='vnc'").doesNotContain(pw).doesNotContain("passwd");
    String edited = got.body().replace("<memory unit='KiB'>32768</memory>", "<memory unit='KiB'>49152</memory>")
        .replace("<currentMemory unit='KiB'>32768</currentMemory>", "<currentMemory unit='KiB'>49152</currentMemory>");
    assertThat(edited).contains("49152");
    ApiClient.Response put = api().send("PUT", "/api/v1/domains/" + n, "application/xml", edited,
        "If-Match", got.header("etag"));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.body()).contains("49152").doesNotContain(pw);

    String after = secureXml(n);
    assertThat(after).contains("passwd='" + pw + "'").contains("<memory unit='KiB'>49152</memory>");
    assertNeverServedStoredOrLogged(n, pw);
  }

  /** The Kubernetes-style loop (GET the object, change spec.xml, PUT it with its metadata.resourceVersion). */
  @Test
  void theJsonEditLoopKeepsThePasswordToo() {
    String n = name("json");
    String pw = password();
    create(n, UUID.randomUUID().toString(), pw);
    JsonNode obj = api().get("/api/v1/domains/" + n).json();
    String xml = obj.at("/spec/xml").asText();
    assertThat(xml).doesNotContain(pw);
    ((com.fasterxml.jackson.databind.node.ObjectNode) obj.get("spec")).put("xml",
        xml.replace("<memory unit='KiB'>32768</memory>", "<memory unit='KiB'>40960</memory>"));
    ApiClient.Response put = api().send("PUT", "/api/v1/domains/" + n, "application/json", obj.toString());
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(secureXml(n)).contains("passwd='" + pw + "'").contains("<memory unit='KiB'>40960</memory>");
    assertNeverServedStoredOrLogged(n, pw);
  }

  /** A network disk's cookies are elided like passwords, and kept while the source names the same server. */
  @Test
  void diskCookiesAreKeptForTheSameSource() {
    String n = name("cookie");
    String cookie = "c" + password();
    String cdrom = "<disk type='network' device='cdrom'><driver name='qemu' type='raw'/>"
        + "<source protocol='https' name='/x.iso'><host name='example.org' port='443'/>"
        + "<cookies><cookie name='sess'>" + cookie + "</cookie></cookies></source>"
        + "<target dev='hdc' bus='ide'/><readonly/></disk>";
    ApiClient.Response post = api().send("POST", "/api/v1/domains", "application/xml",
        withGraphics(n, UUID.randomUUID().toString(), 32, cdrom));
    assertThat(post.status()).as(post.body()).isEqualTo(201);
    assertThat(secureXml(n)).contains(cookie);
    ApiClient.Response got = api().get("/api/v1/domains/" + n, "Accept", "application/xml");
    assertThat(got.body()).contains("example.org").doesNotContain(cookie).doesNotContain("<cookies");
    ApiClient.Response put = api().send("PUT", "/api/v1/domains/" + n, "application/xml",
        got.body().replace("<memory unit='KiB'>32768</memory>", "<memory unit='KiB'>40960</memory>"),
        "If-Match", got.header("etag"));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(secureXml(n)).contains(cookie).contains("<memory unit='KiB'>40960</memory>");
    assertNeverServedStoredOrLogged(n, cookie);

    // Pointed at another server: the cookies stay behind, and a Warning says so.
    String moved = api().get("/api/v1/domains/" + n, "Accept", "application/xml").body()
        .replace("example.org", "example.net");
    ApiClient.Response put2 = api().send("PUT", "/api/v1/domains/" + n, "application/xml", moved);
    assertThat(put2.status()).as(put2.body()).isEqualTo(200);
    assertThat(put2.header("warning")).contains("cookies").contains("target dev='hdc'");
    assertThat(secureXml(n)).contains("example.net").doesNotContain(cookie);
  }

  @Test
  void aPasswordTheClientSendsReplacesTheOldOne() {
    String n = name("set");
    String uuid = UUID.randomUUID().toString();
    String old = password();
    String fresh = password();
    create(n, uuid, old);
    String etag = api().get("/api/v1/domains/" + n).header("etag");
    ApiClient.Response put = api().send("PUT", "/api/v1/domains/" + n, "application/xml",
        withGraphics(n, uuid, 32, "<graphics type='vnc' port='-1' passwd='" + fresh + "'/>"), "If-Match", etag);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(secureXml(n)).contains("passwd='" + fresh + "'").doesNotContain(old);
    assertNeverServedStoredOrLogged(n, fresh);
  }

  @Test
  void graphicsTheClientRemovedAreGoneWithTheirPassword() {
    String n = name("rm");
    String uuid = UUID.randomUUID().toString();
    String pw = password();
    create(n, uuid, pw);
    ApiClient.Response put = api().send("PUT", "/api/v1/domains/" + n, "application/xml",
        DomainXml.tiny(n, uuid, 32));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(secureXml(n)).doesNotContain("<graphics").doesNotContain(pw);
  }

  @Test
  void graphicsThatCannotBeMatchedAreRefusedNamingTheElementAndNothingChanges() {
    String n = name("amb");
    String uuid = UUID.randomUUID().toString();
    String pw = password();
    create(n, uuid, pw);
    String before = secureXml(n);
    long rv = api().list().resourceVersion();
    ApiClient.Response put = api().send("PUT", "/api/v1/domains/" + n, "application/xml",
        withGraphics(n, uuid, 48, "<graphics type='vnc' port='-1'/><graphics type='vnc' port='5999'/>"));
    assertThat(put.status()).as(put.body()).isEqualTo(422);
    JsonNode s = put.json();
    assertThat(s.get("reason").asText()).isEqualTo("Invalid");
    assertThat(s.get("message").asText()).contains("<graphics type='vnc'>").doesNotContain(pw);
    assertThat(secureXml(n)).isEqualTo(before);
    assertThat(api().list().resourceVersion()).isEqualTo(rv);
  }

  /** libvirt's "unsupported configuration" (VIR_ERR_CONFIG_UNSUPPORTED, 67) is the client's error: 422. */
  @Test
  void aNineCharacterVncPasswordIs422WithLibvirtsMessage() {
    String n = name("long");
    String uuid = UUID.randomUUID().toString();
    ApiClient.Response post = api().send("POST", "/api/v1/domains", "application/xml",
        withGraphics(n, uuid, 32, "<graphics type='vnc' port='-1' passwd='123456789'/>"));
    assertThat(post.status()).as(post.body()).isEqualTo(422);
    JsonNode s = post.json();
    assertThat(s.get("reason").asText()).isEqualTo("Invalid");
    assertThat(s.get("message").asText()).startsWith("libvirt: unsupported configuration").contains("VNC password");
    assertThat(s.at("/details/libvirtErrorCode").asInt()).isEqualTo(67);
    assertThat(Host.virshQuietly("dominfo", n).exit()).as("not defined").isNotZero();

    String pw = password();
    create(n, uuid, pw);
    ApiClient.Response put = api().send("PUT", "/api/v1/domains/" + n, "application/xml",
        withGraphics(n, uuid, 32, "<graphics type='vnc' port='-1' passwd='123456789'/>"));
    assertThat(put.status()).as(put.body()).isEqualTo(422);
    assertThat(secureXml(n)).contains("passwd='" + pw + "'");
  }

  /** Not in the domain's JSON, its history, the list, the store's files, or the daemon's log. */
  private static void assertNeverServedStoredOrLogged(String name, String password) {
    for (String path : List.of("/api/v1/domains/" + name, "/api/v1/domains/" + name + "/history",
        "/api/v1/domains/" + name + "/diff", "/api/v1/domains")) {
      ApiClient.Response r = api().get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).doesNotContain(password);
    }
    byte[] needle = password.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), needle)).as("store file " + f).isEqualTo(-1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(daemon.log()).doesNotContain(password);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
