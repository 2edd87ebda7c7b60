package io.virtrev.daemon.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.Unpooled;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import io.virtrev.daemon.security.Security;

/** Aggregates request bodies up to a limit; beyond it answers 413 with a Status body (audited as refused). */
final class StatusAggregator extends HttpObjectAggregator {
  private final int max;
  private final AuditLog audit;

  StatusAggregator(int maxContentLength, AuditLog audit) {
    super(maxContentLength);
    this.max = maxContentLength;
    this.audit = audit;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ApiException tooLarge = new ApiException(ApiException.Reason.REQUEST_ENTITY_TOO_LARGE,
        "request body is larger than the limit of " + max + " bytes");
    if (oversized instanceof HttpRequest req && !req.method().equals(HttpMethod.GET)
        && !req.method().equals(HttpMethod.HEAD)) {
      // Before authentication: the connection's identity (certificate, UNIX socket) if it has one.
      audit.refused(ApiHandler.client(ctx.channel()), ctx.channel().attr(Security.CONNECTION_IDENTITY).get(),
          req.method().name(), req.uri(), tooLarge.reason().httpCode(), tooLarge.getMessage());
    }
    byte[] body = Json.bytes(tooLarge.toStatus());
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, Responses.JSON);
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    // A keep-alive client may still be sending the body: keep the connection (the aggregator discards
    // the rest of this message) so it reads the 413 instead of a reset. Otherwise close, as Netty does.
    if (!(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized)) {
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
