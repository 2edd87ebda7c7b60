package io.virtrev.api.source;

import java.util.Locale;

/** The lifecycle operations the API exposes, each one libvirt call. */
public enum LifecycleAction {
  /** virDomainCreate: boot a defined, inactive domain. */
  START,
  /** virDomainShutdown: ask the guest to power off (ACPI); returns once libvirt accepted it. */
  SHUTDOWN,
  /** virDomainDestroy: power off at once. */
  DESTROY,
  /** virDomainSuspend: pause the vCPUs. */
  SUSPEND,
  /** virDomainResume: unpause. */
  RESUME,
  /** virDomainReboot: ask the guest to reboot (ACPI). */
  REBOOT,
  /** virDomainReset: hard reset, like pressing the reset button. */
  RESET;

  /** The lower-case name used in URLs ({@code /start}, {@code /destroy}, ...). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
