package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon under requests with random methods and random paths, unauthenticated: the number
 * of {@code virtrev_http_*} series and the size of /metrics stay under small fixed bounds, because every
 * label comes from a closed set. Runs on libvirt's in-process test driver (no libvirtd needed).
 */
class MetricsCardinalityIT {
  private static final int REQUESTS = 3000;
  /**
   * Each label set is 17 lines (13 buckets, +Inf, count, sum, max); the requests below reach about 18
   * label sets (measured: 306 lines, 42 KB of /metrics in all; before the labels were closed: 35,819
   * lines). The bound leaves room for other codes, not for growth with the number of requests.
   */
  private static final int MAX_HTTP_SERIES = 600;
  private static final int MAX_METRICS_BYTES = 128 * 1024;
  /** Path characters, '%' included: some paths have escapes that do not decode, which must get an answer too. */
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%";

  @TempDir Path dataDir;

  @Test
  void randomMethodsAndPathsDoNotGrowTheMetrics() throws Exception {
    Random rnd = new Random(42);
    try (DaemonProcess d = DaemonProcess.startOn("test:///default", dataDir)) {
      for (int i = 0; i < REQUESTS; i++) {
        String status = exchange(d.port, method(rnd) + " " + path(rnd) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(status).as("request %d", i).startsWith("HTTP/1.1 ");
      }
      String metrics = d.api.get("/metrics").body();
      long httpSeries = metrics.lines().filter(l -> l.startsWith("virtrev_http_")).count();
      assertThat(httpSeries).as("virtrev_http_* series after %d random requests", REQUESTS)
          .isPositive().isLessThanOrEqualTo(MAX_HTTP_SERIES);
      assertThat(metrics.getBytes(StandardCharsets.UTF_8).length).as("/metrics bytes").isLessThan(MAX_METRICS_BYTES);
      assertThat(metrics).contains("route=\"other\"").contains("method=\"other\"")
          .contains("route=\"/api/v1/domains/{id}\"");
    }
  }

  /** A known method one time in four, else a random token. */
  private static String method(Random rnd) {
    String[] known = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
    if (rnd.nextInt(4) == 0) {
      return known[rnd.nextInt(known.length)];
    }
    StringBuilder b = new StringBuilder();
    for (int i = 1 + rnd.nextInt(10); i > 0; i--) {
      b.append((char) ('A' + rnd.nextInt(26)));
    }
    return b.toString();
  }

  /** Random segments, half of them under the domains collection (where ids and sub-resources go). */
  private static String path(Random rnd) {
    StringBuilder b = new StringBuilder(rnd.nextBoolean() ? "/api/v1/domains" : "");
    for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
      b.append('/');
      for (int j = 1 + rnd.nextInt(12); j > 0; j--) {
        b.append(rnd.nextInt(3) == 0 ? (char) ('a' + rnd.nextInt(26)) : LETTERS.charAt(rnd.nextInt(LETTERS.length())));
      }
    }
    return b.toString();
  }

  /** Sends one raw request on a new loopback connection; the response's status line. */
  private static String exchange(int port, String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
        line.write(c);
      }
      return line.toString(StandardCharsets.US_ASCII).trim();
    }
  }
}
