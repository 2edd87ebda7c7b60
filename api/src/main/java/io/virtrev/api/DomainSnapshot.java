package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A snapshot of a libvirt domain as observed at one revision. Immutable; a change is a new instance with a
 * new {@code metadata.resourceVersion}. It belongs to its domain (served under
 * {@code /apis/virtrev.io/v1/domains/{domain}/snapshots/{name}}). Its metadata is the same record as a
 * domain's ({@link DomainMeta}): {@code name} is the snapshot's name, unique within its domain, and
 * {@code uuid}/{@code uid} the name-based uid of {@link Uids#domainSnapshot} (libvirt gives snapshots
 * none); a snapshot's XML has no place for labels, so they stay empty.
 */
@JsonClassDescription("A snapshot of a libvirt domain as observed at one revision: its definition (spec) and"
    + " what libvirt reports about it (status).")
public record DomainSnapshot(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: DomainSnapshot.")
    String kind,
    @JsonPropertyDescription("Identity and versioning of the snapshot: its name (unique within its domain), a"
        + " uid derived from the domain's uuid and the name (libvirt gives snapshots no uuid), resourceVersion,"
        + " generation.")
    DomainMeta metadata,
    @JsonPropertyDescription("The snapshot's definition: libvirt's snapshot XML.")
    DomainSnapshotSpec spec,
    @JsonPropertyDescription("What libvirt reports about the snapshot, and what made this revision. Read-only:"
        + " ignored when sent.")
    DomainSnapshotStatus status) {
  public static final String KIND = "DomainSnapshot";
  /** The plural resource name: the store's kind key. */
  public static final String RESOURCE = "domainsnapshots";

  public DomainSnapshot {
    if (metadata == null || spec == null || status == null) {
      throw new IllegalArgumentException("metadata, spec and status are required");
    }
  }

  public static DomainSnapshot of(DomainMeta metadata, DomainSnapshotSpec spec, DomainSnapshotStatus status) {
    return new DomainSnapshot(Domain.API_VERSION, KIND, metadata, spec, status);
  }

  public DomainSnapshot withMetadata(DomainMeta m) {
    return new DomainSnapshot(apiVersion, kind, m, spec, status);
  }
}
