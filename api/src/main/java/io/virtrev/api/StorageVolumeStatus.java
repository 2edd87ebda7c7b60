package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What libvirt reports about a storage volume, naming its pool. libvirt emits no volume events, so
 * {@code lastEvent} and {@code events} stay absent unless a pool event led to the revision; {@code request}
 * is the API request that made it. {@code events} and {@code eventsOmitted} are null
 * when there are none, as in {@link DomainStatus}.
 */
@JsonClassDescription("What libvirt reports about a storage volume.")
public record StorageVolumeStatus(
    @JsonPropertyDescription("The name of the pool the volume belongs to.")
    String pool,
    @JsonPropertyDescription("libvirt's UUID of the pool the volume belongs to.")
    String poolUuid,
    @JsonPropertyDescription("libvirt's host-unique key of the volume (for a dir pool, the file's path).")
    String key,
    @JsonPropertyDescription("Where the volume is reached on the host (a file or device path).")
    String path,
    @JsonPropertyDescription("libvirt's volume type in lower case: file, block, dir, network, netdir, ploop.")
    String type,
    @JsonPropertyDescription("The volume's size in bytes as a guest sees it.")
    long capacity,
    @JsonPropertyDescription("Bytes the volume takes on the host.")
    long allocation,
    @JsonPropertyDescription("The libvirt event that led to this revision; absent if none did.")
    LibvirtEvent lastEvent,
    @JsonPropertyDescription("Every libvirt event that led to this revision, oldest first; at most"
        + " 16, the newest; eventsOmitted counts the older ones. Absent if none.")
    List<LibvirtEvent> events,
    @JsonPropertyDescription("How many older events that led to this revision are not listed in events; absent"
        + " if none.")
    Integer eventsOmitted,
    @JsonPropertyDescription("The API request (method, path, user) that made this revision; absent if none did.")
    ApiRequest request) {

  public StorageVolumeStatus {
    events = events == null || events.isEmpty() ? null : List.copyOf(events);
    eventsOmitted = eventsOmitted == null || eventsOmitted == 0 ? null : eventsOmitted;
  }
}
