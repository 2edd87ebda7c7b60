package io.virtrev.fleet;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a jetcd call with a bound; the mirror's one failure type. Stateless. */
final class EtcdCall {
  private EtcdCall() {}

  /** etcd did not answer, answered with an error, or the wait was interrupted: the outcome is unknown. */
  static final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The result of {@code f} within {@code timeout}.
   *
   * @throws Unavailable on an error, a timeout (the call is cancelled; it may still have been applied) or an
   *     interrupt (the interrupt flag stays set)
   */
  static <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new Unavailable(what + ": " + c.getMessage(), c);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new Unavailable(what + ": no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new Unavailable(what + ": interrupted", e);
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static ByteSequence bytes(byte[] b) {
    return ByteSequence.from(b);
  }
}
