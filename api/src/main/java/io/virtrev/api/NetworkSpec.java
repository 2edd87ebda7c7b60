package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The persistent definition of a virtual network: its inactive config XML, and autostart. */
@JsonClassDescription("The persistent definition of a libvirt virtual network.")
public record NetworkSpec(
    @JsonPropertyDescription("The network's persistent config XML (libvirt's <network> document,"
        + " virsh net-dumpxml --inactive), exactly as libvirt stores it. A PUT replaces it as a whole;"
        + " libvirt validates it against its schema (network.rng) unless fieldValidation says otherwise.")
    String xml,
    @JsonPropertyDescription("True if libvirt starts the network when libvirtd starts (virsh net-autostart).")
    boolean autostart) {}
