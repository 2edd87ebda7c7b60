package io.virtrev.daemon;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What systemd does for {@code Type=notify}: a UNIX datagram socket that collects every notification, in
 * arrival order. {@code address} is a path or {@code @name} (abstract namespace), as in NOTIFY_SOCKET.
 */
public final class NotifySocket implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Channel channel;
  public final String address;

  /** {@code onMessage} runs on the receiving thread as each datagram arrives, before it is recorded. */
  public NotifySocket(String address, Consumer<String> onMessage) throws InterruptedException {
    this.address = address;
    String bind = address.startsWith("@") ? "\0" + address.substring(1) : address;
    channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
        .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
            String m = p.content().toString(StandardCharsets.UTF_8);
            onMessage.accept(m);
            messages.add(m);
          }
        }).bind(new DomainSocketAddress(bind)).sync().channel();
  }

  /** Every datagram so far, in arrival order. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  /** Whether some datagram so far has the line {@code line} (e.g. {@code READY=1}). */
  public boolean hasLine(String line) {
    return messages.stream().anyMatch(m -> m.lines().anyMatch(line::equals));
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
