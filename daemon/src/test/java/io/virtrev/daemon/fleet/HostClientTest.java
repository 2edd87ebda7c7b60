package io.virtrev.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.api.ApiException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostClientTest {
  @TempDir
  Path dir;

  @Test
  void theGatewaysTokenIsNeverSentOverPlainHttpOffThisMachine() throws Exception {
    HostClient client = new HostClient(new HostCredentials(Files.writeString(dir.resolve("t"), "gw-secret\n"), null,
        null, null), Duration.ofSeconds(2));
    // 192.0.2.1 (TEST-NET-1) is never reached: refused before anything is sent.
    assertThatThrownBy(() -> client.send("http://192.0.2.1:8474", "GET", "/readyz", null, Map.of(), null)
        .get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ApiException.class)
        .hasMessageContaining("plain http").hasMessageContaining("192.0.2.1");

    // Over loopback the token goes (a host on this machine), and the host sees it.
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<HostClient.Answer> answer = client.send("http://127.0.0.1:" + server.getLocalPort(), "GET",
          "/readyz", null, Map.of(), null);
      try (Socket s = server.accept()) {
        byte[] head = new byte[4096];
        int n = s.getInputStream().read(head);
        assertThat(new String(head, 0, n, StandardCharsets.ISO_8859_1)).contains("Authorization: Bearer gw-secret");
        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            .getBytes(StandardCharsets.ISO_8859_1));
      }
      assertThat(answer.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  void withoutATokenPlainHttpHostsAreReached() {
    HostClient anonymous = new HostClient(new HostCredentials(null, null, null, null), Duration.ofMillis(300));
    // Not refused for being http: it tries (and, nothing listening there, fails otherwise).
    assertThatThrownBy(() -> anonymous.send("http://192.0.2.1:8474", "GET", "/readyz", null, Map.of(), null)
        .get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(Exception.class)
        .satisfies(e -> assertThat(e.getCause()).isNotInstanceOf(ApiException.class));
  }

  @Test
  void loopbackIsDecidedFromTheUrlAlone() {
    assertThat(HostClient.loopback("127.0.0.1")).isTrue();
    assertThat(HostClient.loopback("localhost")).isTrue();
    assertThat(HostClient.loopback("[::1]")).isTrue();
    assertThat(HostClient.loopback("10.0.0.5")).isFalse();
    assertThat(HostClient.loopback("host.example")).isFalse();
  }
}
