package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.x connection over a plain socket to 127.0.0.1, for what an HTTP client library will not
 * send (partial heads, bad versions, bad percent-encoding, pipelining, Expect without a body). Reads
 * responses with a Content-Length body. Reads time out after 30 s.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  /** A parsed response: status code, headers (lower-case names), body. */
  public record Response(int status, Map<String, String> headers, String body) {
    public JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  public RawHttp(int port) throws IOException {
    this(port, "127.0.0.1");
  }

  /** From {@code localAddress} (any of 127.0.0.0/8 on Linux: a distinct client address). */
  public RawHttp(int port, String localAddress) throws IOException {
    socket = new Socket();
    socket.bind(new InetSocketAddress(localAddress, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream());
  }

  public RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** The next response; null if the server closed the connection before a status line. */
  public Response read() throws IOException {
    return read(false);
  }

  /** The next response to a HEAD request (no body, whatever its Content-Length says). */
  public Response readHead() throws IOException {
    return read(true);
  }

  private Response read(boolean head) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True once the server has closed the connection (EOF or reset); blocks until then or 30 s. */
  public boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (SocketException reset) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  /** {@code r} is a Status with this code and reason whose message contains {@code messagePart}. */
  public static void assertStatus(Response r, int code, String reason, String messagePart) {
    assertThat(r).as("an answer before the close").isNotNull();
    assertThat(r.status()).as(r.body()).isEqualTo(code);
    assertThat(r.json().get("kind").asText()).isEqualTo("Status");
    assertThat(r.json().get("code").asInt()).isEqualTo(code);
    assertThat(r.json().get("reason").asText()).isEqualTo(reason);
    assertThat(r.json().get("message").asText()).contains(messagePart);
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
