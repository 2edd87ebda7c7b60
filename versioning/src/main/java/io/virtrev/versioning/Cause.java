package io.virtrev.versioning;

import io.virtrev.api.DomainStatus;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.ApiRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What led to one read of a domain, and so to the revision that read makes, if it makes one: the
 * libvirt events coalesced into it (oldest first, at most {@link DomainStatus#MAX_EVENTS}, the newest;
 * {@code omitted} counts older ones) and the API request that made it, if any. The store copies it into
 * that revision's status and nowhere else: a later revision never inherits it. Immutable.
 *
 * <p>{@link #NONE} is a read nothing led to: a resync's, or a re-read done to keep names unique.
 */
public record Cause(List<LibvirtEvent> events, int omitted, ApiRequest request) {
  public static final Cause NONE = new Cause(List.of(), 0, null);

  public Cause {
    if (omitted < 0) {
      throw new IllegalArgumentException("omitted < 0: " + omitted);
    }
    List<LibvirtEvent> all = List.copyOf(events);
    int over = Math.max(0, all.size() - DomainStatus.MAX_EVENTS);
    events = over == 0 ? all : all.subList(over, all.size());
    omitted += over;
  }

  /** Libvirt events alone (oldest first); beyond the bound the oldest are counted, not kept. */
  public static Cause of(List<LibvirtEvent> events) {
    return events.isEmpty() ? NONE : new Cause(events, 0, null);
  }

  /** The same events, made by {@code r} (an API request). */
  public Cause by(ApiRequest r) {
    return new Cause(events, omitted, r);
  }

  /** This cause's events followed by {@code later}'s (bounded as ever), and {@code later}'s request if it has one. */
  public Cause then(Cause later) {
    if (later.events.isEmpty() && later.omitted == 0 && later.request == null) {
      return this;
    }
    List<LibvirtEvent> all = new ArrayList<>(events.size() + later.events.size());
    all.addAll(events);
    all.addAll(later.events);
    return new Cause(all, omitted + later.omitted, later.request != null ? later.request : request);
  }

  /** No event and no request. */
  public boolean isEmpty() {
    return events.isEmpty() && omitted == 0 && request == null;
  }

  /** The newest event, or null. */
  public LibvirtEvent last() {
    return events.isEmpty() ? null : events.get(events.size() - 1);
  }

  /** Whether any of the listed events is of {@code type}. */
  public boolean has(String type) {
    return events.stream().anyMatch(e -> type.equals(e.type()));
  }

  /** A status observed as {@code state}/{@code reason}/{@code id}/{@code liveXml}, carrying this cause. */
  DomainStatus status(String state, String reason, Integer id, String liveXml) {
    return new DomainStatus(state, reason, id, liveXml, last(), events, omitted, request);
  }

  /**
   * Events for one domain waiting for a read, bounded: past {@link DomainStatus#MAX_EVENTS} the oldest
   * is dropped and counted. Not thread-safe: the reconciler keeps it under its lock.
   */
  static final class Pending {
    private final ArrayList<LibvirtEvent> events = new ArrayList<>(2);
    private int omitted;

    void add(LibvirtEvent e) {
      if (events.size() == DomainStatus.MAX_EVENTS) {
        events.remove(0);
        omitted++;
      }
      events.add(e);
    }

    Cause cause() {
      return new Cause(events, omitted, null);
    }
  }
}
