package io.virtrev.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mirror's baseline: etcd transactions of the mirror's shape ({@code If(progress == previous value)
 * Then(put object, put progress) Else(get progress)}) sent back to back by W clients with etcd's generated
 * gRPC stubs, one client per "host" each on its own keys, no store and no JSON behind them: what etcd
 * itself gives a sequential writer per host on this machine.
 */
final class RawEtcdTxns {
  private RawEtcdTxns() {}

  /** Transactions per second, all clients together, over {@code seconds} after a 0.5 s warm-up. */
  static double rate(String target, int clients, int objectBytes, double seconds) throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch);
      byte[] value = new byte[objectBytes];
      Arrays.fill(value, (byte) 'x');
      ByteString v = ByteString.copyFrom(value);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicLong done = new AtomicLong();
      Exception[] failure = new Exception[1];
      List<Thread> threads = new ArrayList<>();
      long run = System.nanoTime();
      for (int w = 0; w < clients; w++) {
        String base = "/vrt-bench-fleet/" + run + "/" + w;
        ByteString progressKey = ByteString.copyFromUtf8(base + "/progress");
        Thread t = new Thread(() -> {
          try {
            ByteString prev = ByteString.copyFromUtf8("0");
            kv.put(PutRequest.newBuilder().setKey(progressKey).setValue(prev).build());
            for (long n = 1; !stop.get(); n++) {
              ByteString next = ByteString.copyFrom(("{\"revision\":" + n + "}").getBytes(StandardCharsets.UTF_8));
              TxnRequest txn = TxnRequest.newBuilder()
                  .addCompare(Compare.newBuilder().setKey(progressKey).setResult(Compare.CompareResult.EQUAL)
                      .setTarget(Compare.CompareTarget.VALUE).setValue(prev))
                  .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                      .setKey(ByteString.copyFromUtf8(base + "/obj/" + (n % 500))).setValue(v)))
                  .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(progressKey)
                      .setValue(next)))
                  .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(progressKey)))
                  .build();
              if (!kv.txn(txn).getSucceeded()) {
                throw new IllegalStateException("raw txn compare failed at " + n);
              }
              prev = next;
              if (measuring.get()) {
                done.incrementAndGet();
              }
            }
          } catch (Exception e) {
            failure[0] = e;
          }
        }, "bench-etcd-txn-" + w);
        threads.add(t);
        t.start();
      }
      Thread.sleep(500);
      measuring.set(true);
      long t0 = System.nanoTime();
      Thread.sleep((long) (seconds * 1000));
      measuring.set(false);
      double rate = done.get() / ((System.nanoTime() - t0) / 1e9);
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      if (failure[0] != null) {
        throw failure[0];
      }
      return rate;
    } finally {
      ch.shutdownNow();
    }
  }
}
