package io.virtrev.daemon.http;

import io.virtrev.api.ApiException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs a read that blocks on SQLite off the event loop ({@code api.blocking()}): its reply is written on
 * the channel's event loop once it returns. An exception it throws is answered as its Status.
 */
final class Blocking {

  private Blocking() {}

  /**
   * The reply {@code work} gives on the blocking executor.
   *
   * @throws ApiException SERVICE_UNAVAILABLE when the executor no longer takes work (shutting down)
   */
  static Reply reply(ApiContext api, Supplier<Reply> work) {
    CompletableFuture<Reply> f;
    try {
      f = CompletableFuture.supplyAsync(work, api.blocking());
    } catch (RejectedExecutionException e) {
      throw new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "shutting down");
    }
    return Reply.after(f, r -> r);
  }
}
