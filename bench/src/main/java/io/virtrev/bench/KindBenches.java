package io.virtrev.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.StoragePool;

/**
 * Items 1, 2 and 5 for the new kinds on the real QEMU driver: virtual networks (isolated, no address, so
 * no dnsmasq) and {@code dir} storage pools. Per kind: a list through the daemon against the direct relist
 * a platform does (list the names, look each up, read its XML); start/destroy made with libvirt seen by a
 * watcher against the libvirt call's own duration; a CAS PUT (If-Match, {@code fieldValidation=Ignore})
 * against the raw define of the same XML, measured before the daemon started.
 */
final class KindBenches {
  private static final String G = "/apis/virtrev.io/v1";

  private KindBenches() {}

  /** The libvirt calls a platform makes for one kind, through libvirt-java. */
  private interface RawKind {
    String resource();

    String define(Connect conn, String xml) throws LibvirtException;

    List<String> names(Connect conn) throws LibvirtException;

    /** The direct relist: every name, looked up, its XML read. Returns the total XML length. */
    long relist(Connect conn) throws LibvirtException;

    void start(Connect conn, String name) throws LibvirtException;

    void destroy(Connect conn, String name) throws LibvirtException;

    void remove(Connect conn, String name) throws LibvirtException;
  }

  private static final class Networks implements RawKind {
    @Override
    public String resource() {
      return "networks";
    }

    @Override
    public String define(Connect conn, String xml) throws LibvirtException {
      Network n = conn.networkDefineXML(xml);
      String name = n.getName();
      n.free();
      return name;
    }

    @Override
    public List<String> names(Connect conn) throws LibvirtException {
      List<String> out = new ArrayList<>(List.of(conn.listNetworks()));
      out.addAll(List.of(conn.listDefinedNetworks()));
      return out;
    }

    @Override
    public long relist(Connect conn) throws LibvirtException {
      long bytes = 0;
      for (String name : names(conn)) {
        Network n = conn.networkLookupByName(name);
        bytes += n.getXMLDesc(0).length() + (n.getAutostart() ? 1 : 0) + n.isActive();
        n.free();
      }
      return bytes;
    }

    @Override
    public void start(Connect conn, String name) throws LibvirtException {
      Network n = conn.networkLookupByName(name);
      n.create();
      n.free();
    }

    @Override
    public void destroy(Connect conn, String name) throws LibvirtException {
      Network n = conn.networkLookupByName(name);
      n.destroy();
      n.free();
    }

    @Override
    public void remove(Connect conn, String name) throws LibvirtException {
      Network n = conn.networkLookupByName(name);
      if (n.isActive() == 1) {
        n.destroy();
      }
      n.undefine();
      n.free();
    }
  }

  private static final class Pools implements RawKind {
    @Override
    public String resource() {
      return "storagepools";
    }

    @Override
    public String define(Connect conn, String xml) throws LibvirtException {
      StoragePool p = conn.storagePoolDefineXML(xml, 0);
      String name = p.getName();
      p.free();
      return name;
    }

    @Override
    public List<String> names(Connect conn) throws LibvirtException {
      List<String> out = new ArrayList<>(List.of(conn.listStoragePools()));
      out.addAll(List.of(conn.listDefinedStoragePools()));
      return out;
    }

    @Override
    public long relist(Connect conn) throws LibvirtException {
      long bytes = 0;
      for (String name : names(conn)) {
        StoragePool p = conn.storagePoolLookupByName(name);
        bytes += p.getXMLDesc(0).length() + p.getInfo().capacity + (p.getAutostart() ? 1 : 0);
        p.free();
      }
      return bytes;
    }

    @Override
    public void start(Connect conn, String name) throws LibvirtException {
      StoragePool p = conn.storagePoolLookupByName(name);
      p.create(0);
      p.free();
    }

    @Override
    public void destroy(Connect conn, String name) throws LibvirtException {
      StoragePool p = conn.storagePoolLookupByName(name);
      p.destroy();
      p.free();
    }

    @Override
    public void remove(Connect conn, String name) throws LibvirtException {
      StoragePool p = conn.storagePoolLookupByName(name);
      if (p.isActive() == 1) {
        p.destroy();
      }
      p.undefine();
      p.free();
    }
  }

