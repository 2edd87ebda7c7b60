package io.virtrev.bench;

import io.virtrev.api.Json;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.libvirt.Domain;

/**
 * Items 1 (list at 1,000 and 10,000), 2 (change latency) and 7 (startup), on libvirt's test driver
 * through the real libvirtd ({@code test+unix:///default}): the daemon and the baseline client talk to
 * the same libvirtd, whose test driver holds the domains (shared by every client while one is connected).
 */
final class TestDriverBenches {
  static final String URI = "test+unix:///default";

  private TestDriverBenches() {}

  /** {@code large}: also the list of 10,000 domains and the startup with them (items 1 and 7). */
  static void run(Ctx c, boolean large) throws Exception {
    Ctx.Sizes s = c.sizes;
    Report r = c.report;
    r.notes.add("Items 1, 2, 7 use libvirt's test driver through the real libvirtd (`" + URI + "`) for both sides: "
        + "the daemon (its own JVM, `Virtrevd.start` on `LibvirtDomainSource`, default config, fresh store) and "
        + "the baseline client (libvirt-java in the benchmark's JVM) reach the same libvirtd over its UNIX socket.");
    try (RawLibvirt raw = new RawLibvirt(URI)) {
      raw.cleanup();
      int base = raw.names().size();
      raw.defineTest(0, s.listSmall());
      Stats relistSmall;
      Stats relistLarge;
      try (DaemonProcess d = c.daemon(URI, "daemon-testdrv")) {
        c.awaitItems(d.port, base + s.listSmall(), Duration.ofMinutes(2));
        relistSmall = list(c, d, raw, base + s.listSmall(), s.listIterations(), s.listIterations(), 20.0);
        latency(c, d, raw, relistSmall);
        if (!large) {
          raw.cleanup();
          return;
        }
        raw.defineTest(s.listSmall(), s.listLarge());
        c.awaitItems(d.port, base + s.listLarge() + 1, Duration.ofMinutes(10));
        relistLarge = list(c, d, raw, base + s.listLarge() + 1, s.listIterations(), s.relistIterationsLarge(), 0);
      }
      startup(c, base + s.listLarge() + 1, relistLarge);
      raw.cleanup();
    }
  }

  /** What kubectl 1.32 sends for {@code kubectl get} (get.go, transformRequests). */
  private static final String KUBECTL_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,"
      + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

  /** Daemon list versus the direct relist, interleaved; returns the relist's stats. */
  private static Stats list(Ctx c, DaemonProcess d, RawLibvirt raw, int n, int iterations, int relists,
      double target) throws Exception {
    String served = c.get(d.port, Ctx.DOMAINS, KUBECTL_ACCEPT).headers().firstValue("content-type").orElse("none");
    if (!served.startsWith("application/json;as=Table;v=v1;g=meta.k8s.io")) {
      throw new IllegalStateException("kubectl's Accept got " + served + ", not a Table: the Table row would time JSON");
    }
    // Warm both sides (JIT, connections, caches) as a long-running daemon and a long-running client are.
    for (int i = 0; i < 8; i++) {
      c.timeGet(d.port, Ctx.DOMAINS);
      c.timeGetGzip(d.port, Ctx.DOMAINS);
      c.timeGetGzip(d.port, Ctx.DOMAINS, KUBECTL_ACCEPT);
      if (i < 3) {
        raw.relist();
      }
    }
    LongList daemon = new LongList();
    LongList gzipped = new LongList();
    LongList table = new LongList();
    LongList direct = new LongList();
    for (int i = 0; i < iterations; i++) {
      daemon.add(c.timeGet(d.port, Ctx.DOMAINS));
      gzipped.add(c.timeGetGzip(d.port, Ctx.DOMAINS));
      table.add(c.timeGetGzip(d.port, Ctx.DOMAINS, KUBECTL_ACCEPT));
      if (i < relists) {
        long t0 = System.nanoTime();
        raw.relist();
        direct.add(System.nanoTime() - t0);
      }
    }
    Stats ds = Stats.ofNanos(daemon.toArray());
    Stats gs = Stats.ofNanos(gzipped.toArray());
    Stats rs = Stats.ofNanos(direct.toArray());
    c.report.raw("list." + n + ".daemon", ds);
    c.report.raw("list." + n + ".daemonGzip", gs);
    Stats ts = Stats.ofNanos(table.toArray());
    c.report.raw("list." + n + ".directRelist", rs);
    c.report.raw("list." + n + ".daemonTable", ts);
    listRow(c, "list " + n + " domains: `GET /apis/virtrev.io/v1/domains` (test driver via libvirtd)", ds, "", rs, target,
        ds.n() + " lists, " + rs.n() + " relists, interleaved; time to the last byte of the body");
    listRow(c, "list " + n + " domains, `Accept-Encoding: gzip` (as client-go asks): `GET /apis/virtrev.io/v1/domains`", gs,
        " (body decompressed)", rs, target, gs.n() + " lists, interleaved with the plain ones; time to the last"
            + " decompressed byte");
    c.report.row("1", "list " + n + " domains as a Table, kubectl's request (`Accept: application/json;as=Table;v=v1;"
            + "g=meta.k8s.io,…`, gzip): `GET /apis/virtrev.io/v1/domains`",
        "p50 " + Report.num(ts.p50()) + " ms, p99 " + Report.num(ts.p99()) + " ms (body decompressed)",
        "the JSON list from the same daemon, gzip: p50 " + Report.num(gs.p50()) + " ms, p99 " + Report.num(gs.p99())
            + " ms",
        Report.ratio(ts.p50() / gs.p50()) + " the JSON list's time (p50)", "—", "",
        ts.n() + " Table lists interleaved with the JSON ones in the same run; both are memoized per revision (with"
            + " their gzip); kubectl 1.32's whole `Accept` (the Table v1, v1beta1, then JSON)");
    return rs;
  }

