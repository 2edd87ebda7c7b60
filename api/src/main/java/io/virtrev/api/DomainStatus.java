package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What libvirt reports about the running instance, and what made this revision. {@code state} and
 * {@code reason} are libvirt's names in lower case (e.g. {@code running}/{@code booted},
 * {@code shutoff}/{@code destroyed}). {@code id} and {@code liveXml} are null while the domain is
 * inactive.
 *
 * <p>Provenance, all of it about THIS revision only (never inherited from an earlier one):
 * {@code events} are the libvirt events coalesced into the read that made it, oldest first, at most
 * {@link #MAX_EVENTS} (the newest; {@code eventsOmitted} counts older ones left out); {@code lastEvent} is
 * the newest of them. {@code request} is the API request that made it. All absent for a change found by
 * a resync; a revision made by a request may also carry events (those that arrived before its read-back).
 * Empty lists and zero counts are normalised to null, so they are absent on the wire.
 */
@JsonClassDescription("What libvirt reports about a domain's running instance, and what made this revision.")
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
    @JsonPropertyDescription("The last libvirt event that led to this revision (the newest of events); absent if"
        + " none did: a change found by a resync, or made by an API request with no event before its read-back.")
    LibvirtEvent lastEvent,
    @JsonPropertyDescription("Every libvirt event that led to this revision, oldest first: the events for this"
        + " domain that arrived after the read of the previous revision began and before the read of this one"
        + " began. At most 16, the newest; eventsOmitted counts the older ones. Absent if none.")
    List<LibvirtEvent> events,
    @JsonPropertyDescription("How many older events that led to this revision are not listed in events (past"
        + " its bound of 16); absent if none.")
    Integer eventsOmitted,
    @JsonPropertyDescription("The API request (method, path, user) that made this revision; absent for a"
        + " revision made by libvirt events or found by a resync.")
    ApiRequest request) {

  /** The most events a revision lists; older ones are counted in {@code eventsOmitted}. */
  public static final int MAX_EVENTS = 16;

  @JsonCreator
  public DomainStatus {
    events = events == null || events.isEmpty() ? null : List.copyOf(events);
    eventsOmitted = eventsOmitted == null || eventsOmitted == 0 ? null : eventsOmitted;
  }

  /** A status with no provenance: no event, no request. */
  public DomainStatus(String state, String reason, Integer id, String liveXml) {
    this(state, reason, id, liveXml, null, null, null, null);
  }

  /** The same status with another live XML (the served form, say). */
  public DomainStatus withLiveXml(String xml) {
    return new DomainStatus(state, reason, id, xml, lastEvent, events, eventsOmitted, request);
  }
}
