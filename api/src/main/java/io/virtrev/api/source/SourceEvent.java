package io.virtrev.api.source;

import io.virtrev.api.LibvirtEvent;

/**
 * An event as delivered by a source: the kind of object it concerns (the store's kind key, e.g.
 * {@code domains}, {@code storagepools}), which object (its uid: libvirt's uuid for domains, networks
 * and pools), its name, and libvirt's description of what happened.
 */
public record SourceEvent(String kind, String uuid, String name, LibvirtEvent event) {
  /** The kind key of domain events. */
  public static final String DOMAINS = "domains";

  public SourceEvent {
    if (kind == null || uuid == null || event == null) {
      throw new IllegalArgumentException("kind, uuid and event are required");
    }
  }

  /** A domain event. */
  public SourceEvent(String uuid, String name, LibvirtEvent event) {
    this(DOMAINS, uuid, name, event);
  }
}
