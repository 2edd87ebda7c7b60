package io.virtrev.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What every benchmark gets: sizes, the report, a scratch directory, an HTTP client. */
final class Ctx {
  /** The domains collection: the group path kubectl and every Kubernetes client use. */
  static final String DOMAINS = "/apis/virtrev.io/v1/domains";

  /** Every size the run uses; {@link #quick()} shrinks them all but keeps every path. */
  record Sizes(int listSmall, int listLarge, int listIterations, int relistIterationsLarge, int qemuDomains,
      int[] watcherCounts, int latencyMutations, int fanoutWatchers, int fanoutRate, int fanoutSeconds,
      double commitSeconds, int commitWritersMany, int casIterations, int memDomains, int memRevisions,
      int memWatchers) {
    static Sizes full() {
      return new Sizes(1_000, 10_000, 30, 5, 200, new int[] {1, 100, 1_000}, 200, 1_000, 500, 60, 10, 64, 100,
          10_000, 100_000, 1_000);
    }

    static Sizes quick() {
      return new Sizes(100, 300, 5, 2, 10, new int[] {1, 10}, 10, 10, 50, 5, 1, 8, 5, 300, 3_000, 20);
    }
  }

  final Sizes sizes;
  final boolean quick;
  final Report report;
  final Path work;
  final Path repo;
  final String etcd;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Ctx(boolean quick, Report report, Path work, Path repo, String etcd) {
    this.quick = quick;
    this.sizes = quick ? Sizes.quick() : Sizes.full();
    this.report = report;
    this.work = work;
    this.repo = repo;
    this.etcd = etcd;
  }

  Path dir(String name) {
    try {
      return Files.createTempDirectory(work, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path log(String name) {
    return work.resolve(name + ".log");
  }

  DaemonProcess daemon(String source, String name) {
    // A JFR recording of every daemon under measurement (profile settings, dumped on exit): where its time
    // goes when a target is missed. Overhead ~1-2%.
    return new DaemonProcess(source, dir(name), log(name), List.of("-XX:StartFlightRecording=settings=profile,filename="
        + work.resolve(name + ".jfr") + ",dumponexit=true"));
  }

  HttpResponse<String> get(int port, String path) {
    return get(port, path, null);
  }

  /** A GET with this {@code Accept} (none if null). */
  HttpResponse<String> get(int port, String path, String accept) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    if (accept != null) {
      req.header("Accept", accept);
    }
    try {
      return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Time to the last byte of a GET, in nanoseconds; the body is read and dropped. */
  long timeGet(int port, String path) {
    return timed(() -> {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET()
          .build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " -> " + r.statusCode());
      }
    });
  }

  private interface HttpCall {
    void run() throws IOException, InterruptedException;
  }

  /** Nanoseconds {@code call} took. */
  private static long timed(HttpCall call) {
    long t0 = System.nanoTime();
    try {
      call.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return System.nanoTime() - t0;
  }

  /** As {@link #timeGet}, asking for gzip and decompressing the whole body (if the answer is gzipped). */
  long timeGetGzip(int port, String path) {
    return timeGetGzip(port, path, "application/json");
  }

  /** As {@link #timeGetGzip(int, String)} with this {@code Accept} (e.g. kubectl's, for a Table). */
  long timeGetGzip(int port, String path, String accept) {
    return timed(() -> {
      HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Accept-Encoding", "gzip").header("Accept", accept).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " (gzip) -> " + r.statusCode() + " " + r.headers().map());
      }
      // Answers under the daemon's 128 KiB threshold come uncompressed (quick runs' small lists).
      boolean gzip = r.headers().firstValue("content-encoding").orElse("").equals("gzip");
      try (java.io.InputStream in = gzip ? new java.util.zip.GZIPInputStream(r.body(), 64 * 1024) : r.body()) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    });
  }

  /** The list's item count and resourceVersion. */
  long[] listInfo(int port) {
    try {
      var j = io.virtrev.api.Json.mapper().readTree(get(port, DOMAINS).body());
      return new long[] {j.get("items").size(), Long.parseLong(j.get("metadata").get("resourceVersion").asText())};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the daemon's list holds at least {@code n} items; returns its resourceVersion. */
  long awaitItems(int port, long n, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (true) {
      if (get(port, "/readyz").statusCode() == 200) {
        long[] info = listInfo(port);
        if (info[0] >= n) {
          return info[1];
        }
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("daemon did not reach " + n + " domains within " + max);
      }
      sleep(200);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
