package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The API request that made a revision: what an object's {@code status.request} says. {@code path} is the
 * canonical group path without the query; {@code user} names the caller as the audit trail does
 * ({@code token:NAME}, {@code cert:DN}, {@code unix:socket PATH}), null for an anonymous caller. Built by
 * the daemon, carried through the store without being interpreted. Immutable.
 */
@JsonClassDescription("The API request that made this revision.")
public record ApiRequest(
    @JsonPropertyDescription("The request's HTTP method (e.g. PUT, POST, PATCH, DELETE).")
    String method,
    @JsonPropertyDescription("The request's path, under /apis/virtrev.io/v1, without the query (e.g."
        + " /apis/virtrev.io/v1/domains/web-1/start).")
    String path,
    @JsonPropertyDescription("The caller, as the audit trail names it (token:NAME, cert:SUBJECT-DN,"
        + " unix:socket PATH); absent for an anonymous caller.")
    String user) {
  public ApiRequest {
    if (method == null || method.isEmpty() || path == null || path.isEmpty()) {
      throw new IllegalArgumentException("method and path are required: " + method + " " + path);
    }
  }
}