  static void run(Ctx c) throws Exception {
    c.report.notes.add("Networks and storage pools (items 1, 2, 5 for the new kinds): the packaged daemon (own JVM,"
        + " default config) on qemu:///system beside libvirt-java in the benchmark's JVM, on the same libvirtd."
        + " " + (c.quick ? 10 : 100) + " isolated networks (a bridge, an MTU, no address, so no dnsmasq) and as many"
        + " `dir` pools are defined and left inactive (plus what the host already has); the watch rows start and"
        + " destroy one more of each with libvirt-java (a network's start creates its bridge, which is most of its"
        + " time); the CAS rows alternate the network's MTU and the pool's target mode, raw defines measured"
        + " before the daemon started. `KindBenches`; `scripts/bench.sh --only kinds` runs this section alone.");
    try (RawLibvirt raw = new RawLibvirt(QemuBenches.URI_QEMU)) {
      Networks networks = new Networks();
      Pools pools = new Pools();
      cleanup(raw.conn, networks);
      cleanup(raw.conn, pools);
      try {
        measure(c, raw.conn, networks, pools);
      } finally {
        cleanup(raw.conn, networks);
        cleanup(raw.conn, pools);
      }
    }
  }

  private static void measure(Ctx c, Connect conn, Networks networks, Pools pools) throws Exception {
    int n = c.quick ? 10 : 100;
    Path dirs = c.dir("pools");
    String bridge = "vrb" + UUID.randomUUID().toString().substring(0, 6);
    String netCas = RawLibvirt.PREFIX + "ncas";
    String poolCas = RawLibvirt.PREFIX + "pcas";
    IntFunction<String> netXml = i -> network(netCas, RawLibvirt.uuid(netCas), bridge + "c", i % 2 == 0 ? 1400 : 1500);
    IntFunction<String> poolXml = i -> pool(poolCas, RawLibvirt.uuid(poolCas), dirs.resolve("cas"),
        i % 2 == 0 ? 0711 : 0755);
    // Item 5's baselines first, with no daemon watching the host.
    Stats rawNet = rawDefines(c, conn, networks, netXml);
    Stats rawPool = rawDefines(c, conn, pools, poolXml);
    StoragePool casPool = conn.storagePoolLookupByName(poolCas);
    casPool.build(0); // its directory, so it can start
    casPool.free();
    for (int i = 0; i < n; i++) {
      String num = String.format("%03d", i);
      networks.define(conn, network(RawLibvirt.PREFIX + "n" + num, RawLibvirt.uuid("n" + num), bridge + num, 1500));
      pools.define(conn, pool(RawLibvirt.PREFIX + "p" + num, RawLibvirt.uuid("p" + num), dirs.resolve(num), 0755));
    }
    try (DaemonProcess d = c.daemon(QemuBenches.URI_QEMU, "daemon-kinds")) {
      for (RawKind k : List.of(networks, pools)) {
        awaitItems(c, d.port, k.resource(), k.names(conn).size(), Duration.ofMinutes(2));
        list(c, d, conn, k);
      }
      watch(c, d, conn, networks, netCas, "/status/active", "true", "false");
      watch(c, d, conn, pools, poolCas, "/status/state", "running", "inactive");
      cas(c, d, networks, netCas, netXml, rawNet);
      cas(c, d, pools, poolCas, poolXml, rawPool);
    }
  }

  /** An isolated network without an address (libvirt starts no dnsmasq for it). */
  private static String network(String name, String uuid, String bridge, int mtu) {
    return "<network><name>" + name + "</name><uuid>" + uuid + "</uuid><bridge name='" + bridge + "'/><mtu size='"
        + mtu + "'/><dns enable='no'/></network>";
  }

  private static String pool(String name, String uuid, Path target, int mode) {
    return "<pool type='dir'><name>" + name + "</name><uuid>" + uuid + "</uuid><target><path>" + target
        + "</path><permissions><mode>0" + Integer.toOctalString(mode) + "</mode></permissions></target></pool>";
  }

