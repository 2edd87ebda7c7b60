package io.virtrev.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of a process, read from /proc (Linux). */
record ProcStats(long cpuNanos, long rssBytes, long hwmBytes) {
  private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

  static ProcStats of(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      long rss = 0;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line) * 1024;
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line) * 1024;
        }
      }
      return new ProcStats(ticks * TICK_NANOS, rss, hwm);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }
}
