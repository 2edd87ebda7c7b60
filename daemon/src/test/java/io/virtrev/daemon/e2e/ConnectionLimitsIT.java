package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.daemon.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon with small connection limits, on libvirt's in-process test driver: idle
 * connections up to the per-address limit, then only health is answered (from the reserve), then new
 * connections get a fixed 503; other addresses are unaffected; a partial head is closed after the
 * header timeout. Client addresses are distinct loopback addresses (127.0.0.2, .3), so the test's own
 * API client on 127.0.0.1 holds none of the slots counted.
 */
class ConnectionLimitsIT {
  private static final String HEALTH = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String LIST = "GET /api/v1/domains HTTP/1.1\r\nHost: x\r\n\r\n";
  @TempDir Path dataDir;

  @Test
  void atTheLimitHealthStillAnswersAndSlowHeadsAreClosed() throws Exception {
    List<RawHttp> open = new ArrayList<>();
    try (DaemonProcess d = DaemonProcess.startOn("test:///default", dataDir, "--max-connections-per-address", "20",
        "--connection-reserve", "2", "--header-timeout", "2s", "--idle-timeout", "60s")) {
      for (int i = 0; i < 20; i++) { // 20 idle keep-alive connections: the limit of 127.0.0.2
        RawHttp c = new RawHttp(d.port, "127.0.0.2");
        open.add(c);
        RawHttp.Response r = c.send(HEALTH).read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("connection", "keep-alive");
      }

      try (RawHttp over = new RawHttp(d.port, "127.0.0.2")) {
        RawHttp.Response r = over.send(LIST).read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("retry-after", "1").containsEntry("connection", "close");
        assertThat(r.json().get("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(r.json().get("message").asText()).contains("20 per client address");
        assertThat(over.closedByServer()).isTrue();
      }
      try (RawHttp health = new RawHttp(d.port, "127.0.0.2")) {
        RawHttp.Response r = health.send(HEALTH).read();
        assertThat(r.status()).as("an operator's health check works at the limit").isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
        assertThat(health.closedByServer()).as("then the reserve slot is given back").isTrue();
      }

      // The reserve (2) full too: a new connection is answered a fixed 503 without being read, and closed.
      for (int i = 0; i < 2; i++) {
        open.add(new RawHttp(d.port, "127.0.0.2"));
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        try (RawHttp refused = new RawHttp(d.port, "127.0.0.2")) {
          RawHttp.Response r = refused.read();
          assertThat(r).isNotNull();
          assertThat(r.status()).isEqualTo(503);
          assertThat(r.json().get("message").asText()).contains("only /healthz and /readyz are answered now");
        }
      });
      RawHttp other = new RawHttp(d.port, "127.0.0.3");
      open.add(other);
      assertThat(other.send(LIST).read().status())
          .as("another client address is not limited").isEqualTo(200);

      // A slowloris head from another address: closed after the header timeout, unanswered.
      try (RawHttp slow = new RawHttp(d.port, "127.0.0.3")) {
        slow.send("GET /api/v1/domains HTTP/1.1\r\nHost: x\r\n");
        long t0 = System.nanoTime();
        assertThat(slow.closedByServer()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
      }
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
  }
}
