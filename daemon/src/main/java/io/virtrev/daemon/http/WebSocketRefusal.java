package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.Status;
import java.util.Map;

/**
 * Watches are streamed over plain HTTP only. A watch request that asks for a WebSocket
 * ({@code Upgrade: websocket}; fabric8 tries one first for every watch unless {@code onlyHttpWatches}
 * is set) gets a complete {@code 200 OK} whose body is a Failure Status saying so, instead of the
 * stream: a WebSocket handshake waits for its response to end, so a streamed answer would hold the
 * client until the watch times out. fabric8 retries an HTTP watch at once after a handshake answered
 * 200 or 503; it answers 200 because fabric8 first retries every 5xx with exponential backoff (about
 * 20 s with its defaults). Other routes ignore the upgrade: their answers are complete anyway.
 */
final class WebSocketRefusal {
  static final String MESSAGE = "this server streams watches over HTTP; WebSocket is not supported"
      + " (Upgrade: websocket): repeat the request without the Upgrade header";

  private WebSocketRefusal() {}

  /** True if {@code req} asks to switch to WebSocket (the token in {@code Upgrade}, any case). */
  static boolean requested(HttpRequest req) {
    return req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /** The complete refusal; the connection stays HTTP (kept alive as the request asks). */
  static Reply reply() {
    return Reply.json(HttpResponseStatus.OK, Status.failure(HttpResponseStatus.OK.code(), null, MESSAGE, Map.of()));
  }
}
