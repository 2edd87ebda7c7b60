package io.virtrev.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every benchmark of issue 5 in one process and writes the table. Usually started by
 * {@code scripts/bench.sh}, which brings up libvirtd and etcd first.
 *
 * <pre>BenchMain [--quick] --repo DIR --out DIR --work DIR [--etcd HOST:PORT] [--only 1,2,...,kinds,fleet,jmh] [--command TEXT]</pre>
 *
 * <p>{@code --only} runs the sections that hold one of the items given; {@code --only 2} (change latency)
 * also leaves out that section's 10,000-domain list and startup.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Path repo = Path.of(".");
    Path out = null;
    Path work = null;
    String etcd = null;
    String command = "scripts/bench.sh";
    Set<String> only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--etcd" -> etcd = args[++i];
        case "--command" -> command = args[++i];
        case "--only" -> only = Set.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if (out == null || work == null) {
      throw new IllegalArgumentException("--out and --work are required");
    }
    Files.createDirectories(work);
    Report report = new Report();
    Ctx c = new Ctx(quick, report, work, repo, etcd);
    long t0 = System.nanoTime();
    List<String> failures = new ArrayList<>();
    // --only 2 alone skips the 10,000-domain list and the startup (items 1 and 7): latency needs only the 1,000
    boolean large = only == null || only.contains("1") || only.contains("7");
    run("list, latency, startup (test driver)", only, Set.of("1", "2", "7"), failures,
        () -> TestDriverBenches.run(c, large));
    run("QEMU list and CAS", only, Set.of("1", "5"), failures, () -> QemuBenches.run(c));
    run("networks and storage pools: list, watch, CAS", only, Set.of("1", "2", "5", "kinds"), failures,
        () -> KindBenches.run(c));
    run("fleet: hosts mirrored into etcd, one gateway", only, Set.of("fleet"), failures, () -> FleetBenches.run(c));
    run("durable commits", only, Set.of("4"), failures, () -> CommitBench.run(c));
    run("fan-out and memory", only, Set.of("3", "6"), failures, () -> FakeBenches.run(c));
    run("in-process microbenchmarks (JMH)", only, Set.of("jmh"), failures, () -> {
      io.virtrev.bench.jmh.JmhBenches.Result r = io.virtrev.bench.jmh.JmhBenches.run(c.quick);
      r.rows().forEach(x -> report.jmh(x.benchmark(), x.score(), x.unit(), x.baseline(), x.ratio(), x.allocated()));
      report.raw("jmh", r.raw());
      report.notes.add(r.note());
    });
    for (String f : failures) {
      report.row("!", "FAILED: " + f, "—", "—", "", "", "**no**", "see the run's output");
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    report.write(out, machine(repo, etcd), command, quick, secs);
    System.out.printf("[bench] wrote %s in %.0f s%s%n", out, secs, failures.isEmpty() ? "" : "; FAILED: " + failures);
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  private interface Body {
    void run() throws Exception;
  }

  private static void run(String name, Set<String> only, Set<String> items, List<String> failures, Body body) {
    if (only != null && items.stream().noneMatch(only::contains)) {
      return;
    }
    System.out.println("[bench] === " + name);
    try {
      body.run();
    } catch (Exception | Error e) {
      e.printStackTrace();
      failures.add(name + ": " + e);
    }
  }

  private static Map<String, String> machine(Path repo, String etcd) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("cpu", sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim() + ", "
        + Runtime.getRuntime().availableProcessors() + " cores");
    m.put("memory", sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo"));
    m.put("os", sh(". /etc/os-release; echo $PRETTY_NAME") + ", kernel " + sh("uname -r"));
    m.put("disk", sh("df -h --output=source,fstype " + repo.toAbsolutePath() + " | tail -1"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("libvirt", sh("virsh -c qemu:///system version 2>/dev/null | grep -i 'running hypervisor\\|library' | tr '\\n' ';'"));
    m.put("etcd", etcd == null ? "not run" : sh("etcd --version 2>/dev/null | head -1"));
    m.put("virtrev commit", sh("git -C " + repo.toAbsolutePath() + " rev-parse --short HEAD 2>/dev/null")
        + (sh("git -C " + repo.toAbsolutePath() + " status --porcelain 2>/dev/null | head -1").isBlank() ? "" : " (with local changes)"));
    m.put("date", java.time.Instant.now().toString());
    return m;
  }

  private static String sh(String cmd) {
    try {
      Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return s;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
