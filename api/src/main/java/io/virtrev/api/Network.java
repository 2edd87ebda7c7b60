package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A libvirt virtual network as observed at one revision. Immutable; a change is a new instance with a
 * new {@code metadata.resourceVersion}. Its metadata is the same record as a domain's ({@link DomainMeta}:
 * name, uuid/uid, revisions, generation); a network's XML has no place for labels in libvirt 9.0, so
 * they stay empty.
 */
@JsonClassDescription("A libvirt virtual network as observed at one revision: its persistent definition"
    + " (spec) and what libvirt reports about it (status).")
public record Network(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: Network.")
    String kind,
    @JsonPropertyDescription("Identity and versioning of the network: name, libvirt's uuid (also as uid),"
        + " resourceVersion, generation.")
    DomainMeta metadata,
    @JsonPropertyDescription("The persistent definition: libvirt's inactive config XML, autostart.")
    NetworkSpec spec,
    @JsonPropertyDescription("What libvirt reports about the network, and what made this revision. Read-only:"
        + " ignored when sent.")
    NetworkStatus status) {
  public static final String KIND = "Network";

  public Network {
    if (metadata == null || spec == null || status == null) {
      throw new IllegalArgumentException("metadata, spec and status are required");
    }
  }

  public static Network of(DomainMeta metadata, NetworkSpec spec, NetworkStatus status) {
    return new Network(Domain.API_VERSION, KIND, metadata, spec, status);
  }

  public Network withMetadata(DomainMeta m) {
    return new Network(apiVersion, kind, m, spec, status);
  }
}
