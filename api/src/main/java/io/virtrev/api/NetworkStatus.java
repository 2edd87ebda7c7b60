package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What libvirt reports about a network beyond its definition. {@code liveXml} is null while the network
 * is inactive. {@code lastEvent}, {@code events} and {@code request} say what made this revision: the
 * libvirt event(s) coalesced into it, or the API request; none of them for a change found by a resync.
 * {@code events} is never null (empty when no event did), oldest first.
 */
@JsonClassDescription("What libvirt reports about a virtual network, and what made this revision.")
public record NetworkStatus(
    @JsonPropertyDescription("True while the network runs (its bridge exists).")
    boolean active,
    @JsonPropertyDescription("True if libvirt keeps a persistent definition (false for a transient network,"
        + " which vanishes when it is destroyed).")
    boolean persistent,
    @JsonPropertyDescription("The name of the network's bridge device on the host (the <bridge name> of its"
        + " XML); absent if it has none.")
    String bridge,
    @JsonPropertyDescription("The running definition (libvirt's live XML, virsh net-dumpxml); absent while the"
        + " network is inactive.")
    String liveXml,
    @JsonPropertyDescription("The last libvirt event that led to this revision; absent if none did (a change"
        + " found by a resync, or made by an API request).")
    LibvirtEvent lastEvent,
    @JsonPropertyDescription("Every libvirt event coalesced into this revision, oldest first (bounded);"
        + " omitted when none.")
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<LibvirtEvent> events,
    @JsonPropertyDescription("How many older events that led to this revision are not listed in events; absent"
        + " if none.")
    Integer eventsOmitted,
    @JsonPropertyDescription("The API request that made this revision; absent if none did.")
    ApiRequest request) {

  public NetworkStatus {
    events = events == null ? List.of() : List.copyOf(events);
    eventsOmitted = eventsOmitted == null || eventsOmitted == 0 ? null : eventsOmitted;
  }
}
