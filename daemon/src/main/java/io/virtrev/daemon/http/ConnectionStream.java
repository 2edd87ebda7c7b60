package io.virtrev.daemon.http;

/**
 * A response that owns its connection until it ends (a watch): {@link ApiHandler} hands the connection over
 * and forwards the channel's events. Every method runs on the channel's event loop.
 */
interface ConnectionStream {
  /** Writes the response head and starts streaming. Called once. */
  void begin();

  /** The channel became writable again: write what is pending. */
  void pump();

  /** The connection went away: release everything, write nothing. */
  void closed();

  /** The server ends the stream (shutdown): a last BOOKMARK where allowed, then the end of the response. */
  void finish();
}
