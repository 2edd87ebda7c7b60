package io.virtrev.daemon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.virtrev.api.ApiException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a complete {@link Reply} into the HTTP response and writes it: the one place that sets
 * Content-Type, Content-Length, gzip ({@link Gzip}: a large body when the client accepts it; Vary),
 * {@code ETag} (quoted) and {@code X-Virtrev-Store-Id}, drops the body of a HEAD, and decides keep-alive.
 * {@link #failure} is the one place where an error becomes a reply. Stateless; called on the channel's
 * event loop.
 */
final class ReplyWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyWriter.class);
  static final String STORE_ID = "X-Virtrev-Store-Id";

  private ReplyWriter() {}

  /**
   * Writes {@code reply} as the answer to {@code req} and flushes it; closes the connection once written
   * unless {@code req} keeps it alive ({@code req} null: a request that did not decode, closed).
   */
  static void write(ChannelHandlerContext ctx, HttpRequest req, Reply.Full reply) {
    FullHttpResponse res = render(req, reply);
    if (req != null && HttpUtil.isKeepAlive(req)) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The response for {@code reply}, without a Connection header. */
  static FullHttpResponse render(HttpRequest req, Reply.Full reply) {
    byte[] body = reply.body();
    boolean gzipped = reply.gzipped();
    if (!gzipped && Gzip.wanted(req, body.length)) {
      body = Gzip.compress(body);
      gzipped = true;
    }
    boolean head = req != null && req.method().equals(HttpMethod.HEAD);
    boolean withBody = reply.contentType() != null; // only a 304 has none
    ByteBuf content = head || !withBody ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(), content);
    if (withBody) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
      if (gzipped) {
        res.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
      }
      if (gzipped || body.length >= Gzip.MIN_BYTES) { // the answer depends on Accept-Encoding
        res.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
      }
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    }
    reply.headers().forEach((k, v) -> res.headers().set(k, v));
    if (reply.etag() != null) {
      res.headers().set(HttpHeaderNames.ETAG, quoted(reply.etag()));
    }
    if (reply.storeId() != null) {
      res.headers().set(STORE_ID, reply.storeId());
    }
    return res;
  }

  /** An entity tag as the ETag header carries it (a strong tag: quoted). */
  static String quoted(String tag) {
    return "\"" + tag + "\"";
  }

  /**
   * True if {@code ifNoneMatch} (the header, or null) names {@code tag}: {@code *}, the quoted tag or its
   * weak form, in a comma-separated list.
   */
  static boolean matches(String ifNoneMatch, String tag) {
    if (ifNoneMatch == null) {
      return false;
    }
    String etag = quoted(tag);
    for (String t : ifNoneMatch.split(",")) {
      String s = t.trim();
      if (s.equals("*") || s.equals(etag) || s.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The answer to a failed request: an {@link ApiException} as its Status ({@link Reply#error}), a store
   * error as {@link StoreErrors} maps it; anything else is a bug (or a broken store), logged with its
   * stack and answered 500. A {@link CompletionException} is its cause.
   */
  static Reply.Full failure(HttpRequest req, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    ApiException api = StoreErrors.api(cause);
    if (api != null) {
      return Reply.error(api);
    }
    LOG.error("{} {} failed", req == null ? "?" : req.method(), req == null ? "?" : LogSafe.value(req.uri()), cause);
    return Reply.error(new ApiException(ApiException.Reason.INTERNAL_ERROR,
        "internal error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage()));
  }
}