  private static void listRow(Ctx c, String what, Stats daemon, String figureNote, Stats relist, double target,
      String notes) {
    double ratio = relist.p50() / daemon.p50();
    c.report.row("1", what, "p50 " + Report.num(daemon.p50()) + " ms, p99 " + Report.num(daemon.p99()) + " ms"
            + figureNote,
        "direct relist (listAllDomains + getXMLDesc each): p50 " + Report.num(relist.p50()) + " ms, p99 "
            + Report.num(relist.p99()) + " ms",
        Report.ratio(ratio) + " faster", target > 0 ? ">= " + Report.num(target) + "x" : "—",
        target > 0 ? Report.met(ratio >= target) : "", notes);
  }

  private static void latency(Ctx c, DaemonProcess d, RawLibvirt raw, Stats relist) throws Exception {
    String name = RawLibvirt.PREFIX + "lat";
    Domain dom = raw.define(RawLibvirt.testXml(name, RawLibvirt.uuid(name), 64));
    dom.create();
    BlockingQueue<Long> rawEvents = raw.listen(name);
    int m = c.sizes.latencyMutations();
    Stats e2eOne = null;
    boolean paused = false;
    for (int w : c.sizes.watcherCounts()) {
      Ctx.sleep(500);
      long rv = c.listInfo(d.port)[1];
      long[][] seen = new long[w][m + 16];
      int[] count = new int[w];
      AtomicLong total = new AtomicLong();
      LongList rawLat = new LongList();
      LongList e2e = new LongList();
      LongList added = new LongList();
      int timeouts = 0;
      try (Watchers ws = new Watchers(d.port, w, Ctx.DOMAINS + "/" + name + "?watch=true&resourceVersion=" + rv,
          (id, r, nanos) -> {
            int k = count[id]++;
            if (k < seen[id].length) {
              seen[id][k] = nanos;
            }
            total.incrementAndGet();
          })) {
        Ctx.sleep(300);
        rawEvents.clear();
        long[] t0 = new long[m];
        long[] t1 = new long[m];
        for (int i = 0; i < m; i++) {
          Ctx.sleep(20);
          if (paused) {
            dom.resume();
          } else {
            dom.suspend();
          }
          t0[i] = System.nanoTime();
          paused = !paused;
          Long ev = rawEvents.poll(5, TimeUnit.SECONDS);
          t1[i] = ev == null ? Long.MIN_VALUE : ev;
          long want = (long) w * (i + 1);
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (total.get() < want && System.nanoTime() < end) {
            LockSupport.parkNanos(20_000);
          }
          if (total.get() < want) {
            timeouts++;
            break;
          }
          Ctx.sleep(5);
          rawEvents.clear();
        }
        Ctx.sleep(100);
        for (int i = 0; i < m; i++) {
          if (t0[i] == 0 || t1[i] == Long.MIN_VALUE) {
            continue;
          }
          rawLat.add(t1[i] - t0[i]);
          for (int k = 0; k < w; k++) {
            if (count[k] > i) {
              e2e.add(seen[k][i] - t0[i]);
              added.add(seen[k][i] - Math.max(t0[i], t1[i]));
            }
          }
        }
      }
      Stats rs = Stats.ofNanos(rawLat.toArray());
      Stats es = Stats.ofNanos(e2e.toArray());
      Stats as = Stats.ofNanos(added.toArray());
      if (e2eOne == null) {
        e2eOne = es;
      }
      c.report.raw("latency." + w + "w.rawEvent", rs);
      c.report.raw("latency." + w + "w.watcherEndToEnd", es);
      c.report.raw("latency." + w + "w.added", as);
      double target = w == 1 ? 5 : w >= 1000 ? 50 : Double.NaN;
      c.report.row("2", "change latency, " + w + " watcher" + (w > 1 ? "s" : "") + ": daemon's added p50 / p99",
          Report.num(as.p50()) + " / " + Report.num(as.p99()) + " ms (watcher end-to-end p50 "
              + Report.num(es.p50()) + ", p99 " + Report.num(es.p99()) + " ms)",
          "raw libvirt event listener: p50 " + Report.num(rs.p50()) + ", p99 " + Report.num(rs.p99()) + " ms",
          Report.ratio(es.p50() / Math.max(rs.p50(), 0.001)) + " (end-to-end p50 / raw p50)",
          Double.isNaN(target) ? "—" : "added p99 < " + (int) target + " ms",
          Double.isNaN(target) ? "" : Report.met(as.p99() < target),
          rs.n() + " suspend/resume; " + as.n() + " deliveries" + (timeouts > 0 ? "; TIMED OUT waiting" : ""));
    }
    reRead(c, name);
    double pollP50 = 500 + relist.p50();
    double pollP99 = 990 + relist.p99();
    c.report.raw("latency.poller1s", new double[] {pollP50, pollP99});
    c.report.row("2", "change latency, a 1 s poller instead (computed)",
        "daemon, 1 watcher, end-to-end: p50 " + Report.num(e2eOne.p50()) + ", p99 " + Report.num(e2eOne.p99()) + " ms",
        "poller: p50 " + Report.num(pollP50) + ", p99 " + Report.num(pollP99) + " ms",
        Report.ratio(pollP50 / e2eOne.p50()) + " faster", "—", "",
        "poller = uniform wait for the next tick (p50 500 ms, p99 990 ms) + one measured relist of the same "
            + c.sizes.listSmall() + " domains");
  }

