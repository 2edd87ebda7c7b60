package io.virtrev.daemon.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener. Pipeline per connection: codec, keep-alive, body aggregation (413 past the
 * limit), then the {@link ApiHandler}. Threads: one acceptor, {@code workers} event loops.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final ApiContext api;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup channels = new DefaultChannelGroup("virtrev-http", GlobalEventExecutor.INSTANCE);
  private Channel server;

  public ApiServer(ApiContext api, int workerThreads) {
    this.api = api;
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("http-accept", true),
        NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("http-io", true),
        NioIoHandler.newFactory());
  }

  /** Binds and returns the bound address (useful with port 0). */
  public InetSocketAddress bind(String host, int port) throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(api.http().watchBufferBytes() / 2, api.http().watchBufferBytes()))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            ChannelPipeline p = ch.pipeline();
            p.addLast("codec", new HttpServerCodec());
            p.addLast("keepalive", new HttpServerKeepAliveHandler());
            p.addLast("aggregator", new StatusAggregator(api.http().maxBodyBytes()));
            p.addLast("api", new ApiHandler(api));
          }
        });
    server = b.bind(host, port).sync().channel();
    channels.add(server);
    InetSocketAddress addr = (InetSocketAddress) server.localAddress();
    LOG.info("listening on http://{}:{}", addr.getHostString(), addr.getPort());
    return addr;
  }

  /** Stops accepting, ends every watch cleanly, closes all connections. */
  @Override
  public void close() {
    if (server != null) {
      server.close().awaitUninterruptibly();
    }
    for (Channel ch : channels) {
      ApiHandler h = ch.pipeline().get(ApiHandler.class);
      if (h != null) {
        ch.eventLoop().execute(h::finishWatch);
      }
    }
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
