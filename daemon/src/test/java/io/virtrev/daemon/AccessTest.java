package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.daemon.security.DnRule;
import io.virtrev.daemon.security.TlsSettings;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.FakeDomainSource;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, roles, TLS with client certificates, UNIX sockets, and the exposure check. */
class AccessTest {
  @TempDir Path dir;

  private Path tokens() throws IOException {
    Path f = dir.resolve("tokens");
    Files.writeString(f, "# name role hash\n"
        + "monitor read " + TokenFile.hashLine("r-secret") + "\n"
        + "platform write " + TokenFile.hashLine("w-secret") + "\n");
    return f;
  }

  @Test
  void tokensAndRoles() throws Exception {
    Path tokens = tokens();
    Path audit = dir.resolve("audit.jsonl");
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"),
        c -> c.withAccess(c.access().withTokens(tokens).withAudit(audit)))) {
      String uuid = d.source.defineTiny("web");
      d.awaitRevision(2);
      ApiClient api = d.api;
      ApiClient.Response none = api.get("/api/v1/domains");
      assertStatus(none, 401, "Unauthorized", "authentication required");
      assertThat(none.header("www-authenticate")).startsWith("Bearer");
      assertStatus(api.get("/api/v1/domains", "Authorization", "Bearer wrong"), 401, "Unauthorized", "invalid bearer token");
      assertStatus(api.get("/api/v1/domains", "Authorization", "Basic eDp5"), 401, "Unauthorized", "Bearer");
      assertThat(api.get("/healthz").status()).isEqualTo(200);
      assertThat(api.get("/readyz").status()).isEqualTo(200);
      assertThat(api.get("/metrics").status()).as("metrics are open by default").isEqualTo(200);

      assertThat(api.get("/api/v1/domains", "Authorization", "Bearer r-secret").status()).isEqualTo(200);
      String xml = DomainXml.tiny("web", uuid, 48);
      long before = d.revision();
      assertStatus(api.send("PUT", "/api/v1/domains/web", "application/xml", xml, "Authorization", "Bearer r-secret"),
          403, "Forbidden", "token:monitor has role read; PUT /api/v1/domains/web needs write");
      assertThat(d.revision()).isEqualTo(before);
      ApiClient.Response ok = api.send("PUT", "/api/v1/domains/web", "application/xml", xml, "Authorization", "Bearer w-secret");
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);

      List<String> lines = Files.readAllLines(audit);
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0)).contains("\"who\":\"token:monitor\"").contains("\"status\":403");
      assertThat(lines.get(1)).contains("\"who\":\"token:platform\"").contains("\"status\":200")
          .contains("\"resourceVersion\":\"" + ok.json().at("/metadata/resourceVersion").asText() + "\"")
          .contains("\"uuid\":\"" + uuid + "\"");
    }
  }

  @Test
  void clientCertificatesWithAllowedAndRefusedDns() throws Exception {
    TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
    Path platform = pki.client("platform", "/O=Example/CN=platform");
    Path monitor = pki.client("monitor", "/O=Example/CN=monitor-1");
    Path intruder = pki.client("intruder", "/O=Evil/CN=platform");
    TlsSettings tls = new TlsSettings(pki.serverCert, pki.serverKey, pki.caCert,
        List.of(DnRule.parse("write:CN=platform,O=Example"), DnRule.parse("read:CN=monitor-*,O=Example")));
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), new FakeDomainSource(),
        c -> c.withAccess(c.access().withTls(tls)), "https")) {
      String uuid = d.source.defineTiny("web");
      d.awaitRevision(2);
      String base = "https://127.0.0.1:" + d.daemon.address().getPort();
      String xml = DomainXml.tiny("web", uuid, 40);

      ApiClient asPlatform = new ApiClient(base, pki.sslContext(platform));
      ApiClient.Response put = asPlatform.send("PUT", "/api/v1/domains/web", "application/xml", xml);
      assertThat(put.status()).as(put.body()).isEqualTo(200);

      ApiClient asMonitor = new ApiClient(base, pki.sslContext(monitor));
      assertThat(asMonitor.get("/api/v1/domains").status()).isEqualTo(200);
      assertStatus(asMonitor.send("PUT", "/api/v1/domains/web", "application/xml", xml), 403, "Forbidden",
          "cert:CN=monitor-1,O=Example has role read");

      ApiClient asIntruder = new ApiClient(base, pki.sslContext(intruder));
      assertStatus(asIntruder.get("/api/v1/domains"), 403, "Forbidden",
          "client certificate CN=platform,O=Evil is not allowed");

      ApiClient noCert = new ApiClient(base, pki.sslContext(null));
      assertStatus(noCert.get("/api/v1/domains"), 401, "Unauthorized", "a client certificate is required");
    }
  }

  /** With a client CA, the handshake only asks for a certificate: the open routes answer without one. */
  @Test
  void healthEndpointsNeedNoClientCertificate() throws Exception {
    TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
    TlsSettings tls = new TlsSettings(pki.serverCert, pki.serverKey, pki.caCert,
        List.of(DnRule.parse("write:CN=platform,O=Example")));
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), new FakeDomainSource(),
        c -> c.withAccess(c.access().withTls(tls)), "https")) {
      ApiClient noCert = new ApiClient("https://127.0.0.1:" + d.daemon.address().getPort(), pki.sslContext(null));
      assertThat(noCert.get("/healthz").status()).isEqualTo(200);
      assertThat(noCert.get("/readyz").status()).isEqualTo(200);
      assertStatus(noCert.get("/api/v1/domains"), 401, "Unauthorized",
          "a client certificate is required: none was presented");
      assertStatus(noCert.send("DELETE", "/api/v1/domains/web", null, null), 401, "Unauthorized",
          "a client certificate is required");
    }
  }

  /**
   * A certificate made with {@code -subj /CN=platform/O=Example}, which Java prints in RFC 2253 order
   * as {@code O=Example,CN=platform}, matches the documented rule {@code CN=platform,O=Example}.
   */
  @Test
  void dnRulesMatchCertificatesWhateverTheirAttributeOrder() throws Exception {
    TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
    Path usual = pki.client("usual", "/CN=platform/O=Example");
    Path extra = pki.client("extra", "/CN=platform/O=Example/OU=more");
    TlsSettings tls = new TlsSettings(pki.serverCert, pki.serverKey, pki.caCert,
        List.of(DnRule.parse("write:CN=platform,O=Example")));
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), new FakeDomainSource(),
        c -> c.withAccess(c.access().withTls(tls)), "https")) {
      String base = "https://127.0.0.1:" + d.daemon.address().getPort();
      ApiClient.Response ok = new ApiClient(base, pki.sslContext(usual)).get("/api/v1/domains");
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertStatus(new ApiClient(base, pki.sslContext(extra)).get("/api/v1/domains"), 403, "Forbidden",
          "client certificate OU=more,O=Example,CN=platform is not allowed");
    }
  }

  @Test
  void unixSocketsCarryTheirRoleAndTheirFileMode() throws Exception {
    Path rw = dir.resolve("virtrev.sock");
    Path ro = dir.resolve("virtrev-ro.sock");
    String group = Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"),
        c -> c.withAccess(c.access().withUnixSockets(rw, ro, "rw-rw----", group)))) {
      String uuid = d.source.defineTiny("web");
      d.awaitRevision(2);
      for (Path p : List.of(rw, ro)) {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
        assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-rw----");
        assertThat(a.group().getName()).isEqualTo(group);
      }
      String xml = DomainXml.tiny("web", uuid, 40);
      assertThat(unixRequest(ro, "GET", "/api/v1/domains", null)).startsWith("HTTP/1.1 200");
      assertThat(unixRequest(ro, "PUT", "/api/v1/domains/web", xml)).startsWith("HTTP/1.1 403")
          .contains("socket " + ro + " has role read");
      assertThat(unixRequest(rw, "PUT", "/api/v1/domains/web", xml)).startsWith("HTTP/1.1 200");
    }
    assertThat(rw).as("removed on shutdown").doesNotExist();
    assertThat(ro).as("removed on shutdown").doesNotExist();
  }

  @Test
  void aBadUnixSocketSetUpFailsNamingTheProblemAndLeavesNoSocketBehind() throws Exception {
    Path rw = dir.resolve("virtrev.sock");
    Path ro = dir.resolve("virtrev-ro.sock");
    assertThatThrownBy(() -> FakeDaemon.start(dir.resolve("a"),
            c -> c.withAccess(c.access().withUnixSockets(rw, ro, "rw-rw----", "h-ops-nosuchgroup"))))
        .isInstanceOf(IOException.class).hasMessageContaining("no such group 'h-ops-nosuchgroup'");
    assertThat(rw).doesNotExist();
    assertThatThrownBy(() -> FakeDaemon.start(dir.resolve("b"),
            c -> c.withAccess(c.access().withUnixSockets(rw, rw, "rw-rw----", null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same path: " + rw);
    assertThat(rw).doesNotExist();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".virtrev-sock-"));
    }
  }

  @Test
  void aNonLoopbackListenerNeedsTlsAndAuthenticationUnlessForced() throws Exception {
    assertThatThrownBy(() -> FakeDaemon.start(dir.resolve("a"), c -> c.withListen("0.0.0.0", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refusing to listen on 0.0.0.0 (not loopback) without TLS");
    Path tokens = tokens();
    assertThatThrownBy(() -> FakeDaemon.start(dir.resolve("b"),
            c -> c.withListen("0.0.0.0", 0).withAccess(c.access().withTokens(tokens))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without TLS");
    try (LogCapture daemonLog = new LogCapture(Virtrevd.class);
        LogCapture serverLog = new LogCapture(io.virtrev.daemon.http.ApiServer.class);
        FakeDaemon d = FakeDaemon.start(dir.resolve("c"),
            c -> c.withListen("0.0.0.0", 0).withAccess(c.access().withInsecure(true)))) {
      assertThat(d.api.get("/readyz").status()).isEqualTo(200);
      int port = d.daemon.address().getPort();
      assertThat(daemonLog.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN ")
          .contains("INSECURE: listening on 0.0.0.0 (not loopback) without TLS and authentication"));
      assertThat(daemonLog.text()).contains("on 0.0.0.0:" + port + ", access:");
      assertThat(serverLog.text()).contains("listening on http://0.0.0.0:" + port + "\n");
    }
  }

  @Test
  void aTokensFileWithoutTokensIsWarnedAbout() throws Exception {
    Path empty = Files.writeString(dir.resolve("tokens"), "# nobody yet\n");
    try (LogCapture log = new LogCapture(Virtrevd.class);
        FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c.withAccess(c.access().withTokens(empty)))) {
      assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN ")
          .contains("tokens file " + empty + " holds no token"));
    }
  }

  /** One HTTP/1.1 request over a UNIX socket; the raw response. */
  static String unixRequest(Path socket, String method, String path, String body) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + path + " HTTP/1.1\r\nHost: local\r\nConnection: close\r\n"
          + (body == null ? "" : "Content-Type: application/xml\r\n") + "Content-Length: " + b.length + "\r\n\r\n";
      ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
      ch.write(ByteBuffer.wrap(b));
      return new String(readAll(ch), StandardCharsets.UTF_8);
    }
  }

  private static byte[] readAll(SocketChannel ch) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (ch.read(buf) > 0) {
      out.write(buf.array(), 0, buf.position());
      buf.clear();
    }
    return out.toByteArray();
  }
}
