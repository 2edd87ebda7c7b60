package io.virtrev.api.source;

/**
 * Receives what a {@link DomainSource} notices. Implementations are called on the source's own
 * threads (for libvirt: the event-loop thread) and must only record and return, never block or call
 * back into the source.
 */
public interface SourceListener {

  /**
   * An event of any kind ({@link SourceEvent#kind()}) and any family libvirt has: a hint to re-read
   * {@link SourceEvent#uid()} of that kind if the family can change it
   * ({@link io.virtrev.api.LibvirtEvent#leadsToReread}).
   */
  void onEvent(SourceEvent event);

  /** A connection was (re)established and events are registered; anything before may be missed. */
  void onConnected();

  /** The connection was lost; the source is reconnecting. {@code reason} is for humans. */
  void onDisconnected(String reason);
}
