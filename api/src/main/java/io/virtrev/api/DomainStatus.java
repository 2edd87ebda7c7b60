package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What libvirt reports about the running instance. {@code state} and {@code reason} are libvirt's
 * names in lower case (e.g. {@code running}/{@code booted}, {@code shutoff}/{@code destroyed}).
 * {@code id} and {@code liveXml} are null while the domain is inactive. {@code lastEvent} is the
 * libvirt event that led to this revision, or the last one that led to an earlier revision; null if no
 * event ever did (a change found by a resync carries the event of the revision before it).
 */
@JsonClassDescription("What libvirt reports about a domain's running instance.")
public record DomainStatus(
    @JsonPropertyDescription("libvirt's domain state in lower case: running, blocked, paused, shutdown,"
        + " shutoff, crashed, pmsuspended, nostate.")
    String state,
    @JsonPropertyDescription("libvirt's reason for the state in lower case (e.g. booted, user, destroyed).")
    String reason,
    @JsonPropertyDescription("libvirt's id of the running instance; absent while the domain is inactive.")
    Integer id,
    @JsonPropertyDescription("The running definition (libvirt's live XML); absent while the domain is inactive.")
    String liveXml,
    @JsonPropertyDescription("The libvirt event that led to this revision, or to an earlier one; absent if"
        + " no event ever did.")
    LibvirtEvent lastEvent) {}
