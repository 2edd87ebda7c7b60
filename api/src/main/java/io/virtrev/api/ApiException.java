package io.virtrev.api;

import java.util.Map;

/**
 * The closed set of errors the daemon reports. Each {@link Reason} fixes its HTTP status code and
 * its Kubernetes {@code Status.reason}: this enum is the one place where errors map to HTTP.
 */
public final class ApiException extends RuntimeException {

  /** Kubernetes Status reasons in use, each with its HTTP code. */
  public enum Reason {
    BAD_REQUEST(400, "BadRequest"),
    UNAUTHORIZED(401, "Unauthorized"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "NotFound"),
    METHOD_NOT_ALLOWED(405, "MethodNotAllowed"),
    NOT_ACCEPTABLE(406, "NotAcceptable"),
    CONFLICT(409, "Conflict"),
    ALREADY_EXISTS(409, "AlreadyExists"),
    EXPIRED(410, "Expired"),
    PRECONDITION_FAILED(412, "PreconditionFailed"),
    REQUEST_ENTITY_TOO_LARGE(413, "RequestEntityTooLarge"),
    UNSUPPORTED_MEDIA_TYPE(415, "UnsupportedMediaType"),
    INVALID(422, "Invalid"),
    TOO_MANY_REQUESTS(429, "TooManyRequests"),
    INTERNAL_ERROR(500, "InternalError"),
    SERVICE_UNAVAILABLE(503, "ServiceUnavailable"),
    TIMEOUT(504, "Timeout"),
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTPVersionNotSupported");

    private final int httpCode;
    private final String statusReason;

    Reason(int httpCode, String statusReason) {
      this.httpCode = httpCode;
      this.statusReason = statusReason;
    }

    public int httpCode() {
      return httpCode;
    }

    public String statusReason() {
      return statusReason;
    }
  }

  private final Reason reason;
  private final Map<String, Object> details;

  public ApiException(Reason reason, String message) {
    this(reason, message, Map.of(), null);
  }

  public ApiException(Reason reason, String message, Map<String, Object> details, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.details = Map.copyOf(details);
  }

  public Reason reason() {
    return reason;
  }

  public Map<String, Object> details() {
    return details;
  }

  /**
   * The Status body. Details naming a domain ({@code kind} "domains", the resource as apiserver writes it)
   * get its {@code group} "virtrev.io" here, so every 404/409 about a named object reads as apiserver's.
   */
  public Status toStatus() {
    Map<String, Object> d = details;
    if ("domains".equals(d.get("kind")) && !d.containsKey("group")) {
      d = new java.util.LinkedHashMap<>(d);
      d.put("group", GROUP);
    }
    return Status.failure(reason.httpCode(), reason.statusReason(), getMessage(), d);
  }

  /** The API group of every object the daemon serves. */
  public static final String GROUP = "virtrev.io";
}
