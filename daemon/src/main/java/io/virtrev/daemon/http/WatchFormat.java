package io.virtrev.daemon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.virtrev.api.Revision;
import io.virtrev.versioning.StoredEvent;
import java.nio.charset.StandardCharsets;

/**
 * How watch events are framed: Kubernetes' JSON lines ({@code {"type":T,"object":{...}}\n}) or
 * Server-Sent Events ({@code id:} = RV, {@code event:} = type, {@code data:} = the object). Stateless.
 */
enum WatchFormat {
  JSON_LINES("application/json"),
  SSE("text/event-stream; charset=utf-8");

  private static final byte[] NEWLINE = {'\n'};
  // Shared by wrapped buffers: never written to.
  private static final byte[] OBJECT_TAIL = {'}', '\n'};
  private static final byte[] SSE_TAIL = {'\n', '\n'};
  /** Room {@link #append} needs beyond an event's line: framing, the id, a retyped head. */
  private static final int FRAMING_BYTES = 64;
  private final String contentType;

  WatchFormat(String contentType) {
    this.contentType = contentType;
  }

  String contentType() {
    return contentType;
  }

  /**
   * One event that is not a stored revision (a synthetic initial ADDED, a BOOKMARK, an ERROR), framed.
   * {@code id} null: an SSE event without an id (synthetic initial events are not positions in the
   * stream: a client that reconnects during them starts over).
   */
  ByteBuf event(String type, Revision id, byte[] objectJson) {
    if (this == JSON_LINES) {
      byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
      return Unpooled.wrappedBuffer(head, objectJson, OBJECT_TAIL);
    }
    String head = (id == null ? "" : "id: " + id + "\n") + "event: " + type + "\ndata: ";
    return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), objectJson, SSE_TAIL);
  }

  /**
   * Appends stored event {@code e}, seen through the watch's selector as {@code type}, framed, to
   * {@code out}: the shared line as it is (JSON lines, same type), or its object under a new type or in
   * SSE framing. Copies the bytes: a batch of events becomes one buffer, one HTTP chunk.
   */
  void append(ByteBuf out, String type, StoredEvent e) {
    byte[] line = e.line();
    if (this == JSON_LINES) {
      if (type.equals(e.type())) {
        out.writeBytes(line).writeBytes(NEWLINE);
        return;
      }
      out.writeBytes(("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(line, e.objectOffset(), e.objectLength()).writeBytes(OBJECT_TAIL);
      return;
    }
    out.writeCharSequence("id: " + e.revision() + "\nevent: " + type + "\ndata: ", StandardCharsets.US_ASCII);
    out.writeBytes(line, e.objectOffset(), e.objectLength()).writeBytes(SSE_TAIL);
  }

  /** Appends an event whose object is {@code objectJson} (not the stored line's), framed, to {@code out}. */
  void append(ByteBuf out, String type, Revision id, byte[] objectJson) {
    ByteBuf framed = event(type, id, objectJson);
    try {
      out.writeBytes(framed);
    } finally {
      framed.release();
    }
  }

  /** About how many bytes {@link #append} writes for {@code e} (a buffer grows if it is short). */
  static int estimate(StoredEvent e) {
    return e.line().length + FRAMING_BYTES;
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
