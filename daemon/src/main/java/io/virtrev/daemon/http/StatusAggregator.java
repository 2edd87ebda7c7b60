package io.virtrev.daemon.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.Unpooled;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;

/** Aggregates request bodies up to a limit; beyond it answers 413 with a Status body. */
final class StatusAggregator extends HttpObjectAggregator {
  private final int max;

  StatusAggregator(int maxContentLength) {
    super(maxContentLength);
    this.max = maxContentLength;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    byte[] body = Json.bytes(new ApiException(ApiException.Reason.REQUEST_ENTITY_TOO_LARGE,
        "request body is larger than the limit of " + max + " bytes").toStatus());
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
