package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.time.Instant;

/**
 * A libvirt domain event as received: {@code type} is the callback family ({@code lifecycle},
 * {@code reboot}, {@code device-added}, {@code device-removed}, {@code metadata-change}); for lifecycle
 * events {@code event} and {@code detail} are libvirt's names in lower case (e.g. {@code started} /
 * {@code booted}); for device events {@code detail} is the device alias.
 */
@JsonClassDescription("A libvirt domain event as received.")
public record LibvirtEvent(
    @JsonPropertyDescription("The callback family: lifecycle, reboot, device-added, device-removed,"
        + " metadata-change.")
    String type,
    @JsonPropertyDescription("For lifecycle events: libvirt's event name in lower case (e.g. started,"
        + " stopped, defined).")
    String event,
    @JsonPropertyDescription("For lifecycle events libvirt's detail in lower case (e.g. booted); for device"
        + " events the device alias.")
    String detail,
    @JsonPropertyDescription("When the daemon received the event (RFC 3339).")
    Instant time) {
  public static final String LIFECYCLE = "lifecycle";
  public static final String REBOOT = "reboot";
  public static final String DEVICE_ADDED = "device-added";
  public static final String DEVICE_REMOVED = "device-removed";
  public static final String METADATA_CHANGE = "metadata-change";
}
