package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.virtrev.api.ApiException;
import io.virtrev.daemon.security.Identity;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers API requests on one connection, one at a time and in order (HTTP/1.1 pipelining): checks the
 * caller, asks the {@link RouteTable} for the request's {@link Reply}, and answers it ({@link #answer}).
 * Not shared: one instance per channel, confined to its event loop (no locks). Nothing here blocks:
 * reads come from the store's published snapshot; waits (a revision not reached yet, a mutation) and
 * disk reads are {@link Reply.Later}s completed on other threads, whose continuations hop back with
 * {@code ctx.executor().execute}.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final ApiContext api;
  private final RouteTable routes;
  private ConnectionStream watch;
  private boolean busy; // a request is being answered (maybe asynchronously)
  private final java.util.ArrayDeque<FullHttpRequest> waiting = new java.util.ArrayDeque<>(); // pipelined, retained

  ApiHandler(ApiContext api, RouteTable routes) {
    this.api = api;
    this.routes = routes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (watch != null) {
      return; // a watch owns this connection until it ends; pipelined requests are not answered
    }
    if (busy) {
      // HTTP/1.1 pipelining: answer in order. Held until the response in flight is written; past
      // maxPipelined waiting, the connection is not read until one is answered.
      waiting.add(req.retain());
      ReadPause pause = ctx.pipeline().get(ReadPause.class);
      if (waiting.size() >= api.http().connections().maxPipelined() && pause != null) {
        pause.pause();
      }
      return;
    }
    handle(ctx, req);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    busy = true;
    if (!req.decoderResult().isSuccess()) {
      answer(ctx, null, Reply.error(new ApiException(ApiException.Reason.BAD_REQUEST,
          "malformed HTTP request: " + req.decoderResult().cause().getMessage())));
      return;
    }
    Identity identity = null; // never the previous request's, even if authentication fails
    Reply reply;
    try {
      String path = RequestGate.checkHead(req);
      identity = api.security().authenticate(path, req.headers().get(HttpHeaderNames.AUTHORIZATION), ctx.channel());
      api.security().authorize(identity, req.method().name(), path);
      reply = routes.dispatch(req, api, identity);
    } catch (RuntimeException e) {
      reply = ReplyWriter.failure(req, e);
      int code = StoreErrors.httpCode(e);
      api.audit().refusedRequest(ctx.channel(), identity, req, code, e.getMessage());
    }
    answer(ctx, req, reply);
  }

  /**
   * Answers {@code req} with {@code reply}: the one place a route's answer reaches the channel. A complete
   * reply is written ({@link ReplyWriter}) and lets the next pipelined request go; a {@link Reply.Later}
   * holds {@code req} (retained) until its stage completes, then answers what its continuation gives, on
   * this event loop; a {@link Reply.Stream} hands the connection to its watch. Event loop only.
   */
  private void answer(ChannelHandlerContext ctx, FullHttpRequest req, Reply reply) {
    if (reply instanceof Reply.Full full) {
      ReplyWriter.write(ctx, req, full);
      responded(ctx);
    } else if (reply instanceof Reply.Later<?> later) {
      await(ctx, req, later);
    } else if (reply instanceof Reply.Stream stream) {
      ConnectionStream s;
      try {
        s = stream.open().apply(ctx);
      } catch (RuntimeException e) {
        answer(ctx, req, ReplyWriter.failure(req, e));
        return;
      }
      if (s != null) { // null: the client left meanwhile
        watch = s;
        watch.begin();
      }
    }
  }

  private <T> void await(ChannelHandlerContext ctx, FullHttpRequest req, Reply.Later<T> later) {
    req.retain();
    later.stage().whenComplete((value, failure) -> ctx.executor().execute(() -> {
      try {
        Reply next;
        try {
          next = later.then().apply(value, unwrap(failure));
        } catch (RuntimeException e) {
          next = ReplyWriter.failure(req, e);
        }
        answer(ctx, req, next);
      } finally {
        req.release();
      }
    }));
  }

  /** A {@link CompletionException}'s cause; anything else as is. */
  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** A complete response was written: the next pipelined request may go. */
  private void responded(ChannelHandlerContext ctx) {
    FullHttpRequest next = waiting.poll();
    // Still busy until next is handled: a request read in between queues behind it, in order.
    busy = next != null;
    ReadPause pause = ctx.pipeline().get(ReadPause.class);
    if (pause != null && waiting.size() < api.http().connections().maxPipelined()) {
      pause.resume();
    }
    if (next != null) {
      ctx.executor().execute(() -> {
        try {
          if (watch == null && ctx.channel().isActive()) {
            handle(ctx, next);
          } else {
            busy = false;
          }
        } finally {
          next.release();
        }
      });
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (watch != null && ctx.channel().isWritable()) {
      watch.pump();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (watch != null) {
      watch.closed();
    }
    FullHttpRequest r;
    while ((r = waiting.poll()) != null) {
      r.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /** Ends a running watch cleanly (used on shutdown). */
  void finishWatch() {
    if (watch != null) {
      watch.finish();
    }
  }
}
