package io.virtrev.daemon.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.virtrev.daemon.ConnectionLimits;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that holds its slot without using it. One of three clocks runs at a time:
 * <ul>
 *   <li>HEAD: from the connection's open (so the TLS handshake counts), or from the first byte after an
 *   idle pause, the request head must be complete within {@code headerTimeout} (slowloris);
 *   <li>BODY: while a request body arrives, no pause longer than {@code idleTimeout};
 *   <li>IDLE: with no request in flight, {@code idleTimeout} without a byte.
 * </ul>
 * While a request is answered (asynchronously, or a watch streaming) no clock runs: the connection is
 * the server's to end. A request is in flight from its head until its final response's last content
 * was written (a {@code 100 Continue} is not final). On expiry the connection is closed without an
 * answer, as Go's and Netty's read timeouts do.
 *
 * <p>Sits right after the HTTP codec; {@link #bytes()} goes right before it (after TLS) and reports
 * raw reads. Confined to the channel's event loop (no locks).
 */
final class ConnectionTimeouts extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionTimeouts.class);

  private enum Clock { HEAD, BODY, IDLE, NONE }

  private final long headerNanos;
  private final long idleNanos;
  private Clock clock = Clock.HEAD;
  private long since = System.nanoTime(); // HEAD: when it started; BODY, IDLE: the last byte read
  private int inFlight; // request heads read whose final response is not written yet
  private boolean informational; // the response being written is a 1xx
  private ScheduledFuture<?> timer;
  private ChannelHandlerContext ctx;

  ConnectionTimeouts(ConnectionLimits limits) {
    this.headerNanos = limits.headerTimeout().toNanos();
    this.idleNanos = limits.idleTimeout().toNanos();
  }

  /** The handler that goes before the codec: every read (of bytes) counts as activity. */
  ChannelHandler bytes() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        read();
        c.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    since = System.nanoTime();
    schedule(headerNanos);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    clock = Clock.NONE;
    super.channelInactive(ctx);
  }

  /** Request heads read whose final response is not written yet (the one being read included). */
  int inFlight() {
    return inFlight;
  }

  private void read() {
    long now = System.nanoTime();
    if (clock == Clock.IDLE) {
      clock = Clock.HEAD; // a new request begins: its head has headerTimeout from here
      since = now;
      reschedule(headerNanos);
    } else if (clock == Clock.BODY) {
      since = now;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      inFlight++;
      clock = msg instanceof LastHttpContent ? Clock.NONE : Clock.BODY;
      since = System.nanoTime();
      if (clock == Clock.BODY) {
        reschedule(idleNanos);
      } else {
        cancel();
      }
    } else if (msg instanceof LastHttpContent && clock == Clock.BODY) {
      cancel();
      clock = Clock.NONE;
      if (inFlight == 0) {
        idle(); // answered before its body ended (413, a refusal)
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof HttpResponse res) {
      informational = res.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }
    if (msg instanceof LastHttpContent && !informational && inFlight > 0) {
      inFlight--;
      if (inFlight == 0 && clock == Clock.NONE) {
        idle();
      }
    }
    super.write(ctx, msg, promise);
  }

  private void idle() {
    clock = Clock.IDLE;
    since = System.nanoTime();
    reschedule(idleNanos);
  }

  private void expired() {
    timer = null;
    long limit = clock == Clock.HEAD ? headerNanos : idleNanos;
    if (clock == Clock.NONE) {
      return;
    }
    long left = limit - (System.nanoTime() - since);
    if (left > 0) {
      schedule(left); // activity since the timer was set
      return;
    }
    LOG.debug("closing {}: {}", ctx.channel().remoteAddress(), clock == Clock.HEAD
        ? "request head not complete within the header timeout" : "idle past the idle timeout");
    ctx.close();
  }

  private void reschedule(long nanos) {
    cancel();
    schedule(nanos);
  }

  private void schedule(long nanos) {
    if (timer == null) {
      timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
