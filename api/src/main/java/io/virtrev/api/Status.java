package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Map;

/** A Kubernetes-style Status object: the body of every error response and of ERROR watch events. */
@JsonClassDescription("Status is the answer to a request that failed (and the object of an ERROR watch"
    + " event), as Kubernetes' meta/v1 Status.")
public record Status(
    @JsonPropertyDescription("APIVersion of a Status: v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: Status.")
    String kind,
    @JsonPropertyDescription("Standard list metadata; empty.")
    Map<String, Object> metadata,
    @JsonPropertyDescription("Failure.")
    String status,
    @JsonPropertyDescription("What went wrong, naming the offending value.")
    String message,
    @JsonPropertyDescription("A machine-readable reason from a closed set (NotFound, Conflict, Expired, ...).")
    String reason,
    @JsonPropertyDescription("Extended data about the failure (e.g. name and kind of the object, causes,"
        + " retryAfterSeconds, currentResourceVersion).")
    Map<String, Object> details,
    @JsonPropertyDescription("The HTTP status code of the answer.")
    int code) {

  public static Status failure(int code, String reason, String message, Map<String, Object> details) {
    return new Status("v1", "Status", Map.of(), "Failure", message, reason,
        details.isEmpty() ? null : details, code);
  }
}
