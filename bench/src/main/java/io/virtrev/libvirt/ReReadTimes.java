package io.virtrev.libvirt;

/**
 * Times the adapter's re-read of one domain ({@code DomainReader.lookupAndRead}: the lookup, then
 * state, config XML, live XML if active, persistence and autostart) with its calls side by side on
 * the pool the source uses, against the very same calls made one after the other on the caller's
 * thread, interleaved, on one connection of its own. In this package because the reader is
 * package-private.
 */
public final class ReReadTimes {
  /** Nanoseconds per read: {@code concurrent[i]} and {@code sequential[i]} were taken back to back. */
  public record Times(long[] concurrent, long[] sequential) {}

  private ReReadTimes() {}

  public static Times measure(String uri, String uuid, int warmup, int n) throws Exception {
    EventLoop.ensureStarted();
    NativeConnect connect = new NativeConnect(uri);
    try (ParallelCalls pool = ParallelCalls.pool("bench-read")) {
      ParallelCalls sequential = ParallelCalls.on(Runnable::run);
      for (int i = 0; i < warmup; i++) {
        DomainReader.lookupAndRead(connect, uuid, pool);
        DomainReader.lookupAndRead(connect, uuid, sequential);
      }
      long[] c = new long[n];
      long[] s = new long[n];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        DomainReader.lookupAndRead(connect, uuid, pool);
        long t1 = System.nanoTime();
        DomainReader.lookupAndRead(connect, uuid, sequential);
        long t2 = System.nanoTime();
        c[i] = t1 - t0;
        s[i] = t2 - t1;
      }
      return new Times(c, s);
    } finally {
      connect.close();
    }
  }
}
