package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The API request that made a revision ({@code status.request}): its method, its path (the canonical
 * group path, without the query) and who sent it, as the audit trail names the caller
 * ({@code token:NAME}, {@code cert:DN}, {@code unix:socket PATH}); {@code user} is null for an anonymous
 * caller. Immutable; built by the daemon, carried through the store without being interpreted.
 */
@JsonClassDescription("The API request that made a revision.")
public record MutationRequest(
    @JsonPropertyDescription("The request's HTTP method: POST, PUT, PATCH or DELETE.")
    String method,
    @JsonPropertyDescription("The request's path, under /apis/virtrev.io/v1, without the query"
        + " (e.g. /apis/virtrev.io/v1/domains/web-1/start).")
    String path,
    @JsonPropertyDescription("Who sent it, as the audit trail names the caller (token:NAME, cert:DN,"
        + " unix:socket PATH); absent for an anonymous caller.")
    String user) {
  public MutationRequest {
    if (method == null || method.isEmpty() || path == null || path.isEmpty()) {
      throw new IllegalArgumentException("a request needs a method and a path: " + method + " " + path);
    }
  }
}
