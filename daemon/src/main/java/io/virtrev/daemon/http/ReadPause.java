package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Stops a connection from being read. {@code setAutoRead(false)} alone does not: the HTTP decoder and
 * the body aggregator ask for more ({@code ctx.read()}) while they hold a partial message, so a
 * pipeline of large requests would go on being read. This handler, first in the pipeline, drops those
 * requests while paused and makes the one it owes on {@link #resume}.
 *
 * <p>Confined to the channel's event loop.
 */
final class ReadPause extends ChannelOutboundHandlerAdapter {
  private boolean paused;
  private boolean owed; // a read was asked for while paused
  private ChannelHandlerContext ctx;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (paused) {
      owed = true;
    } else {
      ctx.read();
    }
  }

  boolean paused() {
    return paused;
  }

  void pause() {
    paused = true;
    ctx.channel().config().setAutoRead(false);
  }

  void resume() {
    if (!paused) {
      return;
    }
    paused = false;
    ctx.channel().config().setAutoRead(true); // asks for a read
    if (owed) {
      owed = false;
      ctx.read();
    }
  }
}
