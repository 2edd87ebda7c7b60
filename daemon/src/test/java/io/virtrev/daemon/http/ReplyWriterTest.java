package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.virtrev.api.ApiException;
import io.virtrev.api.Revision;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The one writer: what a {@link Reply} becomes on the wire. */
class ReplyWriterTest {

  private static FullHttpRequest request(HttpMethod method, String... headers) {
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/x");
    for (int i = 0; i < headers.length; i += 2) {
      req.headers().set(headers[i], headers[i + 1]);
    }
    return req;
  }

  private static String body(FullHttpResponse res) {
    return res.content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void addsTheQuotedEtagTheStoreIdAndTheContentHeaders() {
    Reply.Full r = Reply.json(Map.of("a", 1)).withHeader("Warning", "299 - \"w\"").withEtag(Revision.of(42))
        .withStoreId("s-1");
    FullHttpResponse res = ReplyWriter.render(request(HttpMethod.GET), r);
    try {
      assertThat(res.status()).isEqualTo(HttpResponseStatus.OK);
      assertThat(res.headers().get(HttpHeaderNames.ETAG)).isEqualTo("\"42\"");
      assertThat(res.headers().get(ReplyWriter.STORE_ID)).isEqualTo("s-1");
      assertThat(res.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
      assertThat(res.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(7);
      assertThat(res.headers().get("Warning")).isEqualTo("299 - \"w\"");
      assertThat(res.headers().contains(HttpHeaderNames.VARY)).as("small: not compressible").isFalse();
      assertThat(body(res)).isEqualTo("{\"a\":1}");
    } finally {
      res.release();
    }
  }

  @Test
  void headKeepsTheLengthButNotTheBody() {
    FullHttpResponse res = ReplyWriter.render(request(HttpMethod.HEAD), Reply.text("ok\n", Reply.TEXT));
    assertThat(res.content().readableBytes()).isZero();
    assertThat(res.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(3);
    res.release();
  }

  @Test
  void notModifiedHasNoContentHeadersButItsEtag() {
    FullHttpResponse res = ReplyWriter.render(request(HttpMethod.GET), Reply.notModified().withEtag("h").withStoreId("s"));
    assertThat(res.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
    assertThat(res.headers().names()).containsExactlyInAnyOrder("etag", "X-Virtrev-Store-Id");
    assertThat(res.content().readableBytes()).isZero();
    res.release();
    assertThatThrownBy(() -> Reply.bytes(HttpResponseStatus.OK, new byte[0], null))
        .hasMessageContaining("no Content-Type");
  }

  @Test
  void gzipsALargeBodyWhenAcceptedAndNeverTwice() throws Exception {
    byte[] big = new byte[Gzip.MIN_BYTES];
    Arrays.fill(big, (byte) 'x');
    FullHttpResponse plain = ReplyWriter.render(request(HttpMethod.GET), Reply.bytes(HttpResponseStatus.OK, big, Reply.TEXT));
    assertThat(plain.headers().get(HttpHeaderNames.CONTENT_ENCODING)).as("not asked for").isNull();
    assertThat(plain.headers().get(HttpHeaderNames.VARY)).isEqualTo("accept-encoding");
    plain.release();
    FullHttpResponse gz = ReplyWriter.render(request(HttpMethod.GET, "Accept-Encoding", "gzip"),
        Reply.bytes(HttpResponseStatus.OK, big, Reply.TEXT));
    assertThat(gz.headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
    byte[] wire = new byte[gz.content().readableBytes()];
    gz.content().readBytes(wire);
    assertThat(gz.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(wire.length);
    assertThat(new GZIPInputStream(new ByteArrayInputStream(wire)).readAllBytes()).isEqualTo(big);
    gz.release();
    FullHttpResponse memo = ReplyWriter.render(request(HttpMethod.GET, "Accept-Encoding", "gzip"),
        Reply.gzipped(wire, Reply.TEXT));
    assertThat(memo.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).as("already gzipped: as given").isEqualTo(wire.length);
    memo.release();
  }

  @Test
  void errorsAreStatusesWithTheHeadersTheirDetailsName() {
    Reply.Full notAllowed = Reply.error(new ApiException(ApiException.Reason.METHOD_NOT_ALLOWED, "no",
        Map.of("allow", "GET, HEAD"), null));
    assertThat(notAllowed.status().code()).isEqualTo(405);
    assertThat(notAllowed.headers()).containsEntry("Allow", "GET, HEAD");
    assertThat(Reply.error(new ApiException(ApiException.Reason.TOO_MANY_REQUESTS, "later",
        Map.of("retryAfterSeconds", 1), null)).headers()).containsEntry("Retry-After", "1");
    assertThat(Reply.error(new ApiException(ApiException.Reason.UNAUTHORIZED, "who")).headers())
        .containsEntry("WWW-Authenticate", "Bearer realm=\"virtrev\"");
    Reply.Full bug = ReplyWriter.failure(request(HttpMethod.GET), new CompletionException(new IllegalStateException("boom")));
    assertThat(bug.status().code()).isEqualTo(500);
    assertThat(new String(bug.body(), StandardCharsets.UTF_8)).contains("internal error: IllegalStateException: boom");
  }

  @Test
  void keepsTheConnectionAliveOnlyWhenTheRequestDoes() {
    for (boolean keepAlive : new boolean[] {true, false}) {
      EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          FullHttpRequest req = (FullHttpRequest) msg;
          ReplyWriter.write(ctx, req, Reply.text("ok\n", Reply.TEXT));
          req.release();
        }
      });
      ch.writeInbound(request(HttpMethod.GET, "Connection", keepAlive ? "keep-alive" : "close"));
      FullHttpResponse res = ch.readOutbound();
      assertThat(res.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo(keepAlive ? "keep-alive" : "close");
      assertThat(ch.isOpen()).isEqualTo(keepAlive);
      res.release();
      assertThat(ch.finishAndReleaseAll()).isFalse();
    }
  }
}
