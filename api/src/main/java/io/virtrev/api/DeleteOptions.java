package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The optional body of a DELETE, as Kubernetes' meta/v1 DeleteOptions: what the daemon reads from it
 * ({@code preconditions}, {@code dryRun}) and what Kubernetes clients send that has no meaning for a
 * domain (accepted, no effect). Described in the OpenAPI document; the wire shape of the request body.
 */
@JsonClassDescription("DeleteOptions may be provided when deleting a domain.")
public record DeleteOptions(
    @JsonPropertyDescription("v1")
    String apiVersion,
    @JsonPropertyDescription("DeleteOptions")
    String kind,
    @JsonPropertyDescription("When present, modifications are not persisted (All).")
    List<String> dryRun,
    @JsonPropertyDescription("Must be fulfilled before the deletion is carried out (409 Conflict otherwise).")
    Preconditions preconditions,
    @JsonPropertyDescription("Accepted; no effect (libvirt undefines at once).")
    Long gracePeriodSeconds,
    @JsonPropertyDescription("Accepted; no effect (a domain has no dependents).")
    String propagationPolicy,
    @JsonPropertyDescription("Accepted; no effect (a domain has no dependents).")
    Boolean orphanDependents) {

  /** Kubernetes' meta/v1 Preconditions. */
  @JsonClassDescription("Preconditions must be fulfilled before an operation is carried out.")
  public record Preconditions(
      @JsonPropertyDescription("The domain's uuid must be this (metadata.uuid).")
      String uid,
      @JsonPropertyDescription("The domain's metadata.resourceVersion must be this.")
      String resourceVersion) {}
}
