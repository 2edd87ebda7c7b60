package io.virtrev.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.versioning.VersionedStore;
import io.virtrev.versioning.StoreConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Item 4: durable commits of the versioned store (each revision committed to SQLite with
 * synchronous=FULL before the writer acknowledges it; the writer batches whatever is queued: group
 * commit) from W concurrent writers, versus etcd puts of the same size from W concurrent clients.
 */
final class CommitBench {
  private interface Op {
    void run(int writer, long n) throws Exception;
  }

  private record Result(double perSecond, Stats latency) {}

  private CommitBench() {}

  static void run(Ctx c) throws Exception {
    Report r = c.report;
    r.notes.add("Item 4: the store is `VersionedStore` in the benchmark's JVM (`VersionedStore.open`, default config: "
        + "WAL, synchronous=FULL; the writer applies batches of up to 256 queued commands while the sync thread "
        + "commits the batches applied meanwhile in one transaction); each writer owns one domain and "
        + "calls `observe(...).join()` with a changed config XML of the given size in a closed loop, so every "
        + "call is one revision acknowledged after its fsync. etcd " + (c.etcd == null ? "(not run)" : "at " + c.etcd)
        + " is Debian's etcd-server, single member, default fsync, data dir on the same filesystem; each client is "
        + "a thread doing blocking gRPC Put of the same size on its own key (16 clients per HTTP/2 connection). "
        + "etcd's figure includes gRPC over loopback, the store's does not (it has no network API of its own).");
    int[] writers = {1, c.sizes.commitWritersMany()};
    for (int size : new int[] {2048, 8192}) {
      for (int w : writers) {
        Result store = store(c, w, size);
        Result etcd = c.etcd == null ? null : etcd(c, w, size);
        String key = "commit." + w + "w." + size / 1024 + "KiB";
        r.raw(key + ".store", store);
        r.raw(key + ".etcd", etcd);
        double ratio = etcd == null ? Double.NaN : store.perSecond() / etcd.perSecond();
        r.row("4", "durable commits/s, " + w + " writer" + (w > 1 ? "s" : "") + ", " + size / 1024 + " KiB",
            Report.num(store.perSecond()) + "/s (p50 " + Report.num(store.latency().p50()) + " ms, p99 "
                + Report.num(store.latency().p99()) + " ms)",
            etcd == null ? "etcd not run" : "etcd " + Report.num(etcd.perSecond()) + "/s (p50 "
                + Report.num(etcd.latency().p50()) + " ms, p99 " + Report.num(etcd.latency().p99()) + " ms)",
            Report.ratio(ratio), ">= 1x etcd", etcd == null ? "" : Report.met(ratio >= 1.0),
            c.sizes.commitSeconds() + " s per side");
      }
    }
  }

  private static Result store(Ctx c, int writers, int size) throws Exception {
    try (VersionedStore store = VersionedStore.open(StoreConfig.defaults(c.dir("store-commit")))) {
      String[] uuids = new String[writers];
      for (int i = 0; i < writers; i++) {
        uuids[i] = UUID.randomUUID().toString();
      }
      return closedLoop(writers, c.sizes.commitSeconds(), (w, n) -> {
        String name = "vrt-bench-w" + w;
        DomainObservation o = new DomainObservation(uuids[w], name, xml(name, uuids[w], n, size), null, true, false,
            "shutoff", "unknown", null);
        store.observe(uuids[w], o, List.of()).join();
      });
    }
  }

  private static Result etcd(Ctx c, int writers, int size) throws Exception {
    int conns = (writers + 15) / 16;
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < conns; i++) {
      channels.add(NettyChannelBuilder.forTarget(c.etcd).usePlaintext().build());
    }
    try {
      byte[] value = new byte[size];
      Arrays.fill(value, (byte) 'x');
      ByteString v = ByteString.copyFrom(value);
      KVGrpc.KVBlockingStub[] stubs = new KVGrpc.KVBlockingStub[writers];
      for (int i = 0; i < writers; i++) {
        stubs[i] = KVGrpc.newBlockingStub(channels.get(i / 16));
      }
      return closedLoop(writers, c.sizes.commitSeconds(), (w, n) -> stubs[w].put(
          PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("/vrt-bench/" + size + "/" + w)).setValue(v).build()));
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** W threads run {@code op} back to back; a warm-up of a fifth of the time (at least 1 s) is not counted. */
  private static Result closedLoop(int writers, double seconds, Op op) throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<LongList> lat = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    Exception[] failure = new Exception[1];
    for (int i = 0; i < writers; i++) {
      int w = i;
      LongList l = new LongList();
      lat.add(l);
      Thread t = new Thread(() -> {
        long n = 0;
        try {
          while (!stop.get()) {
            long t0 = System.nanoTime();
            op.run(w, n++);
            long d = System.nanoTime() - t0;
            if (measuring.get()) {
              l.add(d);
            }
          }
        } catch (Exception e) {
          failure[0] = e;
        }
      }, "bench-writer-" + i);
      threads.add(t);
      t.start();
    }
    Thread.sleep(Math.max(1000, (long) (seconds * 200)));
    measuring.set(true);
    long t0 = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    measuring.set(false);
    long elapsed = System.nanoTime() - t0;
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    long[] all = LongList.concat(lat);
    return new Result(all.length / (elapsed / 1e9), Stats.ofNanos(all));
  }

  /** A test-driver domain whose XML is {@code size} bytes; {@code n} makes each one a change. */
  static String xml(String name, String uuid, long n, int size) {
    String head = "<domain type='test'><name>" + name + "</name><uuid>" + uuid
        + "</uuid><memory unit='KiB'>65536</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><description>"
        + n + " ";
    String tail = "</description></domain>";
    int pad = Math.max(0, size - head.length() - tail.length());
    return head + "x".repeat(pad) + tail;
  }
}
