package io.virtrev.api;

import java.util.Map;

/** A Kubernetes-style Status object: the body of every error response and of ERROR watch events. */
public record Status(
    String apiVersion,
    String kind,
    Map<String, Object> metadata,
    String status,
    String message,
    String reason,
    Map<String, Object> details,
    int code) {

  public static Status failure(int code, String reason, String message, Map<String, Object> details) {
    return new Status("v1", "Status", Map.of(), "Failure", message, reason,
        details.isEmpty() ? null : details, code);
  }
}
