package io.virtrev.daemon.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.ApiException;
import io.virtrev.daemon.security.Security;

/**
 * Aggregates request bodies up to a limit; beyond it answers 413 with a Status body (audited as
 * refused), also when the request asked {@code Expect: 100-continue} (then without reading the body,
 * and closing).
 */
final class StatusAggregator extends HttpObjectAggregator {
  private final int max;
  private final AuditLog audit;

  StatusAggregator(int maxContentLength, AuditLog audit) {
    super(maxContentLength);
    this.max = maxContentLength;
    this.audit = audit;
  }

  /**
   * {@code Expect: 100-continue} with a Content-Length past the limit: Netty's bare 413 becomes the
   * Status one, and the connection is closed once it is written (the body is never invited).
   */
  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object res = super.newContinueResponse(start, maxContentLength, pipeline);
    if (res instanceof FullHttpResponse r && r.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
      r.release();
      FullHttpResponse tooLarge = tooLarge(pipeline.channel(), start);
      tooLarge.headers().set(HttpHeaderNames.CONNECTION, "close");
      return tooLarge;
    }
    return res;
  }

  @Override
  protected boolean closeAfterContinueResponse(Object msg) {
    return msg instanceof HttpResponse r && r.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)
        || super.closeAfterContinueResponse(msg);
  }

  /** The 413 Status answer; a refused mutation is audited (before authentication: the connection's identity). */
  private FullHttpResponse tooLarge(Channel ch, HttpMessage oversized) {
    ApiException tooLarge = new ApiException(ApiException.Reason.REQUEST_ENTITY_TOO_LARGE,
        "request body is larger than the limit of " + max + " bytes");
    if (oversized instanceof HttpRequest req) {
      audit.refusedRequest(ch, ch.attr(Security.CONNECTION_IDENTITY).get(), req, tooLarge.reason().httpCode(),
          tooLarge.getMessage());
    }
    return ReplyWriter.render(null, Reply.error(tooLarge));
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse res = tooLarge(ctx.channel(), oversized);
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
