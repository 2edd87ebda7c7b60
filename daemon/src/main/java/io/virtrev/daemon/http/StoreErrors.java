package io.virtrev.daemon.http;

import io.virtrev.api.ApiException;
import io.virtrev.versioning.StoreException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where the store's errors become HTTP: each {@link StoreException.Reason} gets its
 * status code and Kubernetes {@code Status.reason} here (through {@link ApiException.Reason}, which
 * fixes the pair); the message and details are the store's. {@link StoreException.Reason#FAILED} (the
 * store itself is broken) is not the client's to see: it stays a failure, logged and answered 500 by
 * {@link ReplyWriter#failure}. Stateless.
 */
final class StoreErrors {
  private StoreErrors() {}

  static ApiException.Reason reason(StoreException.Reason r) {
    return switch (r) {
      case COMPACTED -> ApiException.Reason.EXPIRED; // 410 Expired: list again
      case TOO_NEW -> ApiException.Reason.TIMEOUT; // 504 Timeout, as apiserver's ResourceVersionTooLarge
      case NOT_FOUND -> ApiException.Reason.NOT_FOUND;
      case ALREADY_EXISTS -> ApiException.Reason.ALREADY_EXISTS;
      case CONFLICT -> ApiException.Reason.CONFLICT;
      case PRECONDITION_FAILED -> ApiException.Reason.PRECONDITION_FAILED;
      case MALFORMED -> ApiException.Reason.BAD_REQUEST;
      case INVALID -> ApiException.Reason.INVALID;
      case UNAVAILABLE -> ApiException.Reason.SERVICE_UNAVAILABLE;
      case INTERNAL, FAILED -> ApiException.Reason.INTERNAL_ERROR;
    };
  }

  /**
   * {@code e} as the API error a client sees: itself if it is one, a {@link StoreException} mapped by
   * its reason; null for anything else (a bug, or a {@link StoreException.Reason#FAILED} store).
   */
  static ApiException api(Throwable e) {
    if (e instanceof ApiException a) {
      return a;
    }
    if (e instanceof StoreException s && s.reason() != StoreException.Reason.FAILED) {
      Map<String, Object> details = s.details();
      if (s.reason() == StoreException.Reason.TOO_NEW) {
        // apiserver's NewTooLargeResourceVersionError: client-go's reflector looks for the cause's reason.
        details = new LinkedHashMap<>(details);
        details.put("retryAfterSeconds", 1);
        details.put("causes", List.of(Map.of("reason", "ResourceVersionTooLarge", "message",
            "Too large resource version")));
      }
      return new ApiException(reason(s.reason()), s.getMessage(), details, s);
    }
    return null;
  }

  /** The HTTP code {@code e} is answered with (500 for anything that is no API or store error). */
  static int httpCode(Throwable e) {
    ApiException a = api(e);
    return a == null ? 500 : a.reason().httpCode();
  }
}
