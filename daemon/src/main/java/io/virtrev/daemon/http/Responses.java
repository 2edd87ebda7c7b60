package io.virtrev.daemon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import io.virtrev.api.Status;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes complete (non-streaming) responses. Errors become Kubernetes Status bodies with the HTTP
 * code fixed by {@link ApiException.Reason}: the one place where errors turn into HTTP.
 */
final class Responses {
  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  static final String JSON = "application/json";
  static final String XML = "application/xml";

  private Responses() {}

  static void json(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, Object body,
      Map<String, String> headers) {
    send(ctx, req, status, Json.bytes(body), JSON, headers);
  }

  static void text(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String body,
      String contentType, Map<String, String> headers) {
    send(ctx, req, status, body.getBytes(StandardCharsets.UTF_8), contentType, headers);
  }

  static void error(ChannelHandlerContext ctx, HttpRequest req, ApiException e, Map<String, String> headers) {
    Status s = e.toStatus();
    send(ctx, req, HttpResponseStatus.valueOf(s.code()), Json.bytes(s), JSON, headers);
  }

  /** The error's Status; {@code Retry-After} for 429 and {@code Allow} for 405 come from its details. */
  static void error(ChannelHandlerContext ctx, HttpRequest req, ApiException e) {
    Object allow = e.details().get("allow");
    Object retry = e.details().get("retryAfterSeconds");
    error(ctx, req, e, allow != null ? Map.of("Allow", allow.toString())
        : retry != null ? Map.of("Retry-After", retry.toString())
        : e.reason() == ApiException.Reason.UNAUTHORIZED ? Map.of("WWW-Authenticate", "Bearer realm=\"virtrev\"")
        : Map.of());
  }

  /**
   * Answers a failed request: an {@link ApiException} as its Status, a store error as {@link StoreErrors}
   * maps it; anything else is a bug (or a broken store), logged with its stack and answered 500.
   */
  static void failure(ChannelHandlerContext ctx, HttpRequest req, Throwable e) {
    ApiException api = StoreErrors.api(e);
    if (api != null) {
      error(ctx, req, api);
      return;
    }
    LOG.error("{} {} failed", req == null ? "?" : req.method(), req == null ? "?" : LogSafe.value(req.uri()), e);
    error(ctx, req, new ApiException(ApiException.Reason.INTERNAL_ERROR,
        "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
  }

  static void notModified(ChannelHandlerContext ctx, HttpRequest req, Map<String, String> headers) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
    headers.forEach((k, v) -> res.headers().set(k, v));
    finish(ctx, req, res);
  }

  static void send(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, byte[] body,
      String contentType, Map<String, String> headers) {
    if (Gzip.wanted(req, body.length)) {
      sendGzipped(ctx, req, status, Gzip.compress(body), contentType, headers);
    } else {
      full(ctx, req, status, body, contentType, null, body.length >= Gzip.MIN_BYTES, headers);
    }
  }

  /** A body already gzipped (e.g. memoized with the list it encodes). */
  static void sendGzipped(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, byte[] gzipped,
      String contentType, Map<String, String> headers) {
    full(ctx, req, status, gzipped, contentType, HttpHeaderValues.GZIP.toString(), true, headers);
  }

  /** {@code encoding}: the Content-Encoding, or null; {@code vary}: the answer depends on Accept-Encoding. */
  private static void full(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, byte[] body,
      String contentType, String encoding, boolean vary, Map<String, String> headers) {
    ByteBuf content = req != null && req.method().name().equals("HEAD") ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    if (encoding != null) {
      res.headers().set(HttpHeaderNames.CONTENT_ENCODING, encoding);
    }
    if (vary) {
      res.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    }
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    headers.forEach((k, v) -> res.headers().set(k, v));
    finish(ctx, req, res);
  }

  private static void finish(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
    boolean keepAlive = req != null && HttpUtil.isKeepAlive(req);
    if (keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
    if (ctx.handler() instanceof ApiHandler h) {
      h.responded(ctx);
    }
  }
}
