package io.virtrev.daemon.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Times each request from its head to its response head, by route template, method and status, each
 * from a closed set ({@link HttpMetrics#ROUTES}, {@link HttpMetrics#METHODS}). Runs before authentication.
 * Confined to its channel's event loop.
 */
final class HttpMetricsHandler extends ChannelDuplexHandler {
  private final HttpMetrics metrics;
  private final RouteTable routes;
  private long start;
  private String route;
  private String method;

  HttpMetricsHandler(HttpMetrics metrics, RouteTable routes) {
    this.metrics = metrics;
    this.routes = routes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest req) {
      start = System.nanoTime();
      route = routeOf(routes, req.uri());
      method = HttpMetrics.method(req.method());
    }
    super.channelRead(ctx, msg);
  }

  /** The route label of a request URI; {@link HttpMetrics#OTHER} if it does not decode (ApiHandler answers 400). */
  static String routeOf(String uri) {
    return routeOf(RouteTable.API, uri);
  }

  /** The route label of a request URI in {@code routes}; {@link HttpMetrics#OTHER} if it does not decode. */
  static String routeOf(RouteTable routes, String uri) {
    try {
      return routes.label(new QueryStringDecoder(uri).path());
    } catch (IllegalArgumentException e) {
      return HttpMetrics.OTHER;
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
