package io.virtrev.daemon;

import static io.virtrev.daemon.RawHttp.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.daemon.security.TlsSettings;
import io.virtrev.fixtures.FakeDomainSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection limits and timeouts on the real Netty server with raw sockets: the header and idle
 * timeouts (TLS handshakes included), the per-listener and per-address limits with the health reserve.
 * The same against the packaged daemon: {@code e2e.ConnectionLimitsIT}.
 */
class ConnectionLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private final List<RawHttp> sockets = new ArrayList<>();
  private FakeDaemon d;

  private void start(UnaryOperator<ConnectionLimits> limits) throws Exception {
    d = FakeDaemon.start(dir, c -> c.withHttp(c.http().withConnections(limits.apply(c.http().connections()))));
  }

  private int port() {
    return d.daemon.address().getPort();
  }

  private RawHttp open(String from) throws Exception {
    RawHttp s = new RawHttp(port(), from);
    sockets.add(s);
    return s;
  }

  @AfterEach
  void stop() throws Exception {
    for (RawHttp s : sockets) {
      s.close();
    }
    if (d != null) {
      d.close();
    }
  }

  @Test
  void aPartialRequestHeadIsClosedAfterTheHeaderTimeout() throws Exception {
    start(l -> l.withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(60)));
    RawHttp slow = open("127.0.0.1").send("GET /api/v1/domains HTTP/1.1\r\nHost: x\r\nX-Slow: 1");
    long t0 = System.nanoTime();
    assertThat(slow.closedByServer()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(300), WAIT);

    // After a response, the next head has the header timeout from its first byte, not the idle timeout.
    RawHttp keep = open("127.0.0.1").send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(keep.read().status()).isEqualTo(200);
    keep.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    t0 = System.nanoTime();
    assertThat(keep.closedByServer()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(WAIT);
  }

  @Test
  void aTlsConnectionWithoutHandshakeOrWithAPartialHeadIsClosedAfterTheHeaderTimeout() throws Exception {
    TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
    TlsSettings tls = new TlsSettings(pki.serverCert, pki.serverKey, null, List.of());
    d = FakeDaemon.start(dir.resolve("store"), new FakeDomainSource(), c -> c.withAccess(c.access().withTls(tls))
        .withHttp(c.http().withConnections(c.http().connections().withTimeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(60)))), "https"); // 2 s: a JVM's first handshake is slow
    RawHttp noHandshake = open("127.0.0.1");
    assertThat(noHandshake.closedByServer()).isTrue();

    try (SSLSocket s = (SSLSocket) pki.sslContext(null).getSocketFactory().createSocket("127.0.0.1", port())) {
      s.setSoTimeout(30_000);
      s.startHandshake();
      s.getOutputStream().write("GET /api/v1/domains HTTP/1.1\r\nHost: x\r\n".getBytes());
      s.getOutputStream().flush();
      long t0 = System.nanoTime();
      assertThat(s.getInputStream().read()).as("closed, no answer").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(WAIT);
    }
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeoutButAWatchIsNot() throws Exception {
    start(l -> l.withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(500)));
    RawHttp watch = open("127.0.0.1").send("GET /api/v1/domains?watch=true HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(watch.read().status()).isEqualTo(200);
    RawHttp idle = open("127.0.0.1").send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(idle.read().status()).isEqualTo(200);
    assertThat(idle.closedByServer()).isTrue();
    // Three idle timeouts later the watch still holds its connection (and only it).
    await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> d.daemon.http().openConnections() == 1);
    d.source.defineTiny("late");
    assertThat(watch.socket().getInputStream().read()).as("the watch still streams").isGreaterThanOrEqualTo(0);
  }

  @Test
  void aRequestBeingAnsweredIsNotIdleButAStalledBodyIs() throws Exception {
    start(l -> l.withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300)));
    // Waits ~3 s (--too-large-wait) for a revision the store has not reached: ten idle timeouts.
    RawHttp waiting = open("127.0.0.1").send("GET /api/v1/domains?resourceVersion=999999 HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(waiting.read().status()).as("answered, not cut off").isEqualTo(504);

    RawHttp stalled = open("127.0.0.1").send("PUT /api/v1/domains/web HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/xml\r\nContent-Length: 100\r\n\r\n<domain>");
    long t0 = System.nanoTime();
    assertThat(stalled.closedByServer()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(WAIT);
  }

  @Test
  void pastTheLimitOnlyHealthIsAnsweredThenConnectionsAreRefused() throws Exception {
    start(l -> l.withMaxConnections(5, 0, 2));
    for (int i = 0; i < 5; i++) {
      open("127.0.0.1");
    }
    await().atMost(WAIT).until(() -> d.daemon.http().openConnections() == 5);

    RawHttp.Response list = open("127.0.0.1").send("GET /api/v1/domains HTTP/1.1\r\nHost: x\r\n\r\n").read();
    assertStatus(list, 503, "ServiceUnavailable", "too many connections to the HTTP listener (at most 5)");
    assertThat(list.headers()).containsEntry("retry-after", "1").containsEntry("connection", "close");
    RawHttp health = open("127.0.0.1").send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    RawHttp.Response ok = health.read();
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.headers()).containsEntry("connection", "close");
    assertThat(health.closedByServer()).isTrue();

    open("127.0.0.1");
    open("127.0.0.1"); // the reserve is full
    await().atMost(WAIT).until(() -> d.daemon.http().openConnections() == 7);
    RawHttp refused = open("127.0.0.1");
    assertStatus(refused.read(), 503, "ServiceUnavailable", "only /healthz and /readyz are answered now");
    assertThat(refused.closedByServer()).isTrue();

    sockets.get(0).close();
    await().atMost(WAIT).until(() -> d.daemon.http().openConnections() == 6);
    assertThat(open("127.0.0.1").send("GET /api/v1/domains HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
        .as("a slot freed is a slot to use").isEqualTo(200);
  }

  @Test
  void theLimitPerAddressLeavesOtherAddressesAlone() throws Exception {
    start(l -> l.withMaxConnections(100, 3, 1));
    for (int i = 0; i < 3; i++) {
      open("127.0.0.2");
    }
    await().atMost(WAIT).until(() -> d.daemon.http().openConnections() == 3);
    assertStatus(open("127.0.0.2").send("GET /api/v1/domains HTTP/1.1\r\nHost: x\r\n\r\n").read(), 503,
        "ServiceUnavailable", "3 per client address");
    assertThat(open("127.0.0.3").send("GET /api/v1/domains HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
        .isEqualTo(200);
  }
}
