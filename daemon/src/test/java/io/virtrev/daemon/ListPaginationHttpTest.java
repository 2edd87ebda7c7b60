package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limit} + {@code continue} over 3,000 domains while changes are committed between pages: the
 * concatenated pages are exactly the state at the first page's revision.
 */
class ListPaginationHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int N = 3000;
  @TempDir Path dir;
  private FakeDaemon d;
  private final List<String> uuids = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
    for (int i = 0; i < N; i++) {
      uuids.add(d.source.defineTiny(String.format("vm-%05d", i)));
    }
    await().atMost(WAIT).until(() -> d.daemon.store().snapshot().size() == N);
    await().atMost(WAIT).until(() -> d.daemon.reconciler().readiness().ready());
  }

  @AfterEach
  void stop() {
    d.close();
  }

  @Test
  void aLargeListIsGzippedOnlyWhenTheClientAcceptsGzipAndDecodesToTheSameBody() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI uri = d.api.base().resolve("/api/v1/domains");
    java.net.http.HttpResponse<byte[]> plain = http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(plain.body().length).as("the list is above the 128 KiB threshold").isGreaterThan(128 * 1024);
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    assertThat(plain.headers().firstValue("vary")).contains("accept-encoding");

    for (String accept : List.of("gzip", "deflate, gzip;q=0.5", "*")) {
      java.net.http.HttpResponse<byte[]> gz = http.send(java.net.http.HttpRequest.newBuilder(uri)
          .header("Accept-Encoding", accept).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(gz.headers().firstValue("content-encoding")).as(accept).contains("gzip");
      assertThat(gz.body().length).as("compressed").isLessThan(plain.body().length / 4);
      byte[] decoded = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body())).readAllBytes();
      assertThat(decoded).as(accept).isEqualTo(plain.body());
    }
    for (String accept : List.of("gzip;q=0", "identity", "br")) {
      java.net.http.HttpResponse<byte[]> r = http.send(java.net.http.HttpRequest.newBuilder(uri)
          .header("Accept-Encoding", accept).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.headers().firstValue("content-encoding")).as(accept).isEmpty();
      assertThat(r.body()).as(accept).isEqualTo(plain.body());
    }
    // A small answer is never compressed, and a limited page (not memoized) is compressed on the fly.
    java.net.http.HttpResponse<byte[]> small = http.send(java.net.http.HttpRequest.newBuilder(
        d.api.base().resolve("/api/v1/domains?limit=5")).header("Accept-Encoding", "gzip").build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(small.headers().firstValue("content-encoding")).isEmpty();
    java.net.http.HttpResponse<byte[]> page = http.send(java.net.http.HttpRequest.newBuilder(
        d.api.base().resolve("/api/v1/domains?limit=2000")).header("Accept-Encoding", "gzip").build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(page.headers().firstValue("content-encoding")).contains("gzip");
    JsonNode pageJson = io.virtrev.api.Json.mapper().readTree(
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(page.body())));
    assertThat(pageJson.get("items").size()).isEqualTo(2000);
  }

  @Test
  void pagesOfThousandsOfDomainsAreOneSnapshotWhileChangesAreCommittedBetweenPages() {
    JsonNode full = ok(d.api.get("/api/v1/domains"));
    List<JsonNode> paged = new ArrayList<>();
    String rv = null;
    String token = null;
    int pages = 0;
    int change = 0;
    List<Long> millis = new ArrayList<>();
    do {
      long t0 = System.nanoTime();
      JsonNode page = ok(d.api.get("/api/v1/domains?limit=400" + (token == null ? "" : "&continue=" + token)));
      millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      if (rv == null) {
        rv = page.at("/metadata/resourceVersion").asText();
        assertThat(rv).isEqualTo(full.at("/metadata/resourceVersion").asText());
      }
      assertThat(page.at("/metadata/resourceVersion").asText()).isEqualTo(rv);
      page.get("items").forEach(paged::add);
      token = page.at("/metadata/continue").isMissingNode() ? null : page.at("/metadata/continue").asText();
      if (token != null) {
        assertThat(page.at("/metadata/remainingItemCount").asLong()).isEqualTo(N - paged.size());
        // Change things on both sides of the cursor: edits, starts, deletes, and new domains.
        long before = d.revision();
        for (int k = 0; k < 25; k++, change++) {
          String u = uuids.get((change * 7919) % N);
          switch (change % 4) {
            case 0 -> d.source.redefine(u, 64 + change);
            case 1 -> d.source.start(u);
            case 2 -> d.source.undefine(u);
            default -> d.source.defineTiny(String.format("vm-%05d-new", change));
          }
        }
        await().atMost(WAIT).until(() -> d.revision() > before);
      }
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo((N + 399) / 400);
    assertThat(d.revision()).isGreaterThan(Long.parseLong(rv));
    assertThat(paged).containsExactlyElementsOf(full.get("items"));
    System.out.printf("paged list of %d domains, 400 per page: page times %s ms%n", N, millis);
  }

  @Test
  void aFieldSelectorAppliesToEveryPage() {
    for (int i = 0; i < N; i += 3) {
      d.source.start(uuids.get(i));
    }
    await().atMost(WAIT).until(() -> d.daemon.store().snapshot().items().stream()
        .filter(x -> x.status().state().equals("running")).count() == N / 3);
    String sel = URLEncoder.encode("status.state=running", StandardCharsets.UTF_8);
    JsonNode full = ok(d.api.get("/api/v1/domains?fieldSelector=" + sel));
    List<JsonNode> paged = new ArrayList<>();
    String token = null;
    int k = 0;
    do {
      JsonNode page = ok(d.api.get("/api/v1/domains?limit=150&fieldSelector=" + sel
          + (token == null ? "" : "&continue=" + token)));
      page.get("items").forEach(paged::add);
      assertThat(page.at("/metadata/remainingItemCount").isMissingNode()).isTrue();
      token = page.at("/metadata/continue").isMissingNode() ? null : page.at("/metadata/continue").asText();
      long before = d.revision();
      d.source.start(uuids.get(3 * k + 1)); // more running domains, after the first page's revision
      d.source.destroy(uuids.get(3 * k++));
      await().atMost(WAIT).until(() -> d.revision() >= before + 2);
    } while (token != null);
    assertThat(paged).hasSize(N / 3).containsExactlyElementsOf(full.get("items"));
  }

  private static JsonNode ok(ApiClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }
}
