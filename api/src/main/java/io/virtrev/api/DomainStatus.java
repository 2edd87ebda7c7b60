package io.virtrev.api;

/**
 * What libvirt reports about the running instance. {@code state} and {@code reason} are libvirt's
 * names in lower case (e.g. {@code running}/{@code booted}, {@code shutoff}/{@code destroyed}).
 * {@code id} and {@code liveXml} are null while the domain is inactive. {@code lastEvent} is the
 * libvirt event that led to this revision, or the last one that led to an earlier revision; null if no
 * event ever did (a change found by a resync carries the event of the revision before it).
 */
public record DomainStatus(String state, String reason, Integer id, String liveXml, LibvirtEvent lastEvent) {}
