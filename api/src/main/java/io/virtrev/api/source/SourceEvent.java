package io.virtrev.api.source;

import io.virtrev.api.LibvirtEvent;

/** A domain event as delivered by a source: which domain, and libvirt's description of what happened. */
public record SourceEvent(String uuid, String name, LibvirtEvent event) {
  public SourceEvent {
    if (uuid == null || event == null) {
      throw new IllegalArgumentException("uuid and event are required");
    }
  }
}
