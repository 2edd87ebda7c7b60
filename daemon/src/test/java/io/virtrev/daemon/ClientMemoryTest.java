package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.DomainXml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one client can make the server hold: a watcher that never reads, a pipeline of large requests. */
class ClientMemoryTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int DESCRIPTION = 100_000;
  @TempDir Path dir;

  private static String large(String name, String uuid, char fill) {
    char[] text = new char[DESCRIPTION];
    Arrays.fill(text, fill);
    return DomainXml.tiny(name, uuid, 32).replace("</domain>", "<description>" + new String(text)
        + "</description></domain>");
  }

  /**
   * Watchers that never read, of 30 domains of ~100 KB (their initial ADDED events) and then 12 large
   * revisions: none holds more than its buffer (64 KiB) plus one event unsent in the server.
   */
  @Test
  void aWatcherThatNeverReadsHoldsItsBufferPlusOneEvent() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      List<String> uuids = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        String uuid = UUID.randomUUID().toString();
        d.source.define(large("big-" + i, uuid, 'a'), false);
        uuids.add(uuid);
      }
      d.awaitRevision(31);
      long bound = d.daemon.store().snapshot().items().stream().mapToLong(x -> x.spec().xml().length()).max()
          .orElseThrow() * 2 + 64 * 1024; // one event (the XML and its escaped copy at most) plus the buffer
      List<RawWatch> watchers = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          watchers.add(new RawWatch(d.daemon.address().getPort(), "/api/v1/domains?watch=true"));
        }
        await().atMost(WAIT).until(() -> d.daemon.http().largestWriteBacklog() > 0);
        await().during(Duration.ofSeconds(1)).atMost(WAIT)
            .until(() -> d.daemon.http().largestWriteBacklog() <= bound);
        for (int i = 0; i < 12; i++) {
          d.source.define(large("big-" + i, uuids.get(i), 'b'), false);
        }
        d.awaitRevision(43);
        await().during(Duration.ofSeconds(1)).atMost(WAIT)
            .until(() -> d.daemon.http().largestWriteBacklog() <= bound);
      } finally {
        for (RawWatch w : watchers) {
          w.close();
        }
      }
    }
  }

  /**
   * 64 pipelined 1 MB requests behind one that waits 3 s: the server reads two waiting (the limit) and
   * stops, so when the first answer comes the client has not got far with its 64 MB.
   */
  @Test
  void pipelinedRequestsPastTheLimitAreNotRead() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c.withHttp(c.http().withConnections(
        c.http().connections().withMaxPipelined(2))));
        RawHttp c = new RawHttp(d.daemon.address().getPort())) {
      c.send("GET /api/v1/domains?resourceVersion=999999 HTTP/1.1\r\nHost: x\r\n\r\n");
      byte[] body = new byte[1_000_000];
      Arrays.fill(body, (byte) 'x');
      byte[] head = ("PUT /api/v1/domains/nope HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      AtomicLong written = new AtomicLong();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < 64; i++) {
            c.send(head).send(body);
            written.addAndGet(head.length + body.length);
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      writer.start();
      RawHttp.Response first = c.read();
      assertThat(first.status()).isEqualTo(504);
      assertThat(written.get()).as("bytes the client got to send while the first request waited")
          .isLessThan(32_000_000L);
      c.close();
      writer.join(WAIT.toMillis());
    }
  }
}
