package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;

/**
 * What libvirt reports about a domain snapshot beyond its XML. {@code parent} is null for a root snapshot.
 * {@code lastEvent}, {@code events} and {@code request} say what made this revision: libvirt emits no
 * snapshot events (libvirt 9.0), so a revision comes from an API request or a resync, and
 * {@code lastEvent}/{@code events} carry a domain event only when one led to the re-read (a revert's
 * lifecycle events). {@code events} is never null (empty when no event did), oldest first.
 */
@JsonClassDescription("What libvirt reports about a domain snapshot, and what made this revision.")
public record DomainSnapshotStatus(
    @JsonPropertyDescription("The name of the domain the snapshot belongs to.")
    String domain,
    @JsonPropertyDescription("The uid (libvirt's uuid) of the domain the snapshot belongs to.")
    String domainUid,
    @JsonPropertyDescription("The name of the snapshot this one was taken after (libvirt's parent); absent for"
        + " a root snapshot.")
    String parent,
    @JsonPropertyDescription("True if this is the domain's current snapshot: the one last taken or reverted to,"
        + " the parent of the next one taken.")
    boolean current,
    @JsonPropertyDescription("The domain's state when the snapshot was taken (the <state> of its XML: e.g."
        + " running, paused, shutoff, disk-snapshot).")
    String state,
    @JsonPropertyDescription("When libvirt took the snapshot (the <creationTime> of its XML; RFC 3339, UTC).")
    Instant creationTime,
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

  public DomainSnapshotStatus {
    events = events == null ? List.of() : List.copyOf(events);
    eventsOmitted = eventsOmitted == null || eventsOmitted == 0 ? null : eventsOmitted;
  }
}
