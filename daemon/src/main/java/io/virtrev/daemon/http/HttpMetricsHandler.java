package io.virtrev.daemon.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Times each request from its head to its response head, by route template, method and status.
 * Confined to its channel's event loop.
 */
final class HttpMetricsHandler extends ChannelDuplexHandler {
  private final HttpMetrics metrics;
  private long start;
  private String route;
  private String method;

  HttpMetricsHandler(HttpMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest req) {
      start = System.nanoTime();
      route = route(req.uri());
      method = req.method().name();
    }
    super.channelRead(ctx, msg);
  }

  private static String route(String uri) {
    try {
      return HttpMetrics.route(new QueryStringDecoder(uri).path());
    } catch (IllegalArgumentException malformed) {
      return "other"; // bad percent-encoding: RequestGate answers 400
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof HttpResponse res && route != null) {
      metrics.request(route, method, res.status().code(), System.nanoTime() - start);
      route = null;
    }
    super.write(ctx, msg, promise);
  }
}
