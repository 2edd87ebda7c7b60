package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch behind every read: calls really side by side, all finished before run() returns. */
class ParallelCallsTest {
  private final ParallelCalls calls = ParallelCalls.pool("test-read");

  @AfterEach
  void close() {
    calls.close();
  }

  /**
   * Each call waits at a barrier that opens only when all of them wait there at once: a batch that
   * ran its calls one after another would time out at the first, and the call would fail.
   */
  @Test
  void theCallsOfABatchRunAtTheSameTimeOnTheCallerAndThePool() throws Exception {
    int n = ParallelCalls.THREADS + 1;
    CyclicBarrier together = new CyclicBarrier(n);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    ParallelCalls.Batch batch = calls.batch();
    List<ParallelCalls.Result<Integer>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      results.add(batch.add(() -> {
        threads.add(Thread.currentThread().getName());
        try {
          together.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new NativeCallException(-1, "not all " + n + " calls ran at once: " + e);
        }
        return k * k;
      }));
    }
    batch.run();
    for (int i = 0; i < n; i++) {
      assertThat(results.get(i).get()).isEqualTo(i * i);
    }
    assertThat(threads).hasSize(n).contains(Thread.currentThread().getName())
        .allMatch(t -> t.equals(Thread.currentThread().getName()) || t.startsWith("test-read-"));
  }

  /** Each result keeps its own call's failure, as the call threw it on its own thread. */
  @Test
  void eachResultKeepsItsOwnValueOrFailure() throws Exception {
    ParallelCalls.Batch batch = calls.batch();
    ParallelCalls.Result<String> ok = batch.add(() -> "xml");
    ParallelCalls.Result<String> gone = batch.add(() -> {
      throw new NativeCallException(LibvirtErrors.NO_DOMAIN, "Domain not found");
    });
    ParallelCalls.Result<String> broken = batch.add(() -> {
      throw new IllegalStateException("jna");
    });
    assertThatThrownBy(ok::get).isInstanceOf(IllegalStateException.class).hasMessage("the batch has not run");
    batch.run();
    assertThat(ok.get()).isEqualTo("xml");
    assertThatThrownBy(gone::get).isInstanceOfSatisfying(NativeCallException.class,
        e -> assertThat(e.code()).isEqualTo(LibvirtErrors.NO_DOMAIN)).hasMessage("Domain not found");
    assertThatThrownBy(broken::get).isInstanceOf(IllegalStateException.class).hasMessage("jna");
    assertThatThrownBy(batch::run).isInstanceOf(IllegalStateException.class);
  }

  /**
   * The caller borrows pointers to the calls: run() must not return while one still runs, not even
   * when the caller is interrupted meanwhile; the interrupt is kept for the caller.
   */
  @Test
  void runReturnsOnlyAfterEveryCallFinishedEvenWhenInterrupted() throws Exception {
    Thread caller = Thread.currentThread();
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean slowFinished = new AtomicBoolean();
    Thread releaser = new Thread(() -> {
      try {
        // the caller interrupted itself and waits for the slow call: only then let it finish
        await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.WAITING);
      } finally {
        release.countDown();
      }
    });
    ParallelCalls.Batch batch = calls.batch();
    batch.add(() -> {
      caller.interrupt();
      releaser.start();
      return null;
    });
    batch.add(() -> {
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new NativeCallException(-1, "never released: run() did not wait for this call");
        }
      } catch (InterruptedException e) {
        throw new NativeCallException(-1, "interrupted");
      }
      slowFinished.set(true);
      return null;
    });
    batch.run();
    boolean finishedWhenRunReturned = slowFinished.get();
    boolean interrupted = Thread.interrupted();
    releaser.join(10_000);
    assertThat(finishedWhenRunReturned).isTrue();
    assertThat(interrupted).isTrue();
  }

  /** A closed pool rejects: the calls then run on the caller's thread, none is dropped. */
  @Test
  void afterCloseEveryCallRunsOnTheCaller() throws Exception {
    calls.close();
    ParallelCalls.Batch batch = calls.batch();
    List<ParallelCalls.Result<String>> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      results.add(batch.add(() -> Thread.currentThread().getName()));
    }
    batch.run();
    for (ParallelCalls.Result<String> r : results) {
      assertThat(r.get()).isEqualTo(Thread.currentThread().getName());
    }
  }
}
