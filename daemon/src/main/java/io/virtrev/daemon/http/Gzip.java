package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Response compression as kube-apiserver does it: a complete response of at least {@link #MIN_BYTES}
 * is gzipped when the request's {@code Accept-Encoding} allows gzip (client-go asks for it by default).
 * Watch streams are never compressed: each event must reach the client when it is written.
 */
final class Gzip {
  /** kube-apiserver's threshold: smaller responses are not worth the CPU. */
  static final int MIN_BYTES = 128 * 1024;

  private Gzip() {}

  /** True if {@code req} accepts gzip (q > 0) and the body is large enough to compress. */
  static boolean wanted(HttpRequest req, int bodyLength) {
    return bodyLength >= MIN_BYTES && req != null && accepts(req.headers().get(HttpHeaderNames.ACCEPT_ENCODING));
  }

  /** {@code Accept-Encoding} lists gzip (or *) without {@code q=0}. */
  static boolean accepts(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.trim().split(";");
      String coding = p[0].trim().toLowerCase(Locale.ROOT);
      if (!coding.equals("gzip") && !coding.equals("*")) {
        continue;
      }
      boolean refused = false;
      for (int i = 1; i < p.length; i++) {
        String param = p[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
        if (param.startsWith("q=")) {
          try {
            refused = Double.parseDouble(param.substring(2)) <= 0;
          } catch (NumberFormatException e) {
            refused = true;
          }
        }
      }
      if (!refused) {
        return true;
      }
    }
    return false;
  }

  /** Fast compression (level 1): the point is fewer bytes on the wire at little CPU. */
  static byte[] compress(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 8));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }
}