  private static Stats rawDefines(Ctx c, Connect conn, RawKind k, IntFunction<String> xml) throws LibvirtException {
    for (int i = 0; i < 3; i++) {
      k.define(conn, xml.apply(i));
    }
    LongList times = new LongList();
    for (int i = 0; i < c.sizes.casIterations(); i++) {
      String x = xml.apply(i);
      long t0 = System.nanoTime();
      k.define(conn, x);
      times.add(System.nanoTime() - t0);
    }
    return Stats.ofNanos(times.toArray());
  }

  private static void awaitItems(Ctx c, int port, String resource, int n, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (c.get(port, "/readyz").statusCode() != 200 || json(c.get(port, G + "/" + resource).body())
        .get("items").size() < n) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("daemon did not list " + n + " " + resource + " within " + max);
      }
      Ctx.sleep(200);
    }
  }

  private static void list(Ctx c, DaemonProcess d, Connect conn, RawKind k) throws LibvirtException {
    String path = G + "/" + k.resource();
    for (int i = 0; i < 3; i++) {
      c.timeGet(d.port, path);
      k.relist(conn);
    }
    LongList daemon = new LongList();
    LongList direct = new LongList();
    for (int i = 0; i < c.sizes.listIterations(); i++) { // interleaved, so both see the same host
      daemon.add(c.timeGet(d.port, path));
      long t0 = System.nanoTime();
      k.relist(conn);
      direct.add(System.nanoTime() - t0);
    }
    Stats ds = Stats.ofNanos(daemon.toArray());
    Stats rs = Stats.ofNanos(direct.toArray());
    int total = k.names(conn).size();
    c.report.raw("list." + k.resource() + ".daemon", ds);
    c.report.raw("list." + k.resource() + ".directRelist", rs);
    c.report.row("1", "list " + total + " " + k.resource() + ": `GET " + path + "` (qemu:///system)",
        "p50 " + Report.num(ds.p50()) + " ms, p99 " + Report.num(ds.p99()) + " ms",
        "direct relist (list names, look up each, XML + autostart/info): p50 " + Report.num(rs.p50()) + " ms, p99 "
            + Report.num(rs.p99()) + " ms",
        Report.ratio(rs.p50() / ds.p50()) + " faster", "—", "", ds.n() + " lists, " + rs.n()
            + " relists, interleaved; time to the last byte of the body");
  }

  /**
   * Start and destroy of one object made with libvirt-java, each awaited on a watch of the kind's
   * collection: from the call's start to the watch line showing {@code field} changed; the baseline is the
   * libvirt call itself (what a platform that made the change waits for).
   */
  private static void watch(Ctx c, DaemonProcess d, Connect conn, RawKind k, String name, String field, String on,
      String off) throws Exception {
    String path = G + "/" + k.resource();
    long rv = Long.parseLong(json(c.get(d.port, path).body()).at("/metadata/resourceVersion").asText());
    BlockingQueue<long[]> seen = new LinkedBlockingQueue<>(); // receive time, 1 if field == on
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port + path
        + "?watch=true&resourceVersion=" + rv)).GET().build();
    HttpResponse<java.util.stream.Stream<String>> res = c.http.send(req, HttpResponse.BodyHandlers.ofLines());
    Thread reader = new Thread(() -> {
      try (java.util.stream.Stream<String> lines = res.body()) {
        lines.forEach(line -> {
          long t = System.nanoTime();
          JsonNode o = json(line).get("object");
          if (o != null && name.equals(o.at("/metadata/name").asText())) {
            seen.add(new long[] {t, o.at(field).asText().equals(on) ? 1 : 0});
          }
        });
      } catch (RuntimeException e) {
        // closed at the end
      }
    }, "bench-kind-watch");
    reader.setDaemon(true);
    reader.start();
    LongList watched = new LongList();
    LongList calls = new LongList();
    LongList added = new LongList(); // after the call returned
    int iterations = c.sizes.latencyMutations();
    try {
      for (int i = 0; i < iterations + 2; i++) {
        boolean start = i % 2 == 0;
        long t0 = System.nanoTime();
        if (start) {
          k.start(conn, name);
        } else {
          k.destroy(conn, name);
        }
        long call = System.nanoTime() - t0;
        long got;
        while (true) {
          long[] e = seen.poll(30, TimeUnit.SECONDS);
          if (e == null) {
            throw new IllegalStateException(k.resource() + "/" + name + ": no watch event within 30 s of "
                + (start ? "start" : "destroy"));
          }
          if ((e[1] == 1) == start) {
            got = e[0] - t0;
            break;
          }
        }
        if (i >= 2) {
          watched.add(got);
          calls.add(call);
          added.add(Math.max(0, got - call));
        }
        Ctx.sleep(20);
      }
    } finally {
      res.body().close();
    }
    Stats ws = Stats.ofNanos(watched.toArray());
    Stats cs = Stats.ofNanos(calls.toArray());
    Stats as = Stats.ofNanos(added.toArray());
    c.report.raw("watch." + k.resource() + ".watcher", ws);
    c.report.raw("watch." + k.resource() + ".libvirtCall", cs);
    c.report.raw("watch." + k.resource() + ".addedAfterCall", as);
    c.report.row("2", "change → watcher, " + k.resource() + ": start/destroy with libvirt, seen on `GET " + path
            + "?watch=true` (" + field.substring(field.lastIndexOf('/') + 1) + " " + on + "/" + off + ")",
        "p50 " + Report.num(ws.p50()) + " ms, p99 " + Report.num(ws.p99()) + " ms (after the call returned: p50 "
            + Report.num(as.p50()) + ", p99 " + Report.num(as.p99()) + " ms)",
        "the libvirt call itself (create/destroy): p50 " + Report.num(cs.p50()) + " ms, p99 " + Report.num(cs.p99())
            + " ms", Report.ratio(ws.p50() / cs.p50()), "—", "",
        ws.n() + " changes, alternating, one watcher; from the call's start to the watch line");
  }

  private static void cas(Ctx c, DaemonProcess d, RawKind k, String name, IntFunction<String> xml, Stats raw)
      throws Exception {
    String url = "http://127.0.0.1:" + d.port + G + "/" + k.resource() + "/" + name;
    String etag = c.get(d.port, G + "/" + k.resource() + "/" + name).headers().firstValue("etag").orElseThrow();
    LongList puts = new LongList();
    int iterations = c.sizes.casIterations() + 3;
    for (int i = 0; i < iterations; i++) {
      HttpRequest req = HttpRequest.newBuilder(URI.create(url + "?fieldValidation=Ignore"))
          .header("Content-Type", "application/xml").header("If-Match", etag)
          .PUT(HttpRequest.BodyPublishers.ofString(xml.apply(i))).build();
      long t0 = System.nanoTime();
      HttpResponse<String> res = c.http.send(req, HttpResponse.BodyHandlers.ofString());
      long dt = System.nanoTime() - t0;
      if (res.statusCode() != 200) {
        throw new IllegalStateException("PUT " + k.resource() + " -> " + res.statusCode() + ": " + res.body());
      }
      etag = res.headers().firstValue("etag").orElseThrow();
      if (i >= 3) {
        puts.add(dt);
      }
      Ctx.sleep(20); // as between real edits (QemuBenches.cas)
    }
    Stats ps = Stats.ofNanos(puts.toArray());
    double ratio = ps.p50() / raw.p50();
    c.report.raw("cas." + k.resource() + ".daemonPut", ps);
    c.report.raw("cas." + k.resource() + ".rawDefine", raw);
    c.report.row("5", "CAS update of a " + k.resource().replaceAll("s$", "") + ": `PUT` with `If-Match`,"
            + " `fieldValidation=Ignore` (qemu:///system)",
        "p50 " + Report.num(ps.p50()) + " ms, p99 " + Report.num(ps.p99()) + " ms",
        "raw define of the same XML: p50 " + Report.num(raw.p50()) + " ms, p99 " + Report.num(raw.p99()) + " ms",
        Report.ratio(ratio), "<= 1.5x", Report.met(ratio <= 1.5),
        ps.n() + " PUTs, each with the ETag of the previous answer; raw defines measured before the daemon started");
  }

  private static void cleanup(Connect conn, RawKind k) throws LibvirtException {
    for (String name : k.names(conn)) {
      if (name.startsWith(RawLibvirt.PREFIX)) {
        try {
          k.remove(conn, name);
        } catch (LibvirtException e) {
          // gone meanwhile
        }
      }
    }
  }

  private static JsonNode json(String s) {
    try {
      return Json.mapper().readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
