package io.virtrev.bench;

import java.util.Arrays;

/** Percentiles of a set of samples in nanoseconds, reported in milliseconds. */
record Stats(int n, double p50, double p99, double mean, double min, double max) {

  static Stats ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    double sum = 0;
    for (long v : s) {
      sum += v;
    }
    return new Stats(s.length, ms(pct(s, 0.50)), ms(pct(s, 0.99)), ms(sum / s.length), ms(s[0]), ms(s[s.length - 1]));
  }

  /** Nearest-rank percentile. */
  static long pct(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double ms(double nanos) {
    return nanos / 1e6;
  }

  String brief() {
    return String.format("p50 %s ms, p99 %s ms (n=%d)", Report.num(p50), Report.num(p99), n);
  }
}
