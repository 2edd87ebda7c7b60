package io.virtrev.daemon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.virtrev.api.Revision;
import java.nio.charset.StandardCharsets;

/**
 * How watch events are framed: Kubernetes' JSON lines ({@code {"type":T,"object":{...}}\n}) or
 * Server-Sent Events ({@code id:} = RV, {@code event:} = type, {@code data:} = the object). Stateless.
 */
enum WatchFormat {
  JSON_LINES("application/json"),
  SSE("text/event-stream; charset=utf-8");

  private static final byte[] NEWLINE = {'\n'};
  private final String contentType;

  WatchFormat(String contentType) {
    this.contentType = contentType;
  }

  String contentType() {
    return contentType;
  }

  /**
   * One event. {@code line}, if not null, is the ready JSON line for {@code type} (shared, not copied).
   * {@code id} null: an SSE event without an id (synthetic initial events are not positions in the
   * stream: a client that reconnects during them starts over).
   */
  ByteBuf event(String type, Revision id, byte[] objectJson, byte[] line) {
    if (this == JSON_LINES) {
      if (line != null) {
        return Unpooled.wrappedBuffer(line, NEWLINE);
      }
      byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
      return Unpooled.wrappedBuffer(head, objectJson, "}\n".getBytes(StandardCharsets.US_ASCII));
    }
    String head = (id == null ? "" : "id: " + id + "\n") + "event: " + type + "\ndata: ";
    return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), objectJson, "\n\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** SSE: sets the client's last event id without an event (after the synthetic initial events). */
  ByteBuf position(Revision id) {
    return this == SSE ? Unpooled.copiedBuffer("id: " + id + "\n\n", StandardCharsets.US_ASCII) : null;
  }

  /** SSE: a comment that keeps idle connections (and proxies) alive; JSON lines has none. */
  ByteBuf heartbeat() {
    return this == SSE ? Unpooled.copiedBuffer(":\n\n", StandardCharsets.US_ASCII) : null;
  }

  /** SSE: how long an EventSource waits before reconnecting. */
  ByteBuf preamble() {
    return this == SSE ? Unpooled.copiedBuffer("retry: 1000\n\n", StandardCharsets.US_ASCII) : null;
  }
}
