package io.virtrev.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Items 3 (fan-out) and 6 (memory): the daemon in its own JVM on the in-memory fake hypervisor
 * ({@code FakeDomainSource}, in that JVM), because no libvirt makes 500 revisions/s or 100,000 revisions
 * quickly; everything after the source (reconciler, store with fsync, fan-out, HTTP) is the real daemon.
 */
final class FakeBenches {
  private FakeBenches() {}

  static void run(Ctx c) throws Exception {
    c.report.notes.add("Items 3 and 6 run the daemon (own JVM, default JVM flags as `java -jar`, default config) on "
        + "`FakeDomainSource` inside that JVM: each change is a redefine of one of the domains, which emits the "
        + "event the reconciler re-reads, as libvirt's would. CPU and RSS from /proc/<pid>; allocation is the sum "
        + "of `ThreadMXBean.getThreadAllocatedBytes` over the daemon's threads; heap after 3 `System.gc()`.");
    fanout(c);
    memory(c);
  }

  private static void fanout(Ctx c) throws Exception {
    int w = c.sizes.fanoutWatchers();
    int rate = c.sizes.fanoutRate();
    int secs = c.sizes.fanoutSeconds();
    try (DaemonProcess d = c.daemon("fake", "daemon-fanout")) {
      long rv0 = Long.parseLong(d.command("define 100").split(" ")[1]);
      long[] last = new long[w];
      long[] count = new long[w];
      long[] bad = new long[w];
      AtomicLong total = new AtomicLong();
      try (Watchers ws = new Watchers(d.port, w, Ctx.DOMAINS + "?watch=true&resourceVersion=" + rv0,
          (id, rv, t) -> {
            long prev = last[id] == 0 ? rv0 : last[id];
            if (rv != prev + 1) {
              bad[id]++;
            }
            last[id] = rv;
            count[id]++;
            total.incrementAndGet();
          })) {
        ProcStats p0 = d.proc();
        JsonNode s0 = d.stats(false);
        long t0 = System.nanoTime();
        String[] res = d.command("churn " + rate + " " + secs).split(" ");
        long t1 = System.nanoTime();
        ProcStats p1 = d.proc();
        JsonNode s1 = d.stats(false);
        long rv1 = Long.parseLong(res[3]);
        long revs = rv1 - rv0;
        long want = revs * w;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (total.get() < want && System.nanoTime() < end) {
          LockSupport.parkNanos(1_000_000);
        }
        double drain = (System.nanoTime() - t1) / 1e9;
        long complete = 0;
        long disorder = 0;
        for (int i = 0; i < w; i++) {
          if (count[i] == revs && last[i] == rv1) {
            complete++;
          }
          disorder += bad[i];
        }
        double elapsed = (t1 - t0) / 1e9;
        double cpu = (p1.cpuNanos() - p0.cpuNanos()) / 1e9 / elapsed * 100;
        double alloc = (s1.get("allocatedBytes").asLong() - s0.get("allocatedBytes").asLong()) / elapsed / (1 << 20);
        boolean ok = complete == w && disorder == 0;
        c.report.raw("fanout", java.util.Map.of("watchers", w, "revisions", revs, "seconds", elapsed,
            "completeWatchers", complete, "outOfOrderOrGaps", disorder, "cpuPercent", cpu, "allocMiBPerSec", alloc,
            "rssBytes", p1.rssBytes(), "hwmBytes", p1.hwmBytes(), "drainSeconds", drain));
        c.report.row("3", "fan-out: " + w + " watchers, " + rate + " revisions/s for " + secs + " s",
            complete + "/" + w + " watchers got all " + revs + " revisions in order (" + disorder + " gaps or reorders)",
            "—", "", "every watcher every event, in order", Report.met(ok),
            Report.num(revs / elapsed) + " revisions/s committed; " + Report.num(w * revs / elapsed)
                + " events/s delivered; last delivery " + Report.num(drain) + " s after the last commit");
        c.report.row("3", "fan-out: daemon CPU, RSS, allocation rate",
            Report.num(cpu) + "% CPU (of one core), RSS " + p1.rssBytes() / (1 << 20) + " MiB (peak "
                + p1.hwmBytes() / (1 << 20) + " MiB), " + Report.num(alloc) + " MiB/s allocated",
            "—", "", "—", "", "over the " + secs + " s of commits; watcher clients (1 Netty thread) share the 2 cores");
      }
    }
  }

