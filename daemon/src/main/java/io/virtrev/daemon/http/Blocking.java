package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.virtrev.api.ApiException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs a read that blocks on SQLite off the event loop ({@code api.blocking()}), then answers on the
 * channel's event loop: {@code work} returns the answer to run there. An {@link ApiException} from
 * either becomes its Status; anything else a 500.
 */
final class Blocking {

  private Blocking() {}

  static void answer(ChannelHandlerContext ctx, FullHttpRequest req, ApiContext api, Supplier<Runnable> work) {
    req.retain();
    try {
      api.blocking().execute(() -> {
        Runnable reply;
        try {
          reply = work.get();
        } catch (RuntimeException e) {
          reply = () -> {
            throw e;
          };
        }
        Runnable r = reply;
        ctx.executor().execute(() -> {
          try {
            r.run();
          } catch (RuntimeException e) {
            Responses.failure(ctx, req, e);
          } finally {
            req.release();
          }
        });
      });
    } catch (RejectedExecutionException e) {
      req.release();
      throw new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "shutting down");
    }
  }
}
