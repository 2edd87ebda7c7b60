package io.virtrev.api.source;

import io.virtrev.api.LibvirtEvent;

/**
 * An event as delivered by a source: which object of which kind, and libvirt's description of what
 * happened. Events of every kind reach the consumer through the one {@link SourceListener}.
 *
 * @param kind the kind's plural resource name, the store's kind key ({@link #DOMAINS}, {@link #NETWORKS}, ...)
 * @param uid the object's identity within its kind: libvirt's uuid (lower-case canonical form) for domains,
 *     networks and storage pools; a name-based UUID for objects libvirt gives none (volumes, snapshots)
 * @param name the object's name as libvirt reported it with the event; null if it did not
 * @param event libvirt's description of the event
 */
public record SourceEvent(String kind, String uid, String name, LibvirtEvent event) {
  public static final String DOMAINS = "domains";
  public static final String NETWORKS = "networks";
  public static final String STORAGE_POOLS = "storagepools";

  public SourceEvent {
    if (kind == null || uid == null || event == null) {
      throw new IllegalArgumentException("kind, uid and event are required: " + kind + ", " + uid + ", " + event);
    }
  }

  /** A domain event ({@link #DOMAINS}). */
  public SourceEvent(String uuid, String name, LibvirtEvent event) {
    this(DOMAINS, uuid, name, event);
  }

  /** The same value as {@link #uid()}: the name domain code has always used (a domain's uid is its uuid). */
  public String uuid() {
    return uid;
  }
}
