package io.virtrev.bench;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import io.virtrev.api.source.DomainSource;
import io.virtrev.daemon.DaemonConfig;
import io.virtrev.daemon.Virtrevd;
import io.virtrev.fixtures.FakeDomainSource;
import io.virtrev.libvirt.LibvirtDomainSource;
import io.virtrev.libvirt.LibvirtSourceConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon under measurement, in a JVM of its own (so its CPU, RSS and allocation are its own):
 * {@link Virtrevd#start} on a {@link LibvirtDomainSource} or a {@link FakeDomainSource}, the same
 * composition the packaged daemon runs. Prints {@code READY <port>}, then answers one line per
 * command read from stdin ({@code stats}, {@code gc}, {@code define N}, {@code churn RATE SECONDS},
 * {@code until-rev R}, {@code quit}). The fake's mutations stand in for libvirt when a benchmark needs
 * more revisions per second than a hypervisor makes.
 */
public final class DaemonHost {
  private final Virtrevd daemon;
  private final FakeDomainSource fake;
  private final List<String> uuids = new ArrayList<>();
  private long mutations;

  private DaemonHost(Virtrevd daemon, FakeDomainSource fake) {
    this.daemon = daemon;
    this.fake = fake;
  }

  public static void main(String[] args) throws Exception {
    String source = args[0];
    Path dir = Path.of(args[1]);
    FakeDomainSource fake = source.equals("fake") ? new FakeDomainSource() : null;
    DomainSource src = fake != null ? fake : new LibvirtDomainSource(LibvirtSourceConfig.defaults(source));
    DaemonConfig cfg = DaemonConfig.defaults(source, dir).withListen("127.0.0.1", 0);
    Virtrevd d = Virtrevd.start(cfg, src);
    DaemonHost host = new DaemonHost(d, fake);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("READY " + d.address().getPort());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] c = line.trim().split("\\s+");
      try {
        String reply = host.handle(c);
        out.println(reply);
        if (c[0].equals("quit")) {
          break;
        }
      } catch (RuntimeException e) {
        out.println("ERR " + e);
      }
    }
    System.exit(0);
  }

  private String handle(String[] c) {
    switch (c[0]) {
      case "stats":
        return stats();
      case "gc":
        for (int i = 0; i < 3; i++) {
          System.gc();
          LockSupport.parkNanos(200_000_000L);
        }
        return stats();
      case "rev":
        return Long.toString(rev());
      case "define": {
        int n = Integer.parseInt(c[1]);
        int base = uuids.size();
        long target = rev() + n;
        for (int i = 0; i < n; i++) {
          uuids.add(fake.defineTiny(String.format("vrt-bench-%06d", base + i)));
        }
        while (rev() < target) { // each define is one revision: wait until all are committed
          LockSupport.parkNanos(1_000_000L);
        }
        return "ok " + rev();
      }
      case "churn":
        return churn(Double.parseDouble(c[1]), Double.parseDouble(c[2]));
      case "until-rev":
        return untilRev(Long.parseLong(c[1]));
      case "quit":
        daemon.close();
        return "bye";
      default:
        throw new IllegalArgumentException("unknown command: " + c[0]);
    }
  }

  private long rev() {
    return daemon.store().snapshot().revision().value();
  }

  /** The next redefine of the domains round robin; each changes the domain's XML (32 <-> 33 MiB). */
  private void mutate() {
    int i = (int) (mutations % uuids.size());
    long round = mutations / uuids.size();
    fake.redefine(uuids.get(i), round % 2 == 0 ? 33 : 32);
    mutations++;
  }

  /** Redefines at {@code rate} per second for {@code seconds}, paced in 10 ms steps. */
  private String churn(double rate, double seconds) {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long done = 0;
    long rev0 = rev();
    while (System.nanoTime() < end) {
      long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
      while (done < due) {
        mutate();
        done++;
      }
      LockSupport.parkNanos(2_000_000L);
    }
    return "ok " + done + " " + rev0 + " " + quietRev();
  }

  /**
   * The revision once the store has been quiet for 200 ms (at most 10 s): the last redefines may still
   * be on their way through the reconciler and the commit, and a caller that takes the revision as the
   * last one watchers will see must not get one that is overtaken a moment later.
   */
  private long quietRev() {
    long giveUp = System.nanoTime() + 10_000_000_000L;
    long seen = rev();
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < 200_000_000L && System.nanoTime() < giveUp) {
      LockSupport.parkNanos(5_000_000L);
      long r = rev();
      if (r != seen) {
        seen = r;
        quietSince = System.nanoTime();
      }
    }
    return seen;
  }

  /** Redefines as fast as the store keeps up (at most 5,000 ahead) until it reaches revision {@code target}. */
  private String untilRev(long target) {
    long rev0 = rev();
    long m0 = mutations;
    while (rev() < target) {
      if ((mutations - m0) - (rev() - rev0) > 5_000) {
        LockSupport.parkNanos(1_000_000L);
        continue;
      }
      for (int i = 0; i < 256; i++) {
        mutate();
      }
    }
    return "ok " + rev();
  }

  private String stats() {
    ThreadMXBean t = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long alloc = 0;
    for (long a : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
      alloc += Math.max(0, a);
    }
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long direct = io.virtrev.daemon.http.ApiServer.ALLOCATOR instanceof io.netty.buffer.ByteBufAllocatorMetricProvider p
        ? p.metric().usedDirectMemory() : -1;
    return String.format("{\"rev\":%d,\"cpuNanos\":%d,\"allocatedBytes\":%d,\"heapUsed\":%d,"
        + "\"heapCommitted\":%d,\"heapRss\":%d,\"nettyDirect\":%d}", rev(), os.getProcessCpuTime(), alloc,
        heap.getUsed(), heap.getCommitted(), heapRss(), direct);
  }

  /**
   * The resident bytes of the Java heap's address range (from {@code GC.heap_info}, summed over
   * /proc/self/smaps), -1 if unknown. Committed heap is resident only once touched: a heap that grows into
   * pages it had committed but never used raises RSS with no change in committed size.
   */
  private static final java.util.regex.Pattern HEAP_RANGE =
      java.util.regex.Pattern.compile("\\[(0x[0-9a-f]+), (0x[0-9a-f]+)\\)");
  /** A mapping's first line in smaps: {@code start-end perms ...}. */
  private static final java.util.regex.Pattern SMAPS_HEADER = java.util.regex.Pattern.compile("([0-9a-f]+)-[0-9a-f]+ ");

  private static long heapRss() {
    try {
      String info = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
          new Object[] {null}, new String[] {String[].class.getName()});
      java.util.regex.Matcher m = HEAP_RANGE.matcher(info);
      long lo = Long.MAX_VALUE;
      long hi = 0;
      while (m.find()) {
        lo = Math.min(lo, Long.parseUnsignedLong(m.group(1).substring(2), 16));
        hi = Math.max(hi, Long.parseUnsignedLong(m.group(2).substring(2), 16));
      }
      if (hi == 0) {
        return -1;
      }
      long rss = 0;
      boolean in = false;
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/smaps"))) {
        java.util.regex.Matcher header = SMAPS_HEADER.matcher(line);
        if (header.lookingAt()) {
          long start = Long.parseUnsignedLong(header.group(1), 16);
          in = start >= lo && start < hi;
        } else if (in && line.startsWith("Rss:")) {
          rss += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return rss;
    } catch (Exception e) {
      return -1;
    }
  }
}
