package io.virtrev.daemon.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.virtrev.api.ApiException;
import io.virtrev.daemon.security.Identity;
import io.virtrev.daemon.security.Security;

/**
 * Judges a request by its head, before {@code 100 Continue} invites its body: its HTTP version (505
 * unless 1.0 or 1.1), its percent-encoding (400), its credentials and role (401, 403). A request with
 * {@code Expect: 100-continue} that fails, with nothing else in flight on the connection, is answered
 * at once with its Status, the connection closed and nothing more read (the client has not sent its
 * body). Otherwise a failed request goes on (without its {@code Expect}, so nothing invites the body)
 * and {@link ApiHandler} answers it in order, after its body, with the same checks: closing
 * on a client that is still sending would reset the connection before it reads the answer.
 *
 * <p>On a reserve connection (past the connection limits, see {@link ConnectionLimiter}) only
 * {@code /healthz} and {@code /readyz} pass, once; anything else gets the limiter's 503.
 *
 * <p>Sits between the keep-alive handler and the body aggregator. Confined to the channel's event loop.
 */
final class RequestGate extends ChannelDuplexHandler {
  private final ApiContext api;
  private final ConnectionLimiter reserveOf; // null: a normal connection
  private boolean refused; // answered early: the rest of what the client sends is dropped
  private boolean served; // a reserve connection passed its one request: later ones are dropped

  /** {@code reserveOf}: the limiter whose reserve this connection is in, or null. */
  RequestGate(ApiContext api, ConnectionLimiter reserveOf) {
    this.api = api;
    this.reserveOf = reserveOf;
  }

  /**
   * The checks a request head must pass before anything else (then come credentials and role): its
   * HTTP version and its percent-encoding. The decoded path.
   */
  static String checkHead(HttpRequest req) {
    HttpVersion v = req.protocolVersion();
    if (!v.equals(HttpVersion.HTTP_1_1) && !v.equals(HttpVersion.HTTP_1_0)) {
      HttpUtil.setKeepAlive(req, false);
      throw new ApiException(ApiException.Reason.HTTP_VERSION_NOT_SUPPORTED,
          "HTTP version " + v.text() + " is not supported; use HTTP/1.1 or HTTP/1.0");
    }
    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
    String path;
    try {
      path = qs.path();
    } catch (IllegalArgumentException e) {
      throw Query.bad("malformed percent-encoding in the path \"" + qs.rawPath() + "\": " + e.getMessage());
    }
    try {
      qs.parameters();
    } catch (IllegalArgumentException e) {
      throw Query.bad("malformed percent-encoding in the query \"" + qs.rawQuery() + "\": " + e.getMessage());
    }
    return path;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof HttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (reserveOf != null) {
      if (served) {
        refused = true; // pipelined behind the one request a reserve connection gets
        ReferenceCountUtil.release(msg);
        return;
      }
      served = true;
      HttpUtil.setKeepAlive(req, false); // one request, then the reserve slot is free again
      String path = new QueryStringDecoder(req.uri()).rawPath();
      if (!(path.equals("/healthz") || path.equals("/readyz"))) {
        refuse(ctx, req, msg, reserveOf.tooMany());
        return;
      }
    }
    if (!HttpUtil.is100ContinueExpected(req)) {
      ctx.fireChannelRead(msg); // ApiHandler checks it once its body is in
      return;
    }
    ApiException failed = null;
    Identity who = null; // for the audit of a refused mutation
    try {
      String path = checkHead(req);
      who = api.security().authenticate(path, req.headers().get(HttpHeaderNames.AUTHORIZATION), ctx.channel());
      who = api.security().impersonate(who, req.headers().getAll(Security.IMPERSONATE_USER),
          req.headers().get(HttpHeaderNames.AUTHORIZATION), ctx.channel());
      api.security().authorize(who, req.method().name(), path);
    } catch (ApiException e) {
      failed = e;
    }
    if (failed == null) {
      ctx.fireChannelRead(msg);
    } else if (aloneInFlight(ctx)) {
      api.audit().refusedRequest(ctx.channel(), who, req, failed.reason().httpCode(), failed.getMessage());
      refuse(ctx, req, msg, failed);
    } else {
      req.headers().remove(HttpHeaderNames.EXPECT); // no 100 Continue: ApiHandler answers it in order
      ctx.fireChannelRead(msg);
    }
  }

  private static boolean aloneInFlight(ChannelHandlerContext ctx) {
    ConnectionTimeouts t = ctx.pipeline().get(ConnectionTimeouts.class);
    return t == null || t.inFlight() <= 1;
  }

  /** Answers {@code e}, closes the connection, and reads nothing more of it. */
  private void refuse(ChannelHandlerContext ctx, HttpRequest req, Object msg, ApiException e) {
    refused = true;
    HttpUtil.setKeepAlive(req, false);
    try {
      ReplyWriter.write(ctx, req, Reply.error(e)); // Connection: close, closed once written
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }
}
