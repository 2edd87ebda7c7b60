package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The persistent definition: the inactive config XML as libvirt stores it, persistence, autostart. */
@JsonClassDescription("The persistent definition of a domain.")
public record DomainSpec(
    @JsonPropertyDescription("The domain's inactive config XML (libvirt's <domain> document), exactly as"
        + " libvirt stores it. A PUT replaces it as a whole; libvirt validates it against its schema unless"
        + " fieldValidation says otherwise.")
    String xml,
    @JsonPropertyDescription("True if libvirt keeps a persistent definition (false for a transient domain,"
        + " which vanishes when it stops). Read-only.")
    boolean persistent,
    @JsonPropertyDescription("True if libvirt starts the domain when libvirtd starts. Read-only.")
    boolean autostart) {}
