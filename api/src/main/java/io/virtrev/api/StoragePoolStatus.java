package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What libvirt reports about a storage pool. {@code liveXml} is null while the pool is inactive;
 * {@code lastEvent}, {@code events} and {@code request} say what made this revision (an event, a request,
 * or neither for a change found by a resync). {@code events} and {@code eventsOmitted} are null
 * when there are none, as in {@link DomainStatus}.
 */
@JsonClassDescription("What libvirt reports about a storage pool.")
public record StoragePoolStatus(
    @JsonPropertyDescription("libvirt's pool state in lower case: inactive, building, running, degraded,"
        + " inaccessible.")
    String state,
    @JsonPropertyDescription("The pool's size in bytes, as libvirt last measured it (start, refresh).")
    long capacity,
    @JsonPropertyDescription("Bytes allocated to volumes, as libvirt last measured it.")
    long allocation,
    @JsonPropertyDescription("Bytes free for new volumes, as libvirt last measured it.")
    long available,
    @JsonPropertyDescription("True if libvirt keeps a persistent definition (false for a transient pool).")
    boolean persistent,
    @JsonPropertyDescription("The running definition (libvirt's live pool XML); absent while the pool is inactive.")
    String liveXml,
    @JsonPropertyDescription("The libvirt event that led to this revision; absent if none did (a change made by a"
        + " request or found by a resync).")
    LibvirtEvent lastEvent,
    @JsonPropertyDescription("Every libvirt event that led to this revision, oldest first; at most"
        + " 16, the newest; eventsOmitted counts the older ones. Absent if none.")
    List<LibvirtEvent> events,
    @JsonPropertyDescription("How many older events that led to this revision are not listed in events; absent"
        + " if none.")
    Integer eventsOmitted,
    @JsonPropertyDescription("The API request (method, path, user) that made this revision; absent if none did.")
    ApiRequest request) {

  public StoragePoolStatus {
    events = events == null || events.isEmpty() ? null : List.copyOf(events);
    eventsOmitted = eventsOmitted == null || eventsOmitted == 0 ? null : eventsOmitted;
  }
}
