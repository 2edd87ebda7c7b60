package io.virtrev.libvirt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issues independent libvirt calls side by side on one connection: a {@link Batch} runs its first call
 * on the caller's thread and the others on a small pool ({@code libvirt-read-*} threads, one pool per
 * source), and returns when every one has finished.
 *
 * <p>Why this is safe and pays off: libvirt's objects are thread-safe, and its RPC client lets several
 * threads use one connection at once, interleaving their calls and replies on the wire (libvirt's
 * {@code docs/kbase/internals/rpc.rst}: "Each client object can be used from multiple threads
 * concurrently"; the remote driver drops its lock while a call waits for the reply). libvirtd serves up
 * to {@code max_client_requests} (default 5) calls of one client at once on its worker threads, so
 * {@link #THREADS} pool threads plus the caller keep at most 5 in flight per batch. Neither the JNA
 * binding ({@link LibvirtNative}: a plain {@code Native.load}, not {@code synchronizedLibrary}) nor
 * libvirt's error reporting (thread-local; each call reads its own error on its own thread, see
 * {@link NativeCallException#lastError}) serializes them.
 *
 * <p>Lifetimes: a batch's calls borrow pointers (the connection, domain handles) that the caller owns;
 * {@link Batch#run} returns only after every call has finished, also when the caller is interrupted
 * meanwhile (the interrupt is kept), so the caller may free them as soon as it returns. The caller
 * holds the session's read lock across the whole batch, so the connection outlives every call.
 *
 * <p>Saturation and shutdown: when the pool's queue is full or the pool is shut down, a call runs on
 * the caller's thread instead (never rejected, never dropped): the batch is then partly sequential.
 */
final class ParallelCalls implements AutoCloseable {
  /** Pool threads; with the caller's thread, libvirtd's default {@code max_client_requests} (5). */
  static final int THREADS = 4;
  /** Calls waiting for a pool thread before further ones run on their caller's thread. */
  private static final int QUEUE = 64;

  /** One libvirt call through the JNA binding; reads its own error on its own thread. */
  interface NativeCall<T> {
    T call() throws NativeCallException;
  }

  private final Executor executor;
  /** Null when the executor is not ours to shut down. */
  private final ExecutorService owned;

  private ParallelCalls(Executor executor, ExecutorService owned) {
    this.executor = executor;
    this.owned = owned;
  }

  /** A pool of {@link #THREADS} daemon threads named {@code <name>-N}, stopped when idle for 60 s. */
  static ParallelCalls pool(String name) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(QUEUE), r -> {
          Thread thread = new Thread(r, name + "-" + n.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, (task, rejectedBy) -> task.run());
    pool.allowCoreThreadTimeOut(true);
    return new ParallelCalls(pool, pool);
  }

  /**
   * Calls after the first of each batch run on {@code executor}, which must run every task it accepts;
   * one it rejects runs on the caller's thread.
   */
  static ParallelCalls on(Executor executor) {
    return new ParallelCalls(executor, null);
  }

  Batch batch() {
    return new Batch();
  }

  /** Stops the pool's threads once idle; batches that still come run on their caller's thread. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown();
    }
  }

  /** Calls to run together; confined to the thread that made it. */
  final class Batch {
    private final List<FutureTask<?>> tasks = new ArrayList<>();
    private boolean ran;

    /** Adds {@code call}; its outcome is read from the result after {@link #run}. */
    <T> Result<T> add(NativeCall<T> call) {
      if (ran) {
        throw new IllegalStateException("batch already ran");
      }
      FutureTask<T> task = new FutureTask<>(call::call);
      tasks.add(task);
      return new Result<>(task);
    }

    /**
     * Starts every call at once, the first on this thread, and returns when all have finished (their
     * failures are in their results). Waits through interrupts and restores the flag after.
     */
    void run() {
      if (ran) {
        throw new IllegalStateException("batch already ran");
      }
      ran = true;
      for (int i = 1; i < tasks.size(); i++) {
        try {
          executor.execute(tasks.get(i));
        } catch (RejectedExecutionException e) {
          tasks.get(i).run();
        }
      }
      if (!tasks.isEmpty()) {
        tasks.get(0).run();
      }
      boolean interrupted = false;
      for (FutureTask<?> task : tasks) {
        while (true) {
          try {
            task.get();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException e) {
            break;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The outcome of one call of a batch that ran. */
  static final class Result<T> {
    private final FutureTask<T> task;

    private Result(FutureTask<T> task) {
      this.task = task;
    }

    /** The call's value, or its failure as thrown on the thread that made it. */
    T get() throws NativeCallException {
      if (!task.isDone()) {
        throw new IllegalStateException("the batch has not run");
      }
      try {
        return task.get();
      } catch (InterruptedException e) {
        throw new AssertionError("a finished task does not wait", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof NativeCallException n) {
          throw n;
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
  }
}
