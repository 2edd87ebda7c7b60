package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The persistent definition of a storage pool. */
@JsonClassDescription("The persistent definition of a storage pool.")
public record StoragePoolSpec(
    @JsonPropertyDescription("The pool's inactive XML (libvirt's <pool> document), exactly as libvirt stores it."
        + " A PUT replaces it as a whole; libvirt validates it against storagepool.rng unless fieldValidation"
        + " says otherwise.")
    String xml,
    @JsonPropertyDescription("True if libvirtd starts the pool when it starts.")
    boolean autostart) {}
