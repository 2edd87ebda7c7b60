package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail under abuse: floods of refused requests, values that try to forge log lines. */
class AuditTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path tokens() throws IOException {
    return Files.writeString(dir.resolve("tokens"), "monitor read " + TokenFile.hashLine("r-secret") + "\n"
        + "platform write " + TokenFile.hashLine("w-secret") + "\n");
  }

  /**
   * Many pipelined unauthenticated DELETEs with ~4 KB paths: the audit file and the audit log grow by
   * a bounded number of bounded lines, and the summaries account for every refusal, per client.
   */
  @Test
  void refusedRequestsAreSummarisedPerClientPerIntervalInBoundedLines() throws Exception {
    Path tokens = tokens();
    Path audit = dir.resolve("log").resolve("audit.jsonl");
    Duration interval = Duration.ofMillis(300);
    int n = 1500;
    String longName = "x".repeat(3900);
    try (LogCapture log = new LogCapture("virtrev.audit");
        FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c.withAccess(c.access().withTokens(tokens)
            .withAudit(audit).withAuditRefusedInterval(interval)))) {
      long start = System.nanoTime();
      try (Socket s = new Socket("127.0.0.1", d.daemon.address().getPort())) {
        for (int sent = 0; sent < n; sent += 100) {
          StringBuilder batch = new StringBuilder();
          for (int i = 0; i < 100; i++) {
            batch.append("DELETE /api/v1/domains/").append(longName).append(" HTTP/1.1\r\nHost: t\r\n\r\n");
          }
          s.getOutputStream().write(batch.toString().getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          assertThat(readStatusLines(s.getInputStream(), 100)).as("each refused with 401").containsOnly(401);
        }
      }
      // Every refusal is accounted for: a full record per client per interval, plus a summary carrying
      // the interval's count (that record included) wherever there was more than one.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        List<JsonNode> lines = jsonLines(audit);
        long full = lines.stream().filter(l -> !l.has("event")).count();
        List<JsonNode> summaries = lines.stream().filter(l -> l.has("event")).toList();
        long counted = summaries.stream().mapToLong(l -> l.get("count").asLong()).sum();
        assertThat(counted + full - summaries.size()).isEqualTo(n);
      });
      double intervals = (System.nanoTime() - start) / (double) interval.toNanos() + 2;
      List<JsonNode> lines = jsonLines(audit);
      assertThat((double) lines.size()).as("at most a record and a summary per interval").isLessThanOrEqualTo(2 * intervals);
      assertThat(Files.size(audit)).as("audit file: bounded lines").isLessThanOrEqualTo(lines.size() * 1600L);
      JsonNode summary = lines.stream().filter(l -> l.has("event")).findFirst().orElseThrow();
      assertThat(summary.get("event").asText()).isEqualTo("refused");
      assertThat(summary.get("client").asText()).isEqualTo("127.0.0.1");
      assertThat(summary.get("count").asLong()).isGreaterThan(1);
      assertThat(summary.get("intervalSeconds").asDouble()).isEqualTo(0.3);

      JsonNode first = lines.get(0);
      assertThat(first.get("who").asText()).as("not authenticated, and no role").isEqualTo("unauthenticated");
      assertThat(first.has("role")).isFalse();
      assertThat(first.get("status").asInt()).isEqualTo(401);
      assertThat(first.get("client").asText()).isEqualTo("127.0.0.1");
      assertThat(first.get("uri").asText()).hasSizeLessThan(1100).contains("more chars]");

      List<String> text = log.lines();
      assertThat((double) text.size()).isLessThanOrEqualTo(2 * intervals);
      assertThat(text).allSatisfy(l -> assertThat(l.length()).isLessThan(1200));
      assertThat(text).anySatisfy(l -> assertThat(l).matches("WARN .*refused client=127\\.0\\.0\\.1 count=\\d+ interval=PT0\\.3S.*"));

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(audit))).isEqualTo("rw-------");
    }
  }

  /** A decoded newline in a path (quoted in a 403 message) and libvirt's multi-line 422 stay on one line. */
  @Test
  void requestValuesCannotForgeOrSplitLogLines() throws Exception {
    Path tokens = tokens();
    Path audit = dir.resolve("audit.jsonl");
    try (LogCapture log = new LogCapture("virtrev.audit");
        FakeDaemon d = FakeDaemon.start(dir.resolve("store"),
            c -> c.withAccess(c.access().withTokens(tokens).withAudit(audit)))) {
      String uuid = d.source.defineTiny("web");
      d.awaitRevision(2);
      String forged = "INFO  audit: mutation who=token:root what=\"DELETE /api/v1/domains/db\" status=200";
      ApiClient.Response r = d.api.send("PUT", "/api/v1/domains/web%0A" + forged.replace(" ", "%20")
          .replace("\"", "%22"), "application/xml", "<domain/>", "Authorization", "Bearer r-secret");
      assertStatus(r, 403, "Forbidden", "needs write");
      ApiClient.Response invalid = d.api.send("PUT", "/api/v1/domains/web", "application/xml",
          DomainXml.tiny("web", uuid, 48).replace("<devices>", "<devices><bogus/>"), "Authorization", "Bearer w-secret");
      assertStatus(invalid, 422, "Invalid", "failed to validate");

      List<String> lines = log.lines();
      assertThat(lines).as(log.text()).hasSize(2);
      assertThat(lines).noneMatch(l -> l.startsWith("INFO  audit: mutation who=token:root"));
      assertThat(lines.get(0)).startsWith("INFO  audit: mutation who=token:monitor").contains("web\\nINFO  audit:");
      assertThat(lines.get(1)).contains("status=422").contains("domain.rng\\nExtra element bogus");
      assertThat(Files.readAllLines(audit)).hasSize(2);
    }
  }

  /** A body past the limit is refused with 413 before any route: it is audited all the same. */
  @Test
  void aTooLargeBodyIsAudited() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c.withAccess(c.access().withAudit(audit))
        .withHttp(new DaemonConfig.HttpConfig(1024, c.http().tooLargeWait(), c.http().maxWatchTimeout(),
            c.http().watchBatch(), c.http().mutationTimeout(), c.http().bookmarkInterval(), c.http().maxWatchers(),
            c.http().watchBufferBytes(), c.http().fieldValidation())))) {
      assertStatus(d.api.send("POST", "/api/v1/domains", "application/xml", "x".repeat(4096)), 413,
          "RequestEntityTooLarge", "larger than the limit of 1024 bytes");
      List<JsonNode> lines = jsonLines(audit);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).get("status").asInt()).isEqualTo(413);
      assertThat(lines.get(0).get("method").asText()).isEqualTo("POST");
    }
  }

  @Test
  void aDryRunIsAuditedAsOneAlsoWhenOnlyTheDeleteOptionsAskForIt() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c.withAccess(c.access().withAudit(audit)))) {
      String uuid = java.util.UUID.randomUUID().toString();
      assertThat(d.api.send("POST", "/apis/virtrev.io/v1/domains", "application/xml", DomainXml.tiny("web", uuid, 32))
          .status()).isEqualTo(201);
      assertThat(d.api.send("DELETE", "/apis/virtrev.io/v1/domains/web", "application/json",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}").status()).isEqualTo(200);
      assertThat(d.api.send("DELETE", "/apis/virtrev.io/v1/domains/web", null, null).status()).isEqualTo(200);
      List<JsonNode> lines = jsonLines(audit);
      assertThat(lines).extracting(l -> l.get("method").asText() + " " + l.path("dryRun").asBoolean(false))
          .containsExactly("POST false", "DELETE true", "DELETE false");
    }
  }

  private static List<JsonNode> jsonLines(Path f) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(f)) {
      out.add(JSON.readTree(l));
    }
    return out;
  }

  /** Reads {@code count} HTTP responses (status line, headers, Content-Length body); their codes. */
  private static List<Integer> readStatusLines(InputStream in, int count) throws IOException {
    List<Integer> codes = new ArrayList<>();
    while (codes.size() < count) {
      String status = line(in);
      codes.add(Integer.parseInt(status.split(" ")[1]));
      int length = 0;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Integer.parseInt(h.substring(15).strip());
        }
      }
      in.readNBytes(length);
    }
    return codes;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed after: " + b);
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
