package io.virtrev.api;

import java.time.Instant;

/**
 * A libvirt domain event as received: {@code type} is the callback family ({@code lifecycle},
 * {@code reboot}, {@code device-added}, {@code device-removed}, {@code metadata-change}); for lifecycle
 * events {@code event} and {@code detail} are libvirt's names in lower case (e.g. {@code started} /
 * {@code booted}); for device events {@code detail} is the device alias.
 */
public record LibvirtEvent(String type, String event, String detail, Instant time) {
  public static final String LIFECYCLE = "lifecycle";
  public static final String REBOOT = "reboot";
  public static final String DEVICE_ADDED = "device-added";
  public static final String DEVICE_REMOVED = "device-removed";
  public static final String METADATA_CHANGE = "metadata-change";
}
