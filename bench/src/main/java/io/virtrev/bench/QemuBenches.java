package io.virtrev.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.Json;
import io.virtrev.fixtures.DomainXml;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Item 1 on the real QEMU driver (tiny TCG domains, defined, not started) against {@code virsh}, and
 * item 5 (CAS update through the daemon versus a raw define, and PATCH versus PUT), on the same libvirtd.
 */
final class QemuBenches {
  static final String URI_QEMU = "qemu:///system";

  private QemuBenches() {}

  static void run(Ctx c) throws Exception {
    Report r = c.report;
    int n = c.sizes.qemuDomains();
    try (RawLibvirt raw = new RawLibvirt(URI_QEMU)) {
      raw.cleanup();
      // Item 5's baseline first, with no daemon watching the host.
      String cas = RawLibvirt.PREFIX + "cas";
      String casUuid = UUID.randomUUID().toString();
      raw.define(DomainXml.tiny(cas, casUuid, 32)).free();
      for (int i = 0; i < 3; i++) {
        raw.define(DomainXml.tiny(cas, casUuid, i % 2 == 0 ? 48 : 32)).free();
      }
      LongList rawDefine = new LongList();
      LongList rawValidated = new LongList();
      for (int i = 0; i < c.sizes.casIterations(); i++) { // interleaved, so both see the same host
        String xml = DomainXml.tiny(cas, casUuid, i % 2 == 0 ? 48 : 32);
        long t0 = System.nanoTime();
        raw.define(xml).free();
        rawDefine.add(System.nanoTime() - t0);
        String xml2 = DomainXml.tiny(cas, casUuid, i % 2 == 0 ? 40 : 56);
        long t1 = System.nanoTime();
        raw.defineValidated(xml2);
        rawValidated.add(System.nanoTime() - t1);
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = String.format("%sq%03d", RawLibvirt.PREFIX, i);
        raw.define(DomainXml.tiny(name, UUID.randomUUID().toString(), 32)).free();
        names.add(name);
      }
      int total = raw.names().size();
      try (DaemonProcess d = c.daemon(URI_QEMU, "daemon-qemu")) {
        c.awaitItems(d.port, total, Duration.ofMinutes(3));
        listVsVirsh(c, d, raw, names, total);
        cas(c, d, cas, casUuid, "Ignore", Stats.ofNanos(rawDefine.toArray()));
        cas(c, d, cas, casUuid, "Strict", Stats.ofNanos(rawValidated.toArray()));
        patchVsPut(c, d, cas);
      }
      raw.cleanup();
    }
  }

  private static void listVsVirsh(Ctx c, DaemonProcess d, RawLibvirt raw, List<String> names, int total)
      throws Exception {
    for (int i = 0; i < 3; i++) {
      c.timeGet(d.port, Ctx.DOMAINS);
      raw.relist();
    }
    LongList daemon = new LongList();
    LongList java = new LongList();
    for (int i = 0; i < 20; i++) {
      daemon.add(c.timeGet(d.port, Ctx.DOMAINS));
      long t0 = System.nanoTime();
      raw.relist();
      java.add(System.nanoTime() - t0);
    }
    long t0 = System.nanoTime();
    for (String name : names) {
      virsh("dumpxml", name);
    }
    double separate = (System.nanoTime() - t0) / 1e6;
    LongList batched = new LongList();
    String batch = String.join("; ", names.stream().map(nm -> "dumpxml " + nm).toList());
    for (int i = 0; i < 5; i++) {
      long t1 = System.nanoTime();
      virsh(batch);
      batched.add(System.nanoTime() - t1);
    }
    Stats ds = Stats.ofNanos(daemon.toArray());
    Stats js = Stats.ofNanos(java.toArray());
    Stats bs = Stats.ofNanos(batched.toArray());
    int n = names.size();
    c.report.raw("listQemu.daemon", ds);
    c.report.raw("listQemu.javaRelist", js);
    c.report.raw("listQemu.virshSeparateMs", separate);
    c.report.raw("listQemu.virshBatched", bs);
    String what = "list " + n + " QEMU-driver domains (" + total + " on the host)";
    String fig = "p50 " + Report.num(ds.p50()) + " ms, p99 " + Report.num(ds.p99()) + " ms";
    c.report.row("1", what + " vs `virsh dumpxml` each", fig,
        n + " `virsh dumpxml` processes: " + Report.num(separate) + " ms", Report.ratio(separate / ds.p50()) + " faster",
        "—", "", "virsh: one pass, sequential");
    c.report.row("1", what + " vs one batched virsh", fig,
        "one `virsh 'dumpxml a; dumpxml b; …'`: p50 " + Report.num(bs.p50()) + " ms", Report.ratio(bs.p50() / ds.p50())
            + " faster", "—", "", bs.n() + " runs");
    c.report.row("1", what + " vs direct relist (Java)", fig,
        "listAllDomains + getXMLDesc each: p50 " + Report.num(js.p50()) + " ms, p99 " + Report.num(js.p99()) + " ms",
        Report.ratio(js.p50() / ds.p50()) + " faster", "—", "", ds.n() + " each, interleaved");
  }

