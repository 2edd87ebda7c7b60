package io.virtrev.daemon;

import java.time.Duration;

/**
 * How many connections each listener holds and how long a connection may hold its slot without using
 * it. Immutable. Each listener (the TCP one, each UNIX socket) counts its own connections.
 *
 * @param maxConnections most open connections per listener; past it a connection goes to the reserve
 * @param maxConnectionsPerAddress most open connections per client IP address and listener (0: no
 *     limit; UNIX sockets have no address); past it a connection goes to the reserve
 * @param reserve connections per listener beyond the limits that may only ask {@code /healthz} or
 *     {@code /readyz} (one request, then closed; anything else gets 503); past the reserve a connection
 *     is answered a fixed 503 (TLS: closed) without being read
 * @param headerTimeout from a connection's open (TLS handshake included), or from the first byte of a
 *     later request, until its request head is complete; then the connection is closed
 * @param idleTimeout a connection with no request in flight (no watch, no response pending) and no
 *     byte received for this long is closed; also the longest pause while a request body arrives
 * @param maxPipelined most requests a connection may have waiting behind the one being answered;
 *     past it the connection is not read until one is answered
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerAddress, int reserve,
    Duration headerTimeout, Duration idleTimeout, int maxPipelined) {
  public ConnectionLimits {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections < 1: " + maxConnections);
    }
    if (maxConnectionsPerAddress < 0) {
      throw new IllegalArgumentException("maxConnectionsPerAddress < 0: " + maxConnectionsPerAddress);
    }
    if (reserve < 0) {
      throw new IllegalArgumentException("reserve < 0: " + reserve);
    }
    if (headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("headerTimeout must be positive: " + headerTimeout);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
    }
    if (maxPipelined < 1) {
      throw new IllegalArgumentException("maxPipelined < 1: " + maxPipelined);
    }
  }

  public static ConnectionLimits defaults() {
    return new ConnectionLimits(16_384, 0, 16, Duration.ofSeconds(10), Duration.ofSeconds(90), 8);
  }

  public ConnectionLimits withMaxConnections(int max, int perAddress, int reserve) {
    return new ConnectionLimits(max, perAddress, reserve, headerTimeout, idleTimeout, maxPipelined);
  }

  public ConnectionLimits withTimeouts(Duration header, Duration idle) {
    return new ConnectionLimits(maxConnections, maxConnectionsPerAddress, reserve, header, idle, maxPipelined);
  }

  public ConnectionLimits withMaxPipelined(int n) {
    return new ConnectionLimits(maxConnections, maxConnectionsPerAddress, reserve, headerTimeout, idleTimeout, n);
  }
}
