package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The API request that made a revision: what an object's {@code status.request} says. */
@JsonClassDescription("The API request that made this revision.")
public record ApiRequest(
    @JsonPropertyDescription("The request's HTTP method (e.g. PUT, POST, DELETE).")
    String method,
    @JsonPropertyDescription("The request's path, under /apis/virtrev.io/v1 (e.g."
        + " /apis/virtrev.io/v1/networks/lan/start).")
    String path,
    @JsonPropertyDescription("The caller's identity (a client certificate's subject or a token's user); absent"
        + " for an anonymous caller.")
    String user) {
  public ApiRequest {
    if (method == null || path == null) {
      throw new IllegalArgumentException("method and path are required: " + method + " " + path);
    }
  }
}
