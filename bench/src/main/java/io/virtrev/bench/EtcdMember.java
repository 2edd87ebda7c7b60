package io.virtrev.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One etcd member of the fleet benchmark's own (Debian's etcd-server), on free ports with the fleet's
 * sizing flags ({@code --max-txn-ops 100000 --max-request-bytes 33554432}, as scripts/etcd.sh), read
 * over etcd's JSON gRPC gateway and its Prometheus metrics (no client library: the bench measures the
 * daemon's jetcd, not its own). {@link #pause()}/{@link #resume()} freeze it with SIGSTOP/SIGCONT, which
 * is how the mirror-throughput rows build a backlog the mirrors then drain.
 */
final class EtcdMember implements AutoCloseable {
  private final Process process;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final int clientPort;
  final String endpoint;

  private EtcdMember(Process process, int clientPort) {
    this.process = process;
    this.clientPort = clientPort;
    this.endpoint = "http://127.0.0.1:" + clientPort;
  }

  static EtcdMember start(Path dataDir, Path log) throws IOException, InterruptedException {
    int client = freePort();
    int peer = freePort();
    String peerUrl = "http://127.0.0.1:" + peer;
    Process p = new ProcessBuilder("etcd", "--name", "fleet-bench", "--data-dir", dataDir.toString(),
        "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
        "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
        "--initial-cluster", "fleet-bench=" + peerUrl, "--max-txn-ops", "100000",
        "--max-request-bytes", "33554432", "--quota-backend-bytes", Long.toString(8L << 30))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    EtcdMember m = new EtcdMember(p, client);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end && p.isAlive()) {
      try {
        if (m.get("/health").contains("true")) {
          return m;
        }
      } catch (UncheckedIOException notYet) {
        // not listening yet
      }
      Ctx.sleep(100);
    }
    m.close();
    throw new IllegalStateException("etcd did not become healthy within 30 s; see " + log);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  long pid() {
    return process.pid();
  }

  void pause() {
    signal("STOP");
  }

  void resume() {
    signal("CONT");
  }

  private void signal(String sig) {
    try {
      int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor();
      if (rc != 0) {
        throw new IllegalStateException("kill -" + sig + " " + process.pid() + " -> " + rc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The Prometheus metrics without labels, by name. */
  Map<String, Double> metrics() {
    Map<String, Double> m = new HashMap<>();
    for (String line : get("/metrics").split("\n")) {
      if (line.startsWith("#") || line.contains("{")) {
        continue;
      }
      int sp = line.lastIndexOf(' ');
      if (sp > 0) {
        try {
          m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        } catch (NumberFormatException ignored) {
          // not a sample
        }
      }
    }
    return m;
  }

  /** Each host's mirrored revision: the {@code revision} of {@code /virtrev/v1/hosts/<host>/progress}. */
  Map<String, Long> progress() {
    Map<String, Long> out = new HashMap<>();
    String prefix = "/virtrev/v1/hosts/";
    for (JsonNode kv : range(prefix).path("kvs")) {
      String key = new String(Base64.getDecoder().decode(kv.get("key").asText()), StandardCharsets.UTF_8);
      if (key.endsWith("/progress")) {
        String host = key.substring(prefix.length(), key.length() - "/progress".length());
        try {
          JsonNode v = Json.mapper().readTree(Base64.getDecoder().decode(kv.get("value").asText()));
          out.put(host, v.path("revision").asLong());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return out;
  }

  /** How many keys start with {@code prefix}, and etcd's current revision. */
  long[] count(String prefix) {
    JsonNode r = range(prefix, true);
    return new long[] {r.path("count").asLong(0), r.path("header").path("revision").asLong()};
  }

  private JsonNode range(String prefix) {
    return range(prefix, false);
  }

  private JsonNode range(String prefix, boolean countOnly) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    end[end.length - 1]++;
    String body = "{\"key\":\"" + b64(prefix.getBytes(StandardCharsets.UTF_8)) + "\",\"range_end\":\"" + b64(end) + "\""
        + (countOnly ? ",\"count_only\":true" : "") + "}";
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/v3/kv/range"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("etcd range " + prefix + " -> " + r.statusCode() + " " + r.body());
      }
      return Json.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private String get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        resume(); // a stopped process does not act on SIGTERM until continued
      } catch (RuntimeException ignored) {
        // gone meanwhile
      }
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The etcd command line the bench uses, for the notes. */
  static List<String> flags() {
    return List.of("--max-txn-ops 100000", "--max-request-bytes 33554432", "single member, data dir on the work disk");
  }
}