  /**
   * The adapter's re-read of the running domain the latency rows change: its calls side by side (what
   * the daemon does) against the same calls one after the other, interleaved, through the same libvirtd.
   */
  private static void reRead(Ctx c, String name) throws Exception {
    int n = c.quick ? 50 : 1_000;
    c.report.notes.add("Item 2's re-read row: `io.virtrev.libvirt.ReReadTimes` in the bench module times the adapter's"
        + " `DomainReader.lookupAndRead` on its own connection to libvirtd, on a `ParallelCalls` pool as the daemon's"
        + " (calls side by side) and on the caller's thread alone (the same calls in turn), alternating, after "
        + n / 5 + " warm-up reads of each; the domain is the running one the latency rows suspend and resume.");
    io.virtrev.libvirt.ReReadTimes.Times t =
        io.virtrev.libvirt.ReReadTimes.measure(URI, RawLibvirt.uuid(name), n / 5, n);
    Stats cs = Stats.ofNanos(t.concurrent());
    Stats ss = Stats.ofNanos(t.sequential());
    c.report.raw("reread.concurrent", cs);
    c.report.raw("reread.sequential", ss);
    c.report.row("2", "re-read of one running domain by the adapter (lookup, then state, config XML, live XML,"
            + " persistence, autostart), calls side by side",
        "p50 " + Report.num(cs.p50()) + " ms, p99 " + Report.num(cs.p99()) + " ms",
        "the same calls one after the other: p50 " + Report.num(ss.p50()) + " ms, p99 " + Report.num(ss.p99()) + " ms",
        Report.ratio(ss.p50() / cs.p50()) + " (sequential p50 / side-by-side p50; > 1: side by side is faster)",
        "—", "",
        cs.n() + " of each, interleaved, on one connection to libvirtd (" + URI + "); after the latency rows");
  }

  private static void startup(Ctx c, int n, Stats relist) throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0)) {
      port = ss.getLocalPort();
    }
    Path dir = c.dir("startup");
    Path jar = c.repo.resolve("daemon/target/virtrevd.jar");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "--connect", URI, "--listen", "127.0.0.1:" + port, "--data-dir", dir.toString(),
        "--log-level", "warn"));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(c.log("startup").toFile())).start();
    double secs = Double.NaN;
    long items = -1;
    long rss = 0;
    try {
      long end = t0 + TimeUnit.MINUTES.toNanos(10);
      while (System.nanoTime() < end && p.isAlive()) {
        try {
          if (c.get(port, "/readyz").statusCode() == 200) {
            secs = (System.nanoTime() - t0) / 1e9;
            break;
          }
        } catch (RuntimeException notYet) {
          // not listening yet
        }
        Ctx.sleep(20);
      }
      if (!Double.isNaN(secs)) {
        items = Json.mapper().readTree(c.get(port, Ctx.DOMAINS + "?limit=1").body()).get("metadata")
            .path("remainingItemCount").asLong(-2) + 1;
        rss = ProcStats.of(p.pid()).rssBytes();
      }
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    c.report.raw("startup.seconds", secs);
    c.report.raw("startup.items", items);
    c.report.raw("startup.rssBytes", rss);
    c.report.row("7", "startup to ready (`/readyz` 200: initial sync committed), " + n + " domains",
        Report.num(secs) + " s (from `java -jar virtrevd.jar` exec; RSS then " + rss / (1 << 20) + " MiB)",
        "one direct relist of the same domains: " + Report.num(relist.p50() / 1000) + " s",
        Report.ratio(secs / (relist.p50() / 1000)), "—", "",
        "fresh data dir; packaged jar against " + URI + "; " + items + " domains listed once ready");
  }
}
