package io.virtrev.api;

/** The persistent definition: the inactive config XML as libvirt stores it, persistence, autostart. */
public record DomainSpec(String xml, boolean persistent, boolean autostart) {}
