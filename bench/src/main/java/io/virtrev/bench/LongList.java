package io.virtrev.bench;

import java.util.Arrays;

/** A growable array of longs (latency samples) without boxing. */
final class LongList {
  private long[] a = new long[1024];
  private int n;

  void add(long v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, n * 2);
    }
    a[n++] = v;
  }

  int size() {
    return n;
  }

  long[] toArray() {
    return Arrays.copyOf(a, n);
  }

  static long[] concat(Iterable<LongList> lists) {
    LongList all = new LongList();
    for (LongList l : lists) {
      for (int i = 0; i < l.n; i++) {
        all.add(l.a[i]);
      }
    }
    return all.toArray();
  }
}
