package io.virtrev.libvirt;

import io.virtrev.api.LibvirtEvent;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.libvirt.event.DomainEvent;

/**
 * Builds {@link LibvirtEvent}s with libvirt's lower-case names. Lifecycle names come from
 * libvirt-java's enums, whose constant names are libvirt's C suffixes ({@code STARTED},
 * {@code FROM_SNAPSHOT}); details libvirt-java 0.5.4 does not know (e.g. shutdown's
 * {@code guest}/{@code host}, emitted by libvirt 9.0 on destroy) arrive as {@code unknown}.
 * Only lifecycle events carry an {@code event} name; the others leave it null.
 */
final class EventNames {
  /** virDomainMetadataType. */
  private static final List<String> METADATA_TYPES = List.of("description", "title", "element");

  private EventNames() {}

  static LibvirtEvent lifecycle(DomainEvent event) {
    Object detail = event.getDetail();
    return new LibvirtEvent(LibvirtEvent.LIFECYCLE, lower(event.getType()), lower(detail), Instant.now());
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

  private static String lower(Object enumConstant) {
    return enumConstant instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : "unknown";
  }
}
