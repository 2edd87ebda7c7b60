package io.virtrev.daemon;

import static io.virtrev.daemon.RawHttp.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket handshake ({@code Upgrade: websocket}, as fabric8 opens every watch by default) over a
 * real socket to the real server: a watch refuses it with a complete 200 carrying a Failure Status, so the
 * client falls back to an HTTP watch at once; other routes answer as usual. Both keep the connection in
 * HTTP.
 */
class WatchUpgradeHttpTest {
  private static final String HANDSHAKE = "Connection: Upgrade\r\nUpgrade: websocket\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  @TempDir Path dir;

  @Test
  void watchHandshakeGetsACompleteRefusalAndTheConnectionStaysHttp() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c);
        RawHttp c = new RawHttp(d.daemon.address().getPort())) {
      d.source.defineTiny("a");
      d.awaitRevision(2);
      for (String watch : new String[] {"/apis/virtrev.io/v1/domains?watch=true&allowWatchBookmarks=true",
          "/apis/virtrev.io/v1/domains/a?watch=true"}) {
        RawHttp.Response r = c.send("GET " + watch + " HTTP/1.1\r\nHost: x\r\n" + HANDSHAKE + "\r\n").read();
        assertRefusal(r);
      }
      // The same connection still speaks HTTP: the next request is answered normally.
      RawHttp.Response next = c.send("GET /apis/virtrev.io/v1/domains/a HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.json().at("/metadata/name").asText()).isEqualTo("a");
    }
  }

  @Test
  void handshakeTokensAreMatchedWithoutRegardToCaseOrPosition() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c);
        RawHttp c = new RawHttp(d.daemon.address().getPort())) {
      RawHttp.Response r = c.send("GET /apis/virtrev.io/v1/domains?watch=true HTTP/1.1\r\nHost: x\r\n"
          + "Connection: keep-alive, Upgrade\r\nUpgrade: h2c, WebSocket\r\n\r\n").read();
      assertRefusal(r);
    }
  }

  @Test
  void aWatchWithoutTheUpgradeStillStreams() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c);
        RawWatch w = new RawWatch(d.daemon.address().getPort(), "/apis/virtrev.io/v1/domains?watch=true")) {
      d.source.defineTiny("a");
      d.awaitRevision(2);
      w.readHead();
      assertThat(w.status).isEqualTo(200);
      w.readUntil(2);
      assertThat(w.events).extracting(e -> e.type() + " " + e.name()).containsExactly("ADDED a");
    }
  }

  @Test
  void anUpgradeToAnotherProtocolIsIgnoredAndTheWatchStreams() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c);
        RawHttp c = new RawHttp(d.daemon.address().getPort())) {
      RawHttp.Response head = c.send("GET /apis/virtrev.io/v1/domains?watch=true HTTP/1.1\r\nHost: x\r\n"
          + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
          .read();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.headers()).containsEntry("transfer-encoding", "chunked").doesNotContainKey("content-length");
    }
  }

  /** The refusal: 200, a complete JSON body that is a Failure Status (code 200) saying why. */
  private static void assertRefusal(RawHttp.Response r) {
    assertThat(r).as("an answer, not a hang").isNotNull();
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.headers()).as("a complete response, not a stream").containsKey("content-length")
        .doesNotContainKey("transfer-encoding").doesNotContainKey("upgrade");
    assertThat(r.headers().get("content-type")).isEqualTo("application/json");
    assertThat(r.json().path("kind").asText()).isEqualTo("Status");
    assertThat(r.json().path("status").asText()).isEqualTo("Failure");
    assertThat(r.json().path("code").asInt()).isEqualTo(200);
    assertThat(r.json().path("message").asText())
        .isEqualTo("this server streams watches over HTTP; WebSocket is not supported (Upgrade: websocket):"
            + " repeat the request without the Upgrade header");
  }

  @Test
  void handshakeOnOtherRoutesGetsTheirNormalCompleteAnswer() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c);
        RawHttp c = new RawHttp(d.daemon.address().getPort())) {
      d.source.defineTiny("a");
      d.awaitRevision(2);
      RawHttp.Response list = c.send("GET /apis/virtrev.io/v1/domains HTTP/1.1\r\nHost: x\r\n" + HANDSHAKE + "\r\n").read();
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.headers()).containsKey("content-length").doesNotContainKey("upgrade");
      assertThat(list.json().at("/items/0/metadata/name").asText()).isEqualTo("a");
      RawHttp.Response missing = c.send("GET /apis/virtrev.io/v1/domains/a/exec HTTP/1.1\r\nHost: x\r\n"
          + HANDSHAKE + "\r\n").read();
      assertStatus(missing, 404, "NotFound", "no such path: /apis/virtrev.io/v1/domains/a/exec");
      RawHttp.Response health = c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + HANDSHAKE + "\r\n").read();
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
    }
  }
}
