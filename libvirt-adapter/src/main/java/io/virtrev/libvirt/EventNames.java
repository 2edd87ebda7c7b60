package io.virtrev.libvirt;

import io.virtrev.api.LibvirtEvent;
import java.time.Instant;
import java.util.List;

/**
 * Builds {@link LibvirtEvent}s with libvirt's lower-case names. Lifecycle names are libvirt 9.0's
 * C suffixes in lower case ({@code virDomainEventType}: {@code started}; its detail enums, e.g.
 * {@code virDomainEventShutdownDetailType}: {@code host}, {@code from_snapshot} with the underscore
 * kept). A number newer than these tables becomes {@code unknown-<n>}, so a newer libvirt degrades
 * to a readable name instead of failing. Only lifecycle events carry an {@code event} name; the
 * others leave it null.
 */
final class EventNames {
  /** virDomainEventType. */
  private static final List<String> TYPES = List.of(
      "defined", "undefined", "started", "suspended", "resumed", "stopped", "shutdown",
      "pmsuspended", "crashed");

  /** Detail names indexed by virDomainEventType, then by that type's detail enum. */
  private static final List<List<String>> DETAILS = List.of(
      List.of("added", "updated", "renamed", "from_snapshot"),
      List.of("removed", "renamed"),
      List.of("booted", "migrated", "restored", "from_snapshot", "wakeup"),
      List.of("paused", "migrated", "ioerror", "watchdog", "restored", "from_snapshot", "api_error",
          "postcopy", "postcopy_failed"),
      List.of("unpaused", "migrated", "from_snapshot", "postcopy", "postcopy_failed"),
      List.of("shutdown", "destroyed", "crashed", "migrated", "saved", "failed", "from_snapshot"),
      List.of("finished", "guest", "host"),
      List.of("memory", "disk"),
      List.of("panicked", "crashloaded"));

  /** virDomainMetadataType. */
  private static final List<String> METADATA_TYPES = List.of("description", "title", "element");

  private EventNames() {}

  static LibvirtEvent lifecycle(int event, int detail) {
    String type = name(TYPES, event);
    String detailName = event >= 0 && event < DETAILS.size()
        ? name(DETAILS.get(event), detail)
        : "unknown-" + detail;
    return new LibvirtEvent(LibvirtEvent.LIFECYCLE, type, detailName, Instant.now());
  }

  static LibvirtEvent reboot() {
    return new LibvirtEvent(LibvirtEvent.REBOOT, null, null, Instant.now());
  }

  static LibvirtEvent deviceAdded(String alias) {
    return new LibvirtEvent(LibvirtEvent.DEVICE_ADDED, null, alias, Instant.now());
  }

  static LibvirtEvent deviceRemoved(String alias) {
    return new LibvirtEvent(LibvirtEvent.DEVICE_REMOVED, null, alias, Instant.now());
  }

  static LibvirtEvent metadataChange(int type) {
    String name = type >= 0 && type < METADATA_TYPES.size() ? METADATA_TYPES.get(type) : "unknown";
    return new LibvirtEvent(LibvirtEvent.METADATA_CHANGE, null, name, Instant.now());
  }

  private static String name(List<String> names, int n) {
    return n >= 0 && n < names.size() ? names.get(n) : "unknown-" + n;
  }

  // ---- network events ----

  /** virNetworkEventLifecycleType. */
  private static final List<String> NETWORK_TYPES = List.of("defined", "undefined", "started", "stopped");

  /**
   * A network lifecycle event. libvirt 9.0 has no detail enum for networks and always passes 0: the
   * detail is then null; any other number becomes {@code unknown-<n>}.
   */
  static LibvirtEvent networkLifecycle(int event, int detail) {
    return new LibvirtEvent(LibvirtEvent.LIFECYCLE, name(NETWORK_TYPES, event),
        detail == 0 ? null : "unknown-" + detail, Instant.now());
  }
}
