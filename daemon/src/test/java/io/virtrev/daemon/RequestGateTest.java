package io.virtrev.daemon;

import static io.virtrev.daemon.RawHttp.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.daemon.security.TokenFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a request head alone decides, over raw sockets: HTTP version, percent-encoding, HEAD on a
 * watch, and credentials and size before {@code 100 Continue} (or any body) is read.
 */
class RequestGateTest {
  @TempDir Path dir;
  private FakeDaemon d;

  @AfterEach
  void stop() {
    if (d != null) {
      d.close();
    }
  }

  private RawHttp connect() throws Exception {
    return new RawHttp(d.daemon.address().getPort());
  }

  @Test
  void badPercentEncodingIsA400NamingThePart() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
    try (RawHttp c = connect()) {
      assertStatus(c.send("GET /api/v1/domains/%zz HTTP/1.1\r\nHost: x\r\n\r\n").read(), 400, "BadRequest",
          "malformed percent-encoding in the path \"/api/v1/domains/%zz\"");
    }
    try (RawHttp c = connect()) {
      assertStatus(c.send("GET /api/v1/domains?%zz=1 HTTP/1.1\r\nHost: x\r\n\r\n").read(), 400, "BadRequest",
          "malformed percent-encoding in the query \"%zz=1\"");
    }
  }

  @Test
  void onlyHttp10And11AreSpoken() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
    try (RawHttp c = connect()) {
      RawHttp.Response r = c.send("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n").read();
      assertStatus(r, 505, "HTTPVersionNotSupported", "HTTP version HTTP/9.9 is not supported");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp c = connect()) {
      assertThat(c.send("GET /healthz HTTP/1.0\r\n\r\n").read().status()).isEqualTo(200);
    }
  }

  @Test
  void headCannotOpenAWatchNorHoldItsSlot() throws Exception {
    d = FakeDaemon.start(dir, c -> c.withHttp(c.http().withMaxWatchers(1)));
    try (RawHttp head = connect(); RawHttp get = connect()) {
      RawHttp.Response r = head.send("HEAD /api/v1/domains?watch=true HTTP/1.1\r\nHost: x\r\n\r\n").readHead();
      assertThat(r.status()).isEqualTo(405);
      assertThat(r.headers()).containsEntry("allow", "GET");
      assertThat(r.body()).as("HEAD: no body").isEmpty();
      assertThat(get.send("GET /api/v1/domains?watch=true HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
          .as("the one watcher slot is free").isEqualTo(200);
    }
  }

  @Test
  void credentialsAreCheckedBeforeContinueOrAnyBody() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "monitor read " + TokenFile.hashLine("r-secret") + "\n"
        + "platform write " + TokenFile.hashLine("w-secret") + "\n");
    d = FakeDaemon.start(dir.resolve("store"), c -> c.withAccess(c.access().withTokens(tokens)));
    String head = "PUT /api/v1/domains/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
        + "Content-Length: 1000000\r\n";
    try (RawHttp c = connect()) {
      RawHttp.Response r = c.send(head + "Expect: 100-continue\r\n\r\n").read();
      assertStatus(r, 401, "Unauthorized", "authentication required");
      assertThat(c.closedByServer()).as("closed, the body unread").isTrue();
    }
    try (RawHttp c = connect()) {
      assertStatus(c.send(head + "Authorization: Bearer r-secret\r\nExpect: 100-continue\r\n\r\n").read(), 403,
          "Forbidden", "needs write");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp c = connect()) {
      assertThat(c.send(head + "Authorization: Bearer w-secret\r\nExpect: 100-continue\r\n\r\n").read().status())
          .as("a writer is invited to send its body").isEqualTo(100);
    }
  }

  @Test
  void aBodyTooLargeForExpectContinueIsAStatus() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
    try (RawHttp c = connect()) {
      RawHttp.Response r = c.send("PUT /api/v1/domains/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
          + "Content-Length: 1048577\r\nExpect: 100-continue\r\n\r\n").read();
      assertStatus(r, 413, "RequestEntityTooLarge", "larger than the limit of 1048576 bytes");
      assertThat(c.closedByServer()).isTrue();
    }
  }
}
