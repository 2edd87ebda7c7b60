package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The definition of a domain snapshot: libvirt's snapshot XML. */
@JsonClassDescription("The definition of a libvirt domain snapshot.")
public record DomainSnapshotSpec(
    @JsonPropertyDescription("The snapshot's XML (libvirt's <domainsnapshot> document, virsh snapshot-dumpxml),"
        + " exactly as libvirt stores it: name, description, state, parent, creation time, the disks and"
        + " memory it covers, and the domain's definition when it was taken. A create sends a"
        + " <domainsnapshot> document; libvirt validates it against its schema (domainsnapshot.rng) unless"
        + " fieldValidation says otherwise.")
    String xml) {}
