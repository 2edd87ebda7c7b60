package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A libvirt domain as observed at one revision. Immutable; a change is a new instance with a new
 * {@code metadata.resourceVersion}.
 */
@JsonClassDescription("A libvirt domain (virtual machine) as observed at one revision: its libvirt"
    + " definition (spec) and what libvirt reports about the running instance (status).")
public record Domain(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: Domain.")
    String kind,
    @JsonPropertyDescription("Identity and versioning of the domain.")
    DomainMeta metadata,
    @JsonPropertyDescription("The persistent definition: libvirt's inactive config XML, persistence, autostart.")
    DomainSpec spec,
    @JsonPropertyDescription("What libvirt reports about the running instance. Read-only: ignored when sent.")
    DomainStatus status) {
  public static final String API_VERSION = "virtrev.io/v1";
  public static final String KIND = "Domain";

  public Domain {
    if (metadata == null || spec == null || status == null) {
      throw new IllegalArgumentException("metadata, spec and status are required");
    }
  }

  public static Domain of(DomainMeta metadata, DomainSpec spec, DomainStatus status) {
    return new Domain(API_VERSION, KIND, metadata, spec, status);
  }

  public Domain withMetadata(DomainMeta m) {
    return new Domain(apiVersion, kind, m, spec, status);
  }

  public String uuid() {
    return metadata.uuid();
  }

  public String name() {
    return metadata.name();
  }

  public Revision resourceVersion() {
    return metadata.resourceVersion();
  }
}
