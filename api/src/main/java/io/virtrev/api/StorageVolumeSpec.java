package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The definition of a storage volume. */
@JsonClassDescription("The definition of a storage volume.")
public record StorageVolumeSpec(
    @JsonPropertyDescription("The volume's XML (libvirt's <volume> document) as libvirt reports it. Sent in a"
        + " create; a volume is not redefined: its capacity changes by resize.")
    String xml) {}