  /**
   * Heap after GC once it stopped moving (two readings a second apart within 1 MiB, at most 10 tries):
   * background work that finishes meanwhile (compaction, event-log eviction) must not count as the
   * watchers' memory, in either direction.
   */
  private static JsonNode settled(DaemonProcess d) {
    JsonNode prev = d.stats(true);
    for (int i = 0; i < 10; i++) {
      Ctx.sleep(1000);
      JsonNode now = d.stats(true);
      if (Math.abs(now.get("heapUsed").asLong() - prev.get("heapUsed").asLong()) < (1 << 20)) {
        return now;
      }
      prev = now;
    }
    return prev;
  }

  private static void memory(Ctx c) throws Exception {
    int domains = c.sizes.memDomains();
    int revisions = c.sizes.memRevisions();
    int w = c.sizes.memWatchers();
    try (DaemonProcess d = c.daemon("fake", "daemon-memory")) {
      d.command("define " + domains);
      long rev = Long.parseLong(d.command("until-rev " + revisions).split(" ")[1]);
      String path = Ctx.DOMAINS + "?watch=true&resourceVersion=" + rev;
      JsonNode cold = settled(d);
      ProcStats pCold = d.proc();
      // Two batches of W watchers; the figure is what the second batch adds while the first stays open.
      // The first connections a process serves also pay one-time costs (NMT: JIT code, classes, the HTTP
      // event-loop threads, a 4 MiB chunk per event loop in Netty's pooled allocator: ~20-40 MiB in all,
      // none of it per connection); the first batch's figure, with them, is in the raw numbers.
      try (Watchers first = new Watchers(d.port, w, path, (i, r, t) -> { })) {
        JsonNode s0 = settled(d);
        ProcStats p0 = d.proc();
        Usage firstBatch = Usage.between(cold, pCold, s0, p0, w);
        Usage perWatcher;
        try (Watchers second = new Watchers(d.port, w, path, (i, r, t) -> { })) {
          perWatcher = Usage.between(s0, p0, settled(d), d.proc(), w);
        }
        double rssMiB = pCold.rssBytes() / (double) (1 << 20);
        double heapMiB = cold.get("heapUsed").asLong() / (double) (1 << 20);
        c.report.raw("memory", java.util.Map.of("domains", domains, "revision", rev, "rssBytes", pCold.rssBytes(),
            "heapUsedAfterGc", cold.get("heapUsed").asLong(), "watchers", w, "heapPerWatcher", perWatcher.heap(),
            "offHeapRssPerWatcher", perWatcher.offHeap(), "nettyDirectPerWatcher", perWatcher.nettyDirect(),
            "firstBatchPerWatcher", firstBatch));
        c.report.row("6", "RSS with " + domains + " domains and " + rev + " retained revisions",
            Report.num(rssMiB) + " MiB RSS (heap in use after GC " + Report.num(heapMiB) + " MiB)", "—", "",
            "< 512 MiB RSS", Report.met(rssMiB < 512), "after 3 full GCs; default JVM heap sizing");
        c.report.row("6", "bytes per idle watcher (" + w + " more watchers beside " + w + " open ones)",
            Report.num(perWatcher.heap() / 1024) + " KiB heap + " + Report.num(Math.max(0, perWatcher.offHeap()) / 1024)
                + " KiB off-heap RSS (Netty direct " + Report.num(perWatcher.nettyDirect() / 1024) + " KiB)", "—", "",
            "< 16 KiB", Report.met(perWatcher.heap() + Math.max(0, perWatcher.offHeap()) < 16 * 1024),
            "heap in use after GC once settled, and RSS growth less the heap's resident growth; the first " + w
                + " watchers cost " + Report.num((firstBatch.heap() + Math.max(0, firstBatch.offHeap())) / 1024)
                + " KiB each with the process's one-time costs (" + Report.num(firstBatch.nettyDirect() / 1024)
                + " KiB of it Netty's first pool chunks); met if the sum is under");
      }
    }
  }

  /**
   * What W watchers added per watcher between two readings: heap in use after GC; off-heap, i.e. RSS
   * growth less the growth of the heap's resident pages (heap pages touched for the first time are heap,
   * counted in use already, not off-heap); and Netty's used direct memory.
   */
  private record Usage(double heap, double offHeap, double nettyDirect) {
    static Usage between(JsonNode s0, ProcStats p0, JsonNode s1, ProcStats p1, int w) {
      return new Usage((double) (s1.get("heapUsed").asLong() - s0.get("heapUsed").asLong()) / w,
          (double) ((p1.rssBytes() - p0.rssBytes()) - (s1.get("heapRss").asLong() - s0.get("heapRss").asLong())) / w,
          (double) (s1.get("nettyDirect").asLong() - s0.get("nettyDirect").asLong()) / w);
    }
  }
}
