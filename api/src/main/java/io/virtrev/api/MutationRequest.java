package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The API request that made a revision: served as {@code status.request}. */
@JsonClassDescription("The API request that made this revision.")
public record MutationRequest(
    @JsonPropertyDescription("The HTTP method (PUT, POST, PATCH, DELETE).")
    String method,
    @JsonPropertyDescription("The request's path, e.g. /apis/virtrev.io/v1/storagepools/p1/start.")
    String path,
    @JsonPropertyDescription("The caller's identity, absent when the request carried none.")
    @JsonInclude(JsonInclude.Include.NON_NULL) String user) {

  public MutationRequest {
    if (method == null || path == null) {
      throw new IllegalArgumentException("method and path are required");
    }
  }
}
