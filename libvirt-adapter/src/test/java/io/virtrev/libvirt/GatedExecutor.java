package io.virtrev.libvirt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task on a thread of its own, but only once {@code parties} tasks wait together: proof that
 * whoever submits them has all of them in flight at once rather than one after the other. A task
 * whose company did not come within the timeout runs anyway (the batch must never hang) and is
 * counted in {@link #failures}, which the test asserts empty.
 */
final class GatedExecutor implements Executor {
  private final CyclicBarrier barrier;
  private final List<String> failures = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  GatedExecutor(int parties) {
    this.barrier = new CyclicBarrier(parties);
  }

  @Override
  public synchronized void execute(Runnable task) {
    Thread thread = new Thread(() -> {
      try {
        barrier.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        synchronized (this) {
          failures.add(e.toString());
        }
      }
      task.run();
    }, "gated-" + threads.size());
    threads.add(thread);
    thread.start();
  }

  /** The tasks handed over so far. */
  synchronized int submitted() {
    return threads.size();
  }

  /** Why a task ran without the others, one line each; empty if they all met. */
  synchronized List<String> failures() {
    return List.copyOf(failures);
  }
}
