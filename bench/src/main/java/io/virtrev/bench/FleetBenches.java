package io.virtrev.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fleet (issue 12): N test-driver hosts (the packaged daemon, {@code --fleet-etcd}, each its own
 * {@code test:///<file>.xml} holding D domains) mirrored into a single etcd member of the bench's own,
 * and one gateway ({@code virtrevd fleet --etcd}). Each figure has its baseline from the same run:
 * <ul>
 *   <li>fleet list (gzip) vs N host lists in parallel (gzip) and vs N direct libvirt relists in parallel;
 *   <li>time to the first full fleet view vs every host ready with its own full list;
 *   <li>a change on a host: the fleet watcher's added latency over the host's own watch, at 1 and 1,000
 *       fleet watchers;
 *   <li>gateway CPU per 1,000 events/s, with the hosts' steady mirror rate and lag;
 *   <li>mirror throughput (host revisions/s into etcd) at 1 and N busy hosts: a backlog built while etcd
 *       is frozen (SIGSTOP; the hosts keep serving), drained after SIGCONT; etcd bytes per revision.
 * </ul>
 */
final class FleetBenches {
  private FleetBenches() {}

  /** Every size of the fleet run. */
  record Sizes(int hosts, int domains, int listIterations, int relistIterations, int[] watcherCounts,
      int latencyMutations, int cpuWatchers, int cpuSeconds, int churnThreads, int drainCyclesOneHost,
      int drainCyclesAllHosts) {
    static Sizes full() {
      return new Sizes(20, 500, 20, 10, new int[] {1, 1_000}, 200, 10, 20, 2, 8, 8);
    }

    static Sizes quick() {
      return new Sizes(3, 50, 3, 2, new int[] {1, 20}, 10, 2, 3, 2, 1, 1);
    }
  }

  static String hostName(int i) {
    return String.format("bench-h%02d", i);
  }

  /** The fleet host name of a host process (started as {@code fleet-<host>}). */
  static String hostOf(JarProcess p) {
    return p.name.substring("fleet-".length());
  }

  static String domName(int j) {
    return String.format("d%05d", j);
  }

  /** What kubectl and client-go ask for; the gateway's and the hosts' lists are timed the same way. */
  private static final Duration START = Duration.ofMinutes(10);

  static void run(Ctx c) throws Exception {
    Sizes s = c.quick ? Sizes.quick() : Sizes.full();
    Report r = c.report;
    Path files = c.dir("fleet-xml");
    List<Path> xmls = new ArrayList<>();
    for (int i = 0; i < s.hosts(); i++) {
      xmls.add(writeHostFile(files, hostName(i), s.domains()));
    }
    r.notes.add("Fleet (issue 12): " + s.hosts() + " hosts, each the packaged daemon (`java -Xmx512m -jar virtrevd.jar"
        + " --connect test:///<file>.xml --fleet-etcd … --host-name bench-hNN --resync-period 1h --fleet-lease-ttl"
        + " 120s`) on libvirt's test driver in its own process with " + s.domains() + " running domains from its own"
        + " XML file, and one gateway (`virtrevd fleet --etcd …`), all on this one machine with the benchmark; etcd is"
        + " a single member of the bench's own (Debian's etcd-server, " + String.join(", ", EtcdMember.flags())
        + "). The periodic resync is set to 1 h because 20 hosts sharing 2 cores would otherwise re-read 10,000"
        + " domains every 30 s in the background of every figure. `FleetBenches`; `scripts/bench.sh --only"
        + " fleet` runs this section alone.");
    try (EtcdMember etcd = EtcdMember.start(c.work.resolve("fleet-etcd"), c.log("fleet-etcd"))) {
      List<JarProcess> hosts = new ArrayList<>();
      JarProcess gw = JarProcess.start(c, "fleet-gateway", List.of("-Xmx1g", "-XX:StartFlightRecording=settings=profile,"
          + "filename=" + c.work.resolve("fleet-gateway.jfr") + ",dumponexit=true"),
          List.of("fleet", "--etcd", etcd.endpoint, "--log-level", "warn"));
      try {
        gw.awaitReady(c, Duration.ofMinutes(2));
        bringUp(c, s, etcd, gw, hosts, xmls);
        phase(c, "fleet list", () -> list(c, s, gw, hosts, xmls));
        for (int w : s.watcherCounts()) {
          phase(c, "fleet watch latency, " + w + " watchers", () -> latency(c, s, etcd, gw, hosts.get(0), w));
        }
        phase(c, "gateway CPU", () -> gatewayCpu(c, s, etcd, gw, hosts));
        phase(c, "mirror drain, 1 host", () -> drain(c, s, etcd, hosts.subList(0, 1), s.drainCyclesOneHost()));
        phase(c, "mirror drain, " + hosts.size() + " hosts", () -> drain(c, s, etcd, hosts, s.drainCyclesAllHosts()));
      } finally {
        JarProcess.closeAll(hosts);
        gw.close();
      }
    }
    if (failed) {
      throw new IllegalStateException("a fleet phase failed (its row says which)");
    }
  }

  private interface Phase {
    void run() throws Exception;
  }

  /** Runs one group of rows; a failure becomes a FAILED row and the next group still runs. */
  private static void phase(Ctx c, String name, Phase p) {
    try {
      p.run();
    } catch (Exception | Error e) {
      e.printStackTrace();
      c.report.row("F", "FAILED: " + name + ": " + e, "—", "—", "", "", "**no**", "see the run's output");
      failed = true;
    }
  }

  /** Whether a phase failed: {@link #run} then throws, so that the run's exit status says so. */
  private static boolean failed;

  private static Path writeHostFile(Path dir, String host, int n) throws IOException {
    StringBuilder b = new StringBuilder("<node>\n");
    for (int j = 0; j < n; j++) {
      String name = domName(j);
      b.append(RawLibvirt.testXml(name, RawLibvirt.uuid(host + "/" + name), 64)).append('\n');
    }
    Path p = dir.resolve(host + ".xml");
    Files.writeString(p, b.append("</node>\n").toString());
    return p;
  }

  // ---- bring-up: time to the first full view

  private static void bringUp(Ctx c, Sizes s, EtcdMember etcd, JarProcess gw, List<JarProcess> hosts, List<Path> xmls)
      throws Exception {
    int n = s.hosts();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      hosts.add(JarProcess.start(c, "fleet-" + hostName(i), List.of("-Xmx512m"), List.of("--connect",
          "test://" + xmls.get(i).toAbsolutePath(), "--data-dir", c.dir("fleet-" + hostName(i)).toString(),
          "--log-level", "warn", "--resync-period", "1h", "--fleet-etcd", etcd.endpoint, "--host-name", hostName(i),
          "--fleet-lease-ttl", "120s")));
    }
    long[] hostDone = new long[n];
    long fleetDone = 0;
    long end = t0 + START.toNanos();
    int left = n;
    while (left > 0 || fleetDone == 0) {
      for (int i = 0; i < n; i++) {
        JarProcess h = hosts.get(i);
        if (!h.alive()) {
          throw new IllegalStateException(h.name + " exited; see " + c.log(h.name));
        }
        if (hostDone[i] == 0 && h.ready(c) && count(c, h.port) >= s.domains()) {
          hostDone[i] = System.nanoTime();
          left--;
        }
      }
      if (fleetDone == 0 && count(c, gw.port) >= (long) n * s.domains()) {
        fleetDone = System.nanoTime();
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("fleet not complete within " + START + ": " + left + " hosts not ready, gateway "
            + count(c, gw.port) + " of " + (long) n * s.domains());
      }
      Ctx.sleep(250);
    }
    long hostsDone = 0;
    for (long t : hostDone) {
      hostsDone = Math.max(hostsDone, t);
    }
    checkFleetList(c, s, gw);
    double fleetSecs = (fleetDone - t0) / 1e9;
    double hostsSecs = (hostsDone - t0) / 1e9;
    c.report.raw("fleet.firstFullView.seconds", fleetSecs);
    c.report.raw("fleet.hostsReady.seconds", hostsSecs);
    c.report.row("F", "fleet: time to the first full view (" + n + " hosts × " + s.domains() + " domains started at once;"
            + " the gateway's list holds all " + n * s.domains() + ")",
        Report.num(fleetSecs) + " s from launching the hosts",
        "every host ready with its own full list: " + Report.num(hostsSecs) + " s",
        (fleetSecs >= hostsSecs ? "+" : "") + Report.num(fleetSecs - hostsSecs) + " s (fleet − hosts)", "—", "",
        "the gateway was up first, on an empty etcd; polled every 250 ms (list counts); " + n + " JVMs starting on "
            + Runtime.getRuntime().availableProcessors() + " cores");
  }

  /** The fleet list holds every host's every domain, named {@code <host>.<name>}, labelled with its host. */
  private static void checkFleetList(Ctx c, Sizes s, JarProcess gw) throws IOException {
    JsonNode items = Json.mapper().readTree(c.get(gw.port, Ctx.DOMAINS).body()).get("items");
    Map<String, Integer> perHost = new HashMap<>();
    for (JsonNode it : items) {
      String name = it.get("metadata").get("name").asText();
      String host = it.get("metadata").path("labels").path("virtrev.io/host").asText();
      if (!name.startsWith(host + ".")) {
        throw new IllegalStateException("fleet object " + name + " labelled with host " + host);
      }
      perHost.merge(host, 1, Integer::sum);
    }
    for (int i = 0; i < s.hosts(); i++) {
      if (perHost.getOrDefault(hostName(i), 0) != s.domains()) {
        throw new IllegalStateException("fleet list: " + hostName(i) + " has " + perHost.get(hostName(i)) + " objects");
      }
    }
  }

  /** Items in the list (with {@code limit=1} and {@code remainingItemCount} where served). */
  static long count(Ctx c, int port) {
    try {
      HttpResponse<String> resp = c.get(port, Ctx.DOMAINS + "?limit=1");
      if (resp.statusCode() != 200) {
        return -1;
      }
      JsonNode j = Json.mapper().readTree(resp.body());
      JsonNode meta = j.path("metadata");
      if (meta.has("remainingItemCount")) {
        return j.get("items").size() + meta.get("remainingItemCount").asLong();
      }
      if (!meta.path("continue").asText("").isEmpty()) {
        return Json.mapper().readTree(c.get(port, Ctx.DOMAINS).body()).get("items").size();
      }
      return j.get("items").size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException notYet) {
      return -1;
    }
  }

  static long listRv(Ctx c, int port) {
    try {
      return Long.parseLong(Json.mapper().readTree(c.get(port, Ctx.DOMAINS + "?limit=1").body()).get("metadata")
          .get("resourceVersion").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- list

  private static void list(Ctx c, Sizes s, JarProcess gw, List<JarProcess> hosts, List<Path> xmls) throws Exception {
    int n = hosts.size();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<RawLibvirt> raws = new ArrayList<>();
    try {
      for (Path x : xmls) {
        raws.add(new RawLibvirt("test+unix://" + x.toAbsolutePath()));
      }
      List<Callable<Long>> hostLists = new ArrayList<>();
      for (JarProcess h : hosts) {
        hostLists.add(() -> c.timeGetGzip(h.port, Ctx.DOMAINS));
      }
      List<Callable<Long>> relists = new ArrayList<>();
      for (RawLibvirt raw : raws) {
        relists.add(raw::relist);
      }
      for (int i = 0; i < 5; i++) { // warm both sides, as a long-running client and daemons are
        c.timeGetGzip(gw.port, Ctx.DOMAINS);
        c.timeGet(gw.port, Ctx.DOMAINS);
        wall(pool, hostLists);
        if (i < 2) {
          wall(pool, relists);
        }
      }
      LongList fleet = new LongList();
      LongList fleetPlain = new LongList();
      LongList parallel = new LongList();
      LongList direct = new LongList();
      for (int i = 0; i < s.listIterations(); i++) {
        fleet.add(c.timeGetGzip(gw.port, Ctx.DOMAINS));
        fleetPlain.add(c.timeGet(gw.port, Ctx.DOMAINS));
        parallel.add(wall(pool, hostLists));
        if (i < s.relistIterations()) {
          direct.add(wall(pool, relists));
        }
      }
      Stats fs = Stats.ofNanos(fleet.toArray());
      Stats fp = Stats.ofNanos(fleetPlain.toArray());
      Stats ps = Stats.ofNanos(parallel.toArray());
      Stats ds = Stats.ofNanos(direct.toArray());
      c.report.raw("fleet.list.gatewayGzip", fs);
      c.report.raw("fleet.list.gatewayPlain", fp);
      c.report.raw("fleet.list.hostListsParallelGzip", ps);
      c.report.raw("fleet.list.directRelistsParallel", ds);
      int total = n * s.domains();
      String what = "fleet list, " + total + " domains (" + n + " hosts × " + s.domains() + "), gzip: `GET "
          + Ctx.DOMAINS + "` on the gateway";
      String fig = "p50 " + Report.num(fs.p50()) + " ms, p99 " + Report.num(fs.p99()) + " ms (body decompressed)";
      double r1 = ps.p50() / fs.p50();
      c.report.row("F", what, fig, n + " host lists in parallel (gzip, each host's `GET " + Ctx.DOMAINS + "`): p50 "
              + Report.num(ps.p50()) + " ms, p99 " + Report.num(ps.p99()) + " ms",
          Report.ratio(r1) + " faster", ">= 10x", Report.met(r1 >= 10),
          fs.n() + " fleet lists interleaved with " + ps.n() + " rounds of " + n + " concurrent host lists (wall time of"
              + " the round); the client merging the " + n + " lists is not counted. Without gzip the fleet list takes"
              + " p50 " + Report.num(fp.p50()) + " ms, p99 " + Report.num(fp.p99()) + " ms");
      double r2 = ds.p50() / fs.p50();
      c.report.row("F", what, fig, n + " direct libvirt relists in parallel (listAllDomains + getXMLDesc each, one"
              + " connection per host): p50 " + Report.num(ds.p50()) + " ms, p99 " + Report.num(ds.p99()) + " ms",
          Report.ratio(r2) + " faster", "—", "",
          ds.n() + " rounds of " + n + " concurrent relists (wall time of the round), interleaved; each host's test"
              + " driver through the real libvirtd (`test+unix:///<file>.xml`: its own instance per connection)");
    } finally {
      pool.shutdownNow();
      for (RawLibvirt raw : raws) {
        raw.close();
      }
    }
  }

  /** Wall time of running every call at once, in nanoseconds. */
  private static long wall(ExecutorService pool, List<? extends Callable<?>> calls) throws Exception {
    long t0 = System.nanoTime();
    List<Future<Object>> fs = new ArrayList<>();
    for (Callable<?> call : calls) {
      fs.add(pool.submit(call::call));
    }
    for (Future<Object> f : fs) {
      f.get(5, TimeUnit.MINUTES);
    }
    return System.nanoTime() - t0;
  }

  // ---- watch latency

  private static int post(Ctx c, int port, String path) {
    try {
      return c.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether domain 0 of host 0 is suspended (the latency rows alternate it). */
  private static boolean paused;

  /**
   * One change on {@code host}, then waits until it is mirrored: etcd's newest revision is then that
   * single-object change, not a host's full re-mirror, which the gateway refuses to watch from (410, see
   * docs/fleet.md), while nothing else writes.
   */
  private static void settle(Ctx c, EtcdMember etcd, JarProcess host) {
    String dom = domName(0);
    int code = post(c, host.port, Ctx.DOMAINS + "/" + dom + "/" + (paused ? "resume" : "suspend"));
    if (code / 100 != 2) {
      throw new IllegalStateException("action on " + host.name + "/" + dom + " -> " + code);
    }
    paused = !paused;
    awaitMirrored(etcd, List.of(host), new long[] {listRv(c, host.port)}, Duration.ofMinutes(1));
  }

  private static void latency(Ctx c, Sizes s, EtcdMember etcd, JarProcess gw, JarProcess host, int w)
      throws Exception {
    int m = s.latencyMutations();
    String dom = domName(0);
    settle(c, etcd, host);
    long hostRv = listRv(c, host.port);
    long gwRv = listRv(c, gw.port);
    long[] hostSeen = new long[m + 16];
    AtomicInteger hostCount = new AtomicInteger();
    long[][] seen = new long[w][m + 16];
    int[] count = new int[w];
    AtomicLong total = new AtomicLong();
    long[] sent = new long[m];
    int done = 0;
    boolean timedOut = false;
    try (Watchers hw = new Watchers(host.port, 1, Ctx.DOMAINS + "/" + dom + "?watch=true&resourceVersion=" + hostRv,
        (id, rv, nanos) -> {
          int k = hostCount.get();
          if (k < hostSeen.length) {
            hostSeen[k] = nanos;
          }
          hostCount.incrementAndGet();
        });
        Watchers fw = new Watchers(gw.port, w, Ctx.DOMAINS + "?watch=true&resourceVersion=" + gwRv,
            (id, rv, nanos) -> {
              int k = count[id]++;
              if (k < seen[id].length) {
                seen[id][k] = nanos;
              }
              total.incrementAndGet();
            })) {
      Ctx.sleep(300);
      if (hostCount.get() != 0 || total.get() != 0) {
        throw new IllegalStateException("events before the first change: host " + hostCount + ", fleet " + total);
      }
      for (int i = 0; i < m; i++) {
        Ctx.sleep(20);
        sent[i] = System.nanoTime();
        int code = post(c, host.port, Ctx.DOMAINS + "/" + dom + "/" + (paused ? "resume" : "suspend"));
        if (code / 100 != 2) {
          throw new IllegalStateException("action on " + host.name + "/" + dom + " -> " + code);
        }
        paused = !paused;
        long want = (long) w * (i + 1);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((total.get() < want || hostCount.get() <= i) && System.nanoTime() < end) {
          LockSupport.parkNanos(20_000);
        }
        if (total.get() < want || hostCount.get() <= i) {
          timedOut = true;
          break;
        }
        done++;
      }
      Ctx.sleep(100);
      if (hostCount.get() != done || total.get() != (long) w * done) {
        throw new IllegalStateException("unexpected events: host " + hostCount + " for " + done + " changes, fleet "
            + total + " for " + (long) w * done);
      }
    }
    LongList added = new LongList();
    LongList hostLat = new LongList();
    LongList fleetLat = new LongList();
    for (int i = 0; i < done; i++) {
      hostLat.add(hostSeen[i] - sent[i]);
      for (int k = 0; k < w; k++) {
        added.add(seen[k][i] - hostSeen[i]);
        fleetLat.add(seen[k][i] - sent[i]);
      }
    }
    Stats as = Stats.ofNanos(added.toArray());
    Stats hs = Stats.ofNanos(hostLat.toArray());
    Stats fs = Stats.ofNanos(fleetLat.toArray());
    c.report.raw("fleet.latency." + w + "w.added", as);
    c.report.raw("fleet.latency." + w + "w.hostWatch", hs);
    c.report.raw("fleet.latency." + w + "w.fleetWatch", fs);
    c.report.row("F", "fleet: change on a host → fleet watcher, " + w + " fleet watcher" + (w > 1 ? "s" : "")
            + ": added p50 / p99 over the host's own watch",
        Report.num(as.p50()) + " / " + Report.num(as.p99()) + " ms (fleet watcher from the request: p50 "
            + Report.num(fs.p50()) + ", p99 " + Report.num(fs.p99()) + " ms)",
        "the host's own watcher, from the request: p50 " + Report.num(hs.p50()) + ", p99 " + Report.num(hs.p99()) + " ms",
        Report.ratio(fs.p50() / hs.p50()) + " (fleet p50 / host p50)", "added p99 < 50 ms", Report.met(as.p99() < 50 && !timedOut),
        done + " suspend/resume of one domain through its host's API, one at a time; " + as.n() + " fleet deliveries;"
            + " added = fleet watcher's receipt − the host watcher's receipt of the same change (both in the"
            + " benchmark's JVM); the mirror's etcd transaction and the gateway's etcd watch are in it"
            + (timedOut ? "; TIMED OUT waiting for a delivery" : ""));
  }

  // ---- gateway CPU and steady mirror

  private static List<List<String>> churnDomains(int hosts, int threads) {
    List<List<String>> out = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      List<String> d = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        d.add(domName(1 + t)); // domain 0 is the latency rows'
      }
      out.add(d);
    }
    return out;
  }

  private static long[] hostRevs(Ctx c, List<JarProcess> hosts) {
    long[] r = new long[hosts.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = listRv(c, hosts.get(i).port);
    }
    return r;
  }

  /** Waits until every host's progress key holds its revision {@code revs[i]}; the time it did (nanoTime). */
  private static long awaitMirrored(EtcdMember etcd, List<JarProcess> hosts, long[] revs, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (true) {
      Map<String, Long> p = etcd.progress();
      boolean all = true;
      for (int i = 0; i < revs.length && all; i++) {
        all = p.getOrDefault(hostOf(hosts.get(i)), -1L) >= revs[i];
      }
      if (all) {
        return System.nanoTime();
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("mirrors did not reach the hosts' revisions within " + max + ": " + p);
      }
      LockSupport.parkNanos(500_000L);
    }
  }

  private static void gatewayCpu(Ctx c, Sizes s, EtcdMember etcd, JarProcess gw, List<JarProcess> hosts)
      throws Exception {
    int w = s.cpuWatchers();
    long[] rev0 = hostRevs(c, hosts);
    awaitMirrored(etcd, hosts, rev0, Duration.ofMinutes(1));
    settle(c, etcd, hosts.get(0));
    rev0 = hostRevs(c, hosts);
    long gwRv = listRv(c, gw.port);
    AtomicLong[] counts = new AtomicLong[w];
    for (int i = 0; i < w; i++) {
      counts[i] = new AtomicLong();
    }
    try (Watchers fw = new Watchers(gw.port, w, Ctx.DOMAINS + "?watch=true&resourceVersion=" + gwRv,
        (id, rv, nanos) -> counts[id].incrementAndGet())) {
      Ctx.sleep(300);
      // the gateway's cost with the same watches open and nothing happening: its own background work
      ProcStats i0 = ProcStats.of(gw.pid());
      long ti0 = System.nanoTime();
      Ctx.sleep(s.cpuSeconds() * 500L);
      double idleCores = (ProcStats.of(gw.pid()).cpuNanos() - i0.cpuNanos()) / (double) (System.nanoTime() - ti0);
      ProcStats g0 = ProcStats.of(gw.pid());
      long t0 = System.nanoTime();
      Churn churn = new Churn(c, hosts, churnDomains(hosts.size(), s.churnThreads()), -1);
      Ctx.sleep(s.cpuSeconds() * 1000L);
      churn.stop();
      long tStop = System.nanoTime();
      long[] rev1 = hostRevs(c, hosts);
      long produced = 0;
      for (int i = 0; i < rev1.length; i++) {
        produced += rev1[i] - rev0[i];
      }
      long tMirrored = awaitMirrored(etcd, hosts, rev1, Duration.ofMinutes(2));
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (System.nanoTime() < end) {
        long min = Long.MAX_VALUE;
        for (AtomicLong a : counts) {
          min = Math.min(min, a.get());
        }
        if (min >= produced) {
          break;
        }
        LockSupport.parkNanos(1_000_000L);
      }
      long t1 = System.nanoTime();
      ProcStats g1 = ProcStats.of(gw.pid());
      long delivered = 0;
      for (AtomicLong a : counts) {
        delivered += a.get();
      }
      if (delivered != produced * w) {
        throw new IllegalStateException("fleet watchers got " + delivered + " events for " + produced + " host revisions"
            + " × " + w);
      }
      double window = (t1 - t0) / 1e9;
      double eventsPerSec = produced / window;
      double cores = (g1.cpuNanos() - g0.cpuNanos()) / 1e9 / window;
      double perK = Math.max(0, cores - idleCores) / (eventsPerSec / 1000);
      double churnSecs = (tStop - t0) / 1e9;
      c.report.raw("fleet.gatewayCpu.coresPer1000EventsPerSec", perK);
      c.report.raw("fleet.gatewayCpu.eventsPerSec", eventsPerSec);
      c.report.raw("fleet.gatewayCpu.watchers", w);
      c.report.raw("fleet.gatewayCpu.idleCores", idleCores);
      c.report.raw("fleet.gatewayCpu.busyCores", cores);
      c.report.raw("fleet.steady.hostRevisionsPerSec", produced / churnSecs);
      c.report.raw("fleet.steady.lagAfterStopMs", (tMirrored - tStop) / 1e6);
      c.report.row("F", "fleet: gateway CPU per 1,000 events/s (" + w + " fleet watchers of every domain)",
          Report.num(perK * 100) + "% of one core per 1,000 events/s",
          "the events: " + Report.num(eventsPerSec) + "/s into the fleet (" + Report.num(eventsPerSec * w)
              + " deliveries/s), gateway at " + Report.num(cores * 100) + "% of a core; idle with the same watches: "
              + Report.num(idleCores * 100) + "%",
          "—", "—", "",
          produced + " host revisions from " + hosts.size() + " busy hosts (" + s.churnThreads() + " clients each"
              + " alternating suspend/resume through the host's API) over " + Report.num(churnSecs) + " s, until every"
              + " watcher had every event; gateway CPU from /proc over the same window, minus its idle CPU, scaled"
              + " linearly to 1,000 events/s (the hosts could not make more here); the whole machine's 2 cores are"
              + " shared with the hosts, etcd and the clients");
      c.report.row("F", "fleet: mirror, steady state: " + hosts.size() + " hosts busy through their API",
          Report.num(produced / churnSecs) + " host revisions/s mirrored; lag after the load stopped "
              + Report.num((tMirrored - tStop) / 1e6) + " ms",
          "the hosts' own commit rate: the same " + Report.num(produced / churnSecs) + "/s", "—", "—", "",
          "every revision reached etcd; this is what " + hosts.size() + " test-driver hosts on 2 shared cores produce"
              + " (" + churn.ok() + " actions, " + churn.failed() + " refused), not the mirror's ceiling: the"
              + " drain rows below measure that");
    }
  }

  // ---- mirror throughput: backlog while etcd is frozen, then drained

  /** How long etcd is frozen per cycle: well under the hosts' 5 s etcd call timeout, so no mirror call fails. */
  private static final long FREEZE_MS = 2_500;

  /** A host's {@code virtrev_fleet_mirror_failures_total}, -1 if not served. */
  private static double mirrorFailures(Ctx c, JarProcess h) {
    for (String line : c.get(h.port, "/metrics").body().split("\n")) {
      if (line.startsWith("virtrev_fleet_mirror_failures_total")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static double sumFailures(Ctx c, List<JarProcess> hosts) {
    double f = 0;
    for (JarProcess h : hosts) {
      f += mirrorFailures(c, h);
    }
    return f;
  }

  /**
   * Cycles of: busy hosts churn while etcd is frozen (SIGSTOP) for {@link #FREEZE_MS}; the churn stops;
   * SIGCONT; the time until every busy host's progress key holds its revision. Each mirror's transaction
   * in flight at the freeze simply waits (the freeze is under its call timeout), so no mirror fails or backs
   * off: on SIGCONT every mirror drains its backlog at once, which is the mirror's throughput.
   */
  private static void drain(Ctx c, Sizes s, EtcdMember etcd, List<JarProcess> busy, int cycles) throws Exception {
    int b = busy.size();
    int clients = Math.max(s.churnThreads(), 8 / b);
    long revisions = 0;
    long drainNanos = 0;
    long refused = 0;
    LongList perCycle = new LongList();
    double failures0 = sumFailures(c, busy);
    double objBytes = objectBytes(c, busy.get(0));
    double raw = RawEtcdTxns.rate("127.0.0.1:" + etcd.clientPort, b, (int) objBytes, c.quick ? 1 : 3);
    long[] rev0 = hostRevs(c, busy);
    awaitMirrored(etcd, busy, rev0, Duration.ofMinutes(1));
    Map<String, Double> m0 = etcd.metrics();
    long keys0 = etcd.count("/virtrev/v1/")[0];
    for (int cycle = 0; cycle < cycles; cycle++) {
      long[] before = hostRevs(c, busy);
      awaitMirrored(etcd, busy, before, Duration.ofMinutes(1));
      long[] after;
      long tStop = System.nanoTime();
      etcd.pause();
      long tCont;
      try {
        Churn churn = new Churn(c, busy, churnDomains(b, clients), -1);
        Ctx.sleep(FREEZE_MS);
        churn.stop();
        refused += churn.failed();
        after = hostRevs(c, busy);
      } finally {
        etcd.resume();
        tCont = System.nanoTime();
      }
      if ((tCont - tStop) / 1_000_000 > 4_500) {
        throw new IllegalStateException("etcd was frozen " + (tCont - tStop) / 1_000_000 + " ms: near the hosts' etcd"
            + " call timeout (5 s), a mirror may have failed and backed off");
      }
      long done = awaitMirrored(etcd, busy, after, Duration.ofMinutes(2));
      long n = 0;
      for (int i = 0; i < b; i++) {
        n += after[i] - before[i];
      }
      revisions += n;
      drainNanos += done - tCont;
      perCycle.add(n);
    }
    double failures = sumFailures(c, busy) - failures0;
    Map<String, Double> m1 = etcd.metrics();
    long keys1 = etcd.count("/virtrev/v1/")[0];
    double secs = drainNanos / 1e9;
    double rate = revisions / secs;
    double wal = (m1.getOrDefault("etcd_disk_wal_write_bytes_total", Double.NaN)
        - m0.getOrDefault("etcd_disk_wal_write_bytes_total", Double.NaN)) / revisions;
    double db = (m1.getOrDefault("etcd_mvcc_db_total_size_in_bytes", Double.NaN)
        - m0.getOrDefault("etcd_mvcc_db_total_size_in_bytes", Double.NaN)) / revisions;
    double fsyncMs = meanMs(m0, m1, "etcd_disk_wal_fsync_duration_seconds");
    double commitMs = meanMs(m0, m1, "etcd_disk_backend_commit_duration_seconds");
    String key = "fleet.mirror." + b + "host" + (b > 1 ? "s" : "");
    c.report.raw(key + ".revisionsPerSec", rate);
    c.report.raw(key + ".revisions", revisions);
    c.report.raw(key + ".rawEtcdTxnsPerSec", raw);
    c.report.raw(key + ".drainSeconds", secs);
    c.report.raw(key + ".revisionsPerCycle", perCycle.toArray());
    c.report.raw(key + ".mirrorFailures", failures);
    c.report.raw(key + ".walBytesPerRevision", wal);
    c.report.raw(key + ".dbBytesPerRevision", db);
    c.report.raw(key + ".etcdFsyncMeanMs", fsyncMs);
    c.report.raw(key + ".etcdBackendCommitMeanMs", commitMs);
    boolean fleetWide = b > 1;
    c.report.row("F", "fleet: mirror throughput, " + b + " busy host" + (b > 1 ? "s" : "") + " (host revisions/s into"
            + " etcd, draining a backlog)",
        Report.num(rate) + " revisions/s" + (b > 1 ? " fleet-wide" : ""),
        "etcd transactions of the mirror's shape (compare progress, put the object and progress), " + b + " client"
            + (b > 1 ? "s" : "") + " back to back, raw gRPC: " + Report.num(raw) + "/s",
        Report.ratio(rate / raw) + " of raw etcd", fleetWide ? ">= 2,000 revisions/s fleet-wide" : "—", fleetWide ? Report.met(rate >= 2000) : "",
        revisions + " host revisions drained in " + Report.num(secs * 1000) + " ms in all; " + cycles
            + " cycles of: etcd SIGSTOPped " + FREEZE_MS + " ms while " + clients + " clients per host alternate"
            + " suspend/resume through the hosts' APIs (they keep serving), SIGCONT, time until every progress key holds"
            + " its host's revision (polled over etcd's JSON gateway every ~1 ms); one etcd transaction per host revision"
            + " (docs/fleet.md); backlog per cycle " + java.util.Arrays.toString(perCycle.toArray()) + "; mirror"
            + " failures meanwhile: " + Report.num(failures) + "; " + refused + " refused actions; etcd's mean WAL fsync"
            + " over the cycles " + Report.num(fsyncMs) + " ms, mean backend commit " + Report.num(commitMs) + " ms");
    c.report.row("F", "fleet: etcd bytes per host revision (" + b + " busy host" + (b > 1 ? "s" : "") + ")",
        Report.num(wal) + " B of WAL, " + Report.num(db) + " B of bbolt file growth",
        "the object's JSON as the host serves it: " + Report.num(objBytes) + " B", Report.ratio(wal / objBytes)
            + " (WAL / object)", "—", "",
        "etcd's `etcd_disk_wal_write_bytes_total` and `etcd_mvcc_db_total_size_in_bytes` over the cycles / host"
            + " revisions; each transaction also rewrites the progress key; keys under /virtrev/v1/ " + keys0 + " → "
            + keys1 + " (no compaction ran)");
  }

  /** The mean of a Prometheus histogram between two scrapes, in milliseconds. */
  private static double meanMs(Map<String, Double> m0, Map<String, Double> m1, String histogram) {
    double sum = m1.getOrDefault(histogram + "_sum", Double.NaN) - m0.getOrDefault(histogram + "_sum", Double.NaN);
    double n = m1.getOrDefault(histogram + "_count", Double.NaN) - m0.getOrDefault(histogram + "_count", Double.NaN);
    return n > 0 ? sum / n * 1000 : Double.NaN;
  }

  /** Mean bytes of one domain's JSON in the host's list. */
  private static double objectBytes(Ctx c, JarProcess host) throws IOException {
    JsonNode items = Json.mapper().readTree(c.get(host.port, Ctx.DOMAINS).body()).get("items");
    long bytes = 0;
    for (JsonNode it : items) {
      bytes += Json.mapper().writeValueAsBytes(it).length;
    }
    return items.size() == 0 ? Double.NaN : (double) bytes / items.size();
  }
}