  private static void virsh(String... cmd) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("virsh", "-q", "-c", URI_QEMU));
    args.addAll(List.of(cmd));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("virsh " + String.join(" ", cmd).substring(0, 40) + " failed");
    }
  }

  /**
   * Closed loop of PUTs with If-Match under {@code fieldValidation}, against the raw define that asks
   * libvirt for the same work: Ignore against plain {@code virDomainDefineXML} (the baseline),
   * Strict (the daemon's default) against {@code virDomainDefineXMLFlags(VALIDATE)}.
   */
  private static void cas(Ctx c, DaemonProcess d, String name, String uuid, String validation, Stats raw)
      throws Exception {
    String etag = c.get(d.port, Ctx.DOMAINS + "/" + name).headers().firstValue("etag").orElseThrow();
    LongList puts = new LongList();
    int iterations = c.sizes.casIterations() + 3;
    for (int i = 0; i < iterations; i++) {
      String xml = DomainXml.tiny(name, uuid, i % 2 == 0 ? 48 : 32);
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port + Ctx.DOMAINS + "/" + name
              + "?fieldValidation=" + validation))
          .header("Content-Type", "application/xml").header("If-Match", etag)
          .PUT(HttpRequest.BodyPublishers.ofString(xml)).build();
      long t0 = System.nanoTime();
      HttpResponse<String> res = c.http.send(req, HttpResponse.BodyHandlers.ofString());
      long dt = System.nanoTime() - t0;
      if (res.statusCode() != 200) {
        throw new IllegalStateException("PUT -> " + res.statusCode() + ": " + res.body());
      }
      etag = res.headers().firstValue("etag").orElseThrow();
      if (i >= 3) {
        puts.add(dt);
      }
      Ctx.sleep(20); // let libvirt's echo event be re-read before the next PUT, as between real edits
    }
    Stats ps = Stats.ofNanos(puts.toArray());
    double ratio = ps.p50() / raw.p50();
    boolean strict = validation.equals("Strict");
    c.report.raw("cas." + validation + ".daemonPut", ps);
    c.report.raw("cas." + validation + ".rawDefine", raw);
    c.report.row("5", "CAS update: `PUT` with `If-Match`, `fieldValidation=" + validation + "`"
            + (strict ? " (the default)" : "") + " (qemu:///system)",
        "p50 " + Report.num(ps.p50()) + " ms, p99 " + Report.num(ps.p99()) + " ms",
        (strict ? "raw `virDomainDefineXMLFlags(VALIDATE)`" : "raw `virDomainDefineXML`") + ": p50 "
            + Report.num(raw.p50()) + " ms, p99 " + Report.num(raw.p99()) + " ms",
        Report.ratio(ratio), "<= 1.5x", Report.met(ratio <= 1.5),
        ps.n() + " PUTs, each with the ETag of the previous answer; raw defines measured before the daemon started"
            + (strict ? "; libvirt's schema validation on both sides" : "; no schema validation on either side"));
  }

  /**
   * The same change (the memory) to the same domain, alternately as kubectl edit sends it (a merge patch
   * of {@code spec.xml}, conditional through its edit-base marker) and as a PUT of the whole object
   * (conditional through its resourceVersion), each built from the previous answer; default
   * {@code fieldValidation} (Strict) on both, so the ratio is what PATCH adds: applying the patch to the
   * current object on the reconciler's lane.
   */
  private static void patchVsPut(Ctx c, DaemonProcess d, String name) throws Exception {
    ObjectMapper json = Json.mapper();
    URI url = URI.create("http://127.0.0.1:" + d.port + "/apis/virtrev.io/v1/domains/" + name);
    ObjectNode cur = (ObjectNode)
        json.readTree(c.get(d.port, "/apis/virtrev.io/v1/domains/" + name).body());
    LongList patches = new LongList();
    LongList puts = new LongList();
    int iterations = c.sizes.casIterations() + 3;
    for (int i = 0; i < 2 * iterations; i++) {
      boolean patch = i % 2 == 0;
      String xml = cur.at("/spec/xml").asText();
      String changed = xml.contains(">49152<") ? xml.replace(">49152<", ">32768<") : xml.replace(">32768<", ">49152<");
      HttpRequest.Builder b = HttpRequest.newBuilder(url);
      if (patch) {
        ObjectNode p = json.createObjectNode();
        p.putObject("spec").put("xml", changed);
        b.header("Content-Type", "application/merge-patch+json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(p.toString()));
      } else {
        ((ObjectNode) cur.get("spec")).put("xml", changed);
        b.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(cur.toString()));
      }
      long t0 = System.nanoTime();
      HttpResponse<String> res = c.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      long dt = System.nanoTime() - t0;
      if (res.statusCode() != 200) {
        throw new IllegalStateException((patch ? "PATCH" : "PUT") + " -> " + res.statusCode() + ": " + res.body());
      }
      cur = (ObjectNode) json.readTree(res.body());
      if (i >= 6) {
        (patch ? patches : puts).add(dt);
      }
      Ctx.sleep(20); // as between real edits (see cas)
    }
    Stats ps = Stats.ofNanos(patches.toArray());
    Stats us = Stats.ofNanos(puts.toArray());
    double ratio = ps.p50() / us.p50();
    c.report.raw("patchVsPut.patch", ps);
    c.report.raw("patchVsPut.put", us);
    c.report.row("5", "PATCH vs PUT latency: merge patch of the memory (as `kubectl edit` sends it) vs PUT of the"
            + " whole object (qemu:///system)",
        "PATCH p50 " + Report.num(ps.p50()) + " ms, p99 " + Report.num(ps.p99()) + " ms",
        "PUT p50 " + Report.num(us.p50()) + " ms, p99 " + Report.num(us.p99()) + " ms", Report.ratio(ratio),
        "<= 1.2x", Report.met(ratio <= 1.2),
        ps.n() + " of each, alternating on one domain, each built from the previous answer; fieldValidation=Strict");
  }
}
