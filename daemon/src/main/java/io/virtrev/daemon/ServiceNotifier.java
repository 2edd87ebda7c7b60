package io.virtrev.daemon;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The systemd notification protocol ({@code sd_notify(3)}): datagrams of {@code KEY=value} lines sent to
 * the UNIX datagram socket named by {@code NOTIFY_SOCKET} (a path, or with a leading {@code @} a name in
 * the abstract namespace). Without {@code NOTIFY_SOCKET} (not run by systemd with {@code Type=notify}),
 * {@link #NONE} does nothing.
 *
 * <p>Threads: one Netty event loop ({@code sd-notify}) owns the unbound datagram channel; {@link #send}
 * may be called from any thread, does not block, and messages leave in the order of the calls. A send
 * that fails is logged and dropped (systemd then times the start out, which is what an operator sees).
 */
final class ServiceNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceNotifier.class);

  /** Sends nothing. */
  static final ServiceNotifier NONE = new ServiceNotifier();

  private final String target;
  private final EventLoopGroup group;
  private final Channel channel;

  private ServiceNotifier() {
    this.target = null;
    this.group = null;
    this.channel = null;
  }

  private ServiceNotifier(String target, EventLoopGroup group, Channel channel) {
    this.target = target;
    this.group = group;
    this.channel = channel;
  }

  /**
   * The notifier for {@code NOTIFY_SOCKET} in {@code env}; {@link #NONE} if it is unset or empty, or
   * (with a warning) where UNIX datagrams are not available.
   */
  static ServiceNotifier fromEnvironment(Map<String, String> env) {
    String socket = env.get("NOTIFY_SOCKET");
    if (socket == null || socket.isEmpty()) {
      return NONE;
    }
    try {
      return to(socket);
    } catch (IllegalStateException e) {
      LOG.warn("not notifying the service manager: {}", e.getMessage());
      return NONE;
    }
  }

  /**
   * A notifier to {@code socket}: a filesystem path, or {@code @name} for the abstract namespace.
   *
   * @throws IllegalStateException where Netty's epoll transport is not available (not Linux)
   */
  static ServiceNotifier to(String socket) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("NOTIFY_SOCKET is set but UNIX datagrams need Linux epoll: "
          + Epoll.unavailabilityCause());
    }
    String address = socket.startsWith("@") ? "\0" + socket.substring(1) : socket;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sd-notify", true),
        EpollIoHandler.newFactory());
    try {
      Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
          .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true) // unbound: sendto() only
          .handler(new ChannelInboundHandlerAdapter()).register().syncUninterruptibly().channel();
      return new ServiceNotifier(address, group, ch);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Sends one notification, e.g. {@code "READY=1\nSTATUS=ready"}; returns at once. */
  void send(String message) {
    if (channel == null) {
      return;
    }
    channel.writeAndFlush(new DomainDatagramPacket(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8),
        new DomainSocketAddress(target))).addListener(f -> {
          if (!f.isSuccess()) {
            LOG.warn("sd_notify to {} failed: {}", target.replace('\0', '@'), f.cause().toString());
          }
        });
  }

  /**
   * Frees the channel after every message sent so far (the close is queued behind them on the event
   * loop), waiting at most a second.
   */
  @Override
  public void close() {
    if (channel == null) {
      return;
    }
    channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
