package io.virtrev.daemon;

import io.virtrev.api.Json;
import io.virtrev.fixtures.SeenEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A watch over a plain socket with a tiny receive buffer, read only when the test says so: the
 * "client that stops reading". Decodes chunked transfer encoding; a chunk holds one or more whole JSON
 * lines (the daemon writes a batch of events as one chunk, and never splits a line across chunks: a
 * chunk that does not end with a newline fails the read). With {@code sse}, it asks for Server-Sent
 * Events and a chunk holds whole SSE blocks ({@code id:}, {@code event:}, {@code data:}, blank line);
 * an event's id must be its object's resourceVersion.
 */
final class RawWatch implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final boolean sse;
  final List<SeenEvent> events = new ArrayList<>();
  final List<JsonNode> errors = new ArrayList<>();
  int status;
  int chunks; // data chunks read

  RawWatch(int port, String pathAndQuery) throws IOException {
    this(port, pathAndQuery, false);
  }

  RawWatch(int port, String pathAndQuery, boolean sse) throws IOException {
    this.sse = sse;
    socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(30_000);
    socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: test\r\n"
        + (sse ? "Accept: text/event-stream\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
    in = new BufferedInputStream(socket.getInputStream());
  }

  /** Reads the status line and headers. */
  void readHead() throws IOException {
    String statusLine = line();
    status = Integer.parseInt(statusLine.split(" ")[1]);
    while (!line().isEmpty()) {
      // headers: not needed
    }
  }

  /** Reads chunks until the stream ends (last chunk or EOF). */
  void readToEnd() throws IOException {
    readUntil(Long.MAX_VALUE);
  }

  /** Reads chunks until an event at {@code rv} or later arrived, or the stream ended. */
  void readUntil(long rv) throws IOException {
    while (events.isEmpty() || events.get(events.size() - 1).resourceVersion() < rv) {
      String sizeLine = line();
      if (sizeLine == null) {
        return;
      }
      int size = Integer.parseInt(sizeLine.trim(), 16);
      if (size == 0) {
        return;
      }
      byte[] data = in.readNBytes(size);
      line(); // CRLF after the data
      chunks++;
      if (sse) {
        acceptSse(new String(data, StandardCharsets.UTF_8));
        continue;
      }
      if (data[data.length - 1] != '\n') {
        throw new IllegalStateException("chunk " + chunks + " does not end with a whole line");
      }
      int from = 0;
      for (int i = 0; i < data.length; i++) {
        if (data[i] == '\n') {
          accept(Json.mapper().readTree(data, from, i - from));
          from = i + 1;
        }
      }
    }
  }

  private void acceptSse(String text) throws IOException {
    if (!text.endsWith("\n\n")) {
      throw new IllegalStateException("SSE chunk " + chunks + " does not end with a whole block");
    }
    for (String block : text.split("\n\n")) {
      String id = null;
      String type = null;
      String data = null;
      for (String l : block.split("\n")) {
        if (l.startsWith("id: ")) {
          id = l.substring(4);
        } else if (l.startsWith("event: ")) {
          type = l.substring(7);
        } else if (l.startsWith("data: ")) {
          data = l.substring(6);
        }
      }
      if (type == null || data == null) {
        continue; // retry:, a position, a heartbeat
      }
      JsonNode obj = Json.mapper().readTree(data);
      if (type.equals("ERROR")) {
        errors.add(obj);
        continue;
      }
      JsonNode m = obj.get("metadata");
      long rv = Long.parseLong(m.get("resourceVersion").asText());
      if (id != null && !type.equals("BOOKMARK") && Long.parseLong(id) != rv) {
        throw new IllegalStateException("SSE id " + id + " on an event at resourceVersion " + rv);
      }
      events.add(new SeenEvent(type, m.path("uuid").asText(null), m.path("name").asText(null), rv, null));
    }
  }

  private void accept(JsonNode j) {
    String type = j.get("type").asText();
    if (type.equals("ERROR")) {
      errors.add(j.get("object"));
    } else {
      JsonNode m = j.get("object").get("metadata");
      events.add(new SeenEvent(type, m.path("uuid").asText(null), m.path("name").asText(null),
          Long.parseLong(m.get("resourceVersion").asText()), null));
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
