package io.virtrev.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many watch streams over real HTTP on one client event loop thread, cheap enough that 1,000 of them
 * leave the CPU to the daemon: the chunked body is scanned byte by byte for each line's first
 * {@code "resourceVersion":"N"} (the object's), nothing is parsed into objects. Per line, the sink gets
 * (watcher, rv, receive time).
 */
final class Watchers implements AutoCloseable {
  interface Sink {
    /** On the client's event loop thread. */
    void onEvent(int watcher, long rv, long nanos);
  }

  private static final byte[] PAT = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);

  private final EventLoopGroup group;
  private final List<Channel> channels = new ArrayList<>();
  private final AtomicInteger non200 = new AtomicInteger();

  Watchers(int port, int n, String pathAndQuery, Sink sink) throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    CountDownLatch headers = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      int id = i;
      Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new LineScanner(id, sink, headers));
            }
          });
      ChannelFuture f = b.connect("127.0.0.1", port).sync();
      Channel ch = f.channel();
      DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pathAndQuery);
      req.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + port);
      ch.writeAndFlush(req);
      channels.add(ch);
    }
    if (!headers.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + (n - headers.getCount()) + " of " + n + " watches answered");
    }
    if (non200.get() > 0) {
      throw new IllegalStateException(non200.get() + " watches were refused (not 200)");
    }
  }

  private final class LineScanner extends SimpleChannelInboundHandler<HttpObject> implements ByteProcessor {
    private final int id;
    private final Sink sink;
    private final CountDownLatch headers;
    private int match;
    private boolean inRv;
    private boolean gotRv;
    private long rv;

    LineScanner(int id, Sink sink, CountDownLatch headers) {
      this.id = id;
      this.sink = sink;
      this.headers = headers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse r) {
        if (r.status().code() != 200) {
          non200.incrementAndGet();
        }
        headers.countDown();
      }
      if (msg instanceof HttpContent c) {
        ByteBuf b = c.content();
        b.forEachByte(this);
      }
    }

    @Override
    public boolean process(byte v) {
      if (v == '\n') {
        if (gotRv) {
          sink.onEvent(id, rv, System.nanoTime());
        }
        match = 0;
        inRv = false;
        gotRv = false;
        return true;
      }
      if (gotRv) {
        return true;
      }
      if (inRv) {
        if (v >= '0' && v <= '9') {
          rv = rv * 10 + (v - '0');
        } else {
          inRv = false;
          gotRv = true;
        }
        return true;
      }
      if (v == PAT[match]) {
        if (++match == PAT.length) {
          inRv = true;
          rv = 0;
          match = 0;
        }
      } else {
        match = v == PAT[0] ? 1 : 0;
      }
      return true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() {
    for (Channel c : channels) {
      c.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
