package io.virtrev.libvirt;

import io.virtrev.api.LibvirtEvent;
import java.time.Instant;
import java.util.List;

/**
 * Builds the {@link LibvirtEvent}s of storage pools: type {@code lifecycle} with libvirt 9.0's
 * {@code virStoragePoolEventLifecycleType} name in lower case as {@code event} (no detail: libvirt sends 0),
 * and type {@code refresh} with neither. A number newer than the table becomes {@code unknown-<n>}.
 */
final class StoragePoolEventNames {
  /** The type of the refresh event. */
  static final String REFRESH = "refresh";
  /** virStoragePoolEventLifecycleType; {@code created}/{@code deleted} are build and delete. */
  private static final List<String> TYPES =
      List.of("defined", "undefined", "started", "stopped", "created", "deleted");

  private StoragePoolEventNames() {}

  static LibvirtEvent lifecycle(int event) {
    String name = event >= 0 && event < TYPES.size() ? TYPES.get(event) : "unknown-" + event;
    return new LibvirtEvent(LibvirtEvent.LIFECYCLE, name, null, Instant.now());
  }

  static LibvirtEvent refresh() {
    return new LibvirtEvent(REFRESH, null, null, Instant.now());
  }
}
