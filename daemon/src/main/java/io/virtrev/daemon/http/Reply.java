package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.api.Status;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a route answers, as a value: routes never write to the channel. {@link ApiHandler} hands every
 * reply to {@link ReplyWriter}, the one place that turns it into HTTP (ETag, store id, Content-Type,
 * gzip, keep-alive, a Status for an error).
 *
 * <ul>
 *   <li>{@link Full}: a complete response.
 *   <li>{@link Later}: the answer after a wait (a revision, a disk read, a mutation); its continuation runs
 *       on the channel's event loop and gives the next reply.
 *   <li>{@link Stream}: the route takes the connection over (a watch) and writes it itself from then on.
 * </ul>
 */
sealed interface Reply permits Reply.Full, Reply.Later, Reply.Stream {
  String JSON = "application/json";
  String XML = "application/xml";
  String TEXT = "text/plain; charset=utf-8";

  /**
   * A complete response. Immutable: {@code body} is never modified once given (not copied).
   *
   * @param status the HTTP status
   * @param body the encoded body (gzip-encoded if {@code gzipped}); empty for a 304
   * @param contentType its media type; null only for a 304 (no Content-Type, no Content-Length)
   * @param gzipped the body is gzip-encoded already (memoized with what it encodes): never compressed again
   * @param headers more headers, in the order written
   * @param etag the entity tag, unquoted (a resourceVersion or a document hash), or null
   * @param storeId the store the answer was read from ({@code X-Virtrev-Store-Id}), or null
   */
  record Full(HttpResponseStatus status, byte[] body, String contentType, boolean gzipped,
      Map<String, String> headers, String etag, String storeId) implements Reply {
    public Full {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(body, "body");
      if (contentType == null && status.code() != 304) {
        throw new IllegalArgumentException("no Content-Type for a " + status);
      }
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** This reply with one more header (replacing one of that name). */
    Full withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Full(status, body, contentType, gzipped, h, etag, storeId);
    }

    /** This reply with {@code headers} added, in their order. */
    Full withHeaders(Map<String, String> more) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.putAll(more);
      return new Full(status, body, contentType, gzipped, h, etag, storeId);
    }

    /** This reply with the ETag {@code "rv"}; none for a null revision. */
    Full withEtag(Revision rv) {
      return withEtag(rv == null ? null : rv.toString());
    }

    /** This reply with the ETag {@code "tag"}; none for null. */
    Full withEtag(String tag) {
      return new Full(status, body, contentType, gzipped, headers, tag, storeId);
    }

    /** This reply read from the store {@code id} ({@code X-Virtrev-Store-Id}). */
    Full withStoreId(String id) {
      return new Full(status, body, contentType, gzipped, headers, etag, id);
    }

    /** This reply as {@code 304 Not Modified}: its headers, ETag and store id, no body. */
    Full asNotModified() {
      return new Full(HttpResponseStatus.NOT_MODIFIED, new byte[0], null, false, headers, etag, storeId);
    }
  }

  /**
   * A reply that needs a wait. When {@code stage} completes (on any thread), {@code then} runs on the
   * channel's event loop with its value, or with its failure (a {@link CompletionException} unwrapped),
   * and gives the reply; whatever it throws is answered as its Status ({@link ReplyWriter#failure}).
   */
  record Later<T>(CompletionStage<T> stage, BiFunction<? super T, Throwable, Reply> then) implements Reply {
    public Later {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(then, "then");
    }
  }

  /**
   * The route takes the connection over. {@code open} runs on the channel's event loop; it either throws
   * before writing anything (answered as a Status) or writes the response head and returns the stream
   * that owns the connection until it ends (then nothing else is answered on it).
   */
  record Stream(Function<ChannelHandlerContext, ? extends ConnectionStream> open) implements Reply {
    public Stream {
      Objects.requireNonNull(open, "open");
    }
  }

  /** {@code body} encoded as JSON. */
  static Full json(HttpResponseStatus status, Object body) {
    return bytes(status, Json.bytes(body), JSON);
  }

  /** 200 with {@code body} encoded as JSON. */
  static Full json(Object body) {
    return json(HttpResponseStatus.OK, body);
  }

  /** {@code 304 Not Modified}: no body, no Content-Type. */
  static Full notModified() {
    return new Full(HttpResponseStatus.NOT_MODIFIED, new byte[0], null, false, Map.of(), null, null);
  }

  /** 200 with {@code text} in UTF-8. */
  static Full text(String text, String contentType) {
    return bytes(HttpResponseStatus.OK, text.getBytes(StandardCharsets.UTF_8), contentType);
  }

  static Full bytes(HttpResponseStatus status, byte[] body, String contentType) {
    return new Full(status, body, contentType, false, Map.of(), null, null);
  }

  /** 200 with a body already gzip-encoded. */
  static Full gzipped(byte[] gzipped, String contentType) {
    return new Full(HttpResponseStatus.OK, gzipped, contentType, true, Map.of(), null, null);
  }

  /**
   * The error's Status with the HTTP code its reason fixes; {@code Allow} for 405 and {@code Retry-After}
   * for 429/503/504 come from its details, {@code WWW-Authenticate} with a 401.
   */
  static Full error(ApiException e) {
    Status s = e.toStatus();
    Full r = json(HttpResponseStatus.valueOf(s.code()), s);
    Object allow = e.details().get("allow");
    Object retry = e.details().get("retryAfterSeconds");
    return allow != null ? r.withHeader("Allow", allow.toString())
        : retry != null ? r.withHeader("Retry-After", retry.toString())
        : e.reason() == ApiException.Reason.UNAUTHORIZED ? r.withHeader("WWW-Authenticate", "Bearer realm=\"virtrev\"")
        : r;
  }

  /** When {@code stage} completes, {@code then} gives the reply (on the event loop); a failure is answered as its Status. */
  static <T> Reply after(CompletionStage<T> stage, Function<? super T, Reply> then) {
    return new Later<T>(stage, (value, failure) -> {
      if (failure != null) {
        throw failure instanceof RuntimeException r ? r : new CompletionException(failure);
      }
      return then.apply(value);
    });
  }
}
