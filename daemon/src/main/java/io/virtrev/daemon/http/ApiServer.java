package io.virtrev.daemon.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.virtrev.daemon.security.ClientCertificateHandler;
import io.virtrev.daemon.security.Identity;
import io.virtrev.daemon.security.Security;
import io.virtrev.daemon.security.TlsContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listeners: TCP (TLS optional) and UNIX sockets (each with the role its peers get, like
 * libvirt's read-write and read-only sockets). Each listener admits connections through its
 * {@link ConnectionLimiter}. Pipeline per connection: {@link ReadPause}, [TLS, client certificate], read activity,
 * codec, {@link ConnectionTimeouts}, metrics, keep-alive, {@link RequestGate} (version, encoding,
 * credentials, before any body), body aggregation (413 past the limit), then the {@link ApiHandler}.
 * Threads: one acceptor, {@code workers} event loops; UNIX sockets use one epoll loop.
 */
public final class ApiServer implements AutoCloseable {
  /**
   * Netty's pooled allocator rather than 4.2's default adaptive one: measured with 1,000 idle watchers
   * (scripts/bench.sh item 6), the adaptive allocator kept ~45 KiB of direct memory per connection
   * (~90-130 KiB of RSS), the pooled one ~8 KiB (~11 KiB of RSS), with fan-out unchanged.
   */
  public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final ApiContext api;
  private final RouteTable routes;
  private final TlsContexts tls; // null: plain TCP
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private EventLoopGroup unixGroup;
  private final ChannelGroup channels = new DefaultChannelGroup("virtrev-http", GlobalEventExecutor.INSTANCE);
  private final ChannelGroup servers = new DefaultChannelGroup("virtrev-listeners", GlobalEventExecutor.INSTANCE);
  /** Socket files this server put in place, with their file keys: removed on close if still ours. */
  private final java.util.Map<Path, Object> socketFiles = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.List<ConnectionLimiter> limiters = new java.util.concurrent.CopyOnWriteArrayList<>();

  public ApiServer(ApiContext api, int workerThreads, TlsContexts tls) {
    this(api, RouteTable.API, workerThreads, tls);
  }

  /** A server answering by {@code routes} (the host's {@link RouteTable#API}, or a fleet gateway's). */
  ApiServer(ApiContext api, RouteTable routes, int workerThreads, TlsContexts tls) {
    this.api = api;
    this.routes = routes;
    this.tls = tls;
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("http-accept", true),
        NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("http-io", true),
        NioIoHandler.newFactory());
  }

  /** Binds the TCP listener and returns the bound address (useful with port 0). */
  public InetSocketAddress bind(String host, int port) throws InterruptedException {
    ServerBootstrap b = connectionOptions(new ServerBootstrap())
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          private final ConnectionLimiter limiter = limiter(tls == null ? "the HTTP listener" : "the HTTPS listener");

          @Override
          protected void initChannel(Channel ch) {
            ConnectionLimiter.Admission admission = limiter.admit(ch, tls == null);
            if (admission == ConnectionLimiter.Admission.REFUSED) {
              return;
            }
            if (tls != null) {
              ch.pipeline().addLast("tls", tls.current().newHandler(ch.alloc()));
              if (tls.settings().verifiesClients()) {
                ch.pipeline().addLast("client-cert", new ClientCertificateHandler(tls.settings().clientDnRules()));
              }
            }
            http(ch, admission == ConnectionLimiter.Admission.RESERVE ? limiter : null);
          }
        });
    Channel server = b.bind(host, port).sync().channel();
    servers.add(server);
    InetSocketAddress addr = (InetSocketAddress) server.localAddress();
    LOG.info("listening on {}://{}", tls == null ? "http" : "https", hostPort(host, addr.getPort()));
    return addr;
  }

  /** {@code host:port} as an operator writes it: the host as configured, IPv6 in brackets. */
  public static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Binds a UNIX socket at {@code path} whose peers act with {@code role}; the file gets {@code mode}
   * (e.g. {@code rw-rw----}) and, if not null, {@code group}. A stale socket file (nobody listening) is
   * replaced; a live one is an error.
   */
  public void bindUnix(Path path, Identity peer, String mode, String group) throws InterruptedException, IOException {
    if (!Epoll.isAvailable()) {
      throw new IOException("UNIX sockets need Linux epoll: " + Epoll.unavailabilityCause());
    }
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
          java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
        throw new IOException(path + " exists and is not a socket; refusing to replace it");
      }
      if (answers(path)) {
        throw new IOException("another process listens on " + path);
      }
      Files.delete(path);
    }
    if (unixGroup == null) {
      unixGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("http-unix", true),
          EpollIoHandler.newFactory());
    }
    ServerBootstrap b = connectionOptions(new ServerBootstrap())
        .group(unixGroup)
        .channel(EpollServerDomainSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          private final ConnectionLimiter limiter = limiter("unix:" + path);

          @Override
          protected void initChannel(Channel ch) {
            ConnectionLimiter.Admission admission = limiter.admit(ch, true);
            if (admission == ConnectionLimiter.Admission.REFUSED) {
              return;
            }
            ch.attr(Security.CONNECTION_IDENTITY).set(peer);
            http(ch, admission == ConnectionLimiter.Admission.RESERVE ? limiter : null);
          }
        });
    // Bound inside a private (0700) directory, given its mode and group there, and only then moved
    // into place: nobody can connect through a window of default permissions.
    Path parent = path.toAbsolutePath().getParent();
    Path staging = Files.createTempDirectory(parent, ".virtrev-sock-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path staged = staging.resolve("s");
    try {
      servers.add(b.bind(new DomainSocketAddress(staged.toFile())).sync().channel());
      Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString(mode));
      if (group != null) {
        GroupPrincipal g;
        try {
          g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
          throw new IOException("--unix-socket-group: no such group '" + group + "' (for " + path + ")", e);
        }
        Files.getFileAttributeView(staged, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(g);
      }
      Files.move(staged, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      socketFiles.put(path, fileKey(path));
    } finally {
      Files.deleteIfExists(staged);
      Files.deleteIfExists(staging);
    }
    LOG.info("listening on unix:{} ({} for {}, mode {}{})", path, peer.role().wireName(), peer.name(), mode,
        group == null ? "" : ", group " + group);
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
        java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  /** Removes the socket files this server bound, unless another process has replaced them since. */
  private void removeSocketFiles() {
    socketFiles.forEach((path, key) -> {
      try {
        if (key != null && key.equals(fileKey(path))) {
          Files.delete(path);
        }
      } catch (IOException e) {
        LOG.debug("socket file {} not removed: {}", path, e.toString());
      }
    });
    socketFiles.clear();
  }

  private static boolean answers(Path socket) {
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return c.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return false;
    }
  }

  /** What every listener's channels share: the allocator, and the watch buffer's water marks. */
  private ServerBootstrap connectionOptions(ServerBootstrap b) {
    return b.option(ChannelOption.ALLOCATOR, ALLOCATOR)
        .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark());
  }

  private WriteBufferWaterMark waterMark() {
    return new WriteBufferWaterMark(api.http().watchBufferBytes() / 2, api.http().watchBufferBytes());
  }

  private ConnectionLimiter limiter(String listener) {
    ConnectionLimiter l = new ConnectionLimiter(api.http().connections(), listener);
    limiters.add(l);
    long wanted = (long) limiters.size() * (api.http().connections().maxConnections() + api.http().connections().reserve());
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean os && os.getMaxFileDescriptorCount() < wanted + 256) {
      LOG.warn("the connection limits ({} over {} listeners, reserves included) come near or past the process's"
          + " file-descriptor limit of {}: raise it (LimitNOFILE) or lower --max-connections", wanted, limiters.size(),
          os.getMaxFileDescriptorCount());
    }
    return l;
  }

  /** {@code reserveOf}: the limiter whose reserve {@code ch} is in, or null for a normal connection. */
  private void http(Channel ch, ConnectionLimiter reserveOf) {
    channels.add(ch);
    ChannelPipeline p = ch.pipeline();
    ConnectionTimeouts timeouts = new ConnectionTimeouts(api.http().connections());
    p.addFirst("read-pause", new ReadPause());
    p.addLast("read-activity", timeouts.bytes());
    p.addLast("codec", new HttpServerCodec());
    p.addLast("timeouts", timeouts);
    p.addLast("metrics", new HttpMetricsHandler(api.metrics(), routes));
    p.addLast("keepalive", new HttpServerKeepAliveHandler());
    p.addLast("gate", new RequestGate(api, reserveOf));
    p.addLast("aggregator", new StatusAggregator(api.http().maxBodyBytes(), api.audit()));
    p.addLast("api", new ApiHandler(api, routes));
  }

  /**
   * The most bytes one connection has queued for its socket and not yet handed to it (what a client
   * that does not read makes the server hold).
   */
  public long largestWriteBacklog() {
    long max = 0;
    for (Channel ch : channels) {
      io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
      if (out != null) {
        max = Math.max(max, out.totalPendingWriteBytes());
      }
    }
    return max;
  }

  /** Open connections over all listeners, admitted and in the reserve. */
  public int openConnections() {
    return limiters.stream().mapToInt(ConnectionLimiter::open).sum();
  }

  /**
   * Stops accepting (and removes the UNIX socket files it bound), ends every watch cleanly (a last
   * BOOKMARK where asked for), closes all connections.
   */
  @Override
  public void close() {
    servers.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    removeSocketFiles();
    for (Channel ch : channels) {
      ApiHandler h = ch.pipeline().get(ApiHandler.class);
      if (h != null) {
        ch.eventLoop().execute(h::finishWatch);
      }
    }
    channels.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    if (unixGroup != null) {
      unixGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
