package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.virtrev.api.ApiException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a read that blocks on SQLite off the event loop ({@code api.blocking()}), then answers on the
 * channel's event loop: {@code work} returns the answer to run there. An {@link ApiException} from
 * either becomes its Status; anything else a 500.
 */
final class Blocking {
  private static final Logger LOG = LoggerFactory.getLogger(Blocking.class);

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
          } catch (ApiException e) {
            Responses.error(ctx, req, e);
          } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.method(), req.uri(), e);
            Responses.error(ctx, req, new ApiException(ApiException.Reason.INTERNAL_ERROR,
                "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
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
