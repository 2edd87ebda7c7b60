package io.virtrev.daemon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import io.virtrev.daemon.ConnectionLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one listener's open connections, in total and per client IP address, and decides what a new
 * connection gets: a normal slot, a reserve slot (only {@code /healthz} and {@code /readyz}, see
 * {@link RequestGate}), or nothing (a fixed 503, then closed, never read). A slot is given back when
 * its connection closes.
 *
 * <p>Threads: {@link #admit} runs on the new channel's event loop and slots are given back on the
 * closing channel's loop, so the counts are atomics and a concurrent map; an admission that would pass
 * a limit is undone at once (a count may pass a limit by the number of concurrent admissions for an
 * instant, never for a connection).
 */
final class ConnectionLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);

  /** What a new connection gets. */
  enum Admission { ADMITTED, RESERVE, REFUSED }

  private final ConnectionLimits limits;
  private final String listener;
  private final AtomicInteger open = new AtomicInteger(); // admitted connections
  private final AtomicInteger reserved = new AtomicInteger(); // connections in the reserve
  private final Map<InetAddress, Integer> byAddress = new ConcurrentHashMap<>(); // admitted, per address
  private final ByteBuf refusal;

  ConnectionLimiter(ConnectionLimits limits, String listener) {
    this.limits = limits;
    this.listener = listener;
    byte[] body = Json.bytes(tooMany().toStatus());
    String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + Reply.JSON + "\r\nContent-Length: "
        + body.length + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n";
    this.refusal = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
        head.getBytes(StandardCharsets.US_ASCII), body)).asReadOnly();
  }

  /** The Status a connection past the limits gets. */
  ApiException tooMany() {
    return new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "too many connections to " + listener
        + " (at most " + limits.maxConnections() + (limits.maxConnectionsPerAddress() > 0
            ? ", " + limits.maxConnectionsPerAddress() + " per client address" : "")
        + "); only /healthz and /readyz are answered now; retry later", Map.of("retryAfterSeconds", 1), null);
  }

  /**
   * Admits {@code ch} (a slot given back when it closes), puts it in the reserve, or refuses it: then a
   * plain connection is sent the fixed 503 and closed, a TLS one ({@code plain} false) just closed.
   */
  Admission admit(Channel ch, boolean plain) {
    InetAddress address = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    if (takeAddress(address)) {
      if (open.incrementAndGet() <= limits.maxConnections()) {
        ch.closeFuture().addListener(f -> {
          open.decrementAndGet();
          giveBackAddress(address);
        });
        return Admission.ADMITTED;
      }
      open.decrementAndGet();
      giveBackAddress(address);
    }
    if (reserved.incrementAndGet() <= limits.reserve()) {
      ch.closeFuture().addListener(f -> reserved.decrementAndGet());
      return Admission.RESERVE;
    }
    reserved.decrementAndGet();
    LOG.debug("refused a connection from {} to {}: at the limit and the reserve is full", ch.remoteAddress(), listener);
    if (plain) {
      ch.writeAndFlush(refusal.duplicate()).addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close();
    }
    return Admission.REFUSED;
  }

  /** Open connections, admitted and in the reserve (for tests and metrics). */
  int open() {
    return open.get() + reserved.get();
  }

  private boolean takeAddress(InetAddress address) {
    int per = limits.maxConnectionsPerAddress();
    if (per == 0 || address == null) {
      return true;
    }
    if (byAddress.merge(address, 1, Integer::sum) <= per) {
      return true;
    }
    giveBackAddress(address);
    return false;
  }

  private void giveBackAddress(InetAddress address) {
    if (limits.maxConnectionsPerAddress() > 0 && address != null) {
      byAddress.computeIfPresent(address, (k, n) -> n == 1 ? null : n - 1);
    }
  }
}
