package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A libvirt domain event as received. {@code type} is the callback family: libvirt 9.0's
 * {@code virDomainEventID} in lower case with dashes ({@link #TYPES}, in event-id order). {@code event}
 * is the enum the callback carries, and {@code detail} what it concerns; both are null where the
 * callback has none. Enum values are libvirt's C enum suffixes in lower case ({@code started},
 * {@code from_snapshot}, {@code active_commit}). Per family (docs/api.md has the table):
 *
 * <ul>
 *   <li>{@code lifecycle}: event = virDomainEventType, detail = its detail enum ({@code started}/{@code booted});
 *   <li>{@code reboot}, {@code control-error}, {@code pmwakeup}, {@code pmsuspend}, {@code pmsuspend-disk}:
 *       neither;
 *   <li>{@code rtc-change}: detail = the guest's RTC offset from UTC in seconds ({@code -3600});
 *   <li>{@code watchdog}: event = action ({@code pause}, {@code reset}, ...);
 *   <li>{@code io-error}: event = action ({@code none}, {@code pause}, {@code report}), detail = device alias;
 *       {@code io-error-reason}: the same, detail = reason, a space, device alias ({@code enospc virtio-disk0});
 *   <li>{@code graphics}: event = phase ({@code connect}, {@code initialize}, {@code disconnect}), detail =
 *       the client's address ({@code 127.0.0.1:50412}, a UNIX path alone);
 *   <li>{@code block-job}, {@code block-job-2}: event = status ({@code ready}, {@code completed},
 *       {@code failed}, {@code canceled}), detail = job type, a space, disk ({@code copy vda}; block-job's
 *       disk is the image path, block-job-2's the target);
 *   <li>{@code disk-change}: event = reason, detail = device alias; {@code tray-change}: event =
 *       {@code open} or {@code close}, detail = device alias;
 *   <li>{@code balloon-change}: detail = the balloon's current size in KiB;
 *   <li>{@code device-added}, {@code device-removed}, {@code device-removal-failed},
 *       {@code memory-device-size-change}: detail = device alias;
 *   <li>{@code tunable}: detail = the changed parameters' names, comma-separated ({@code cputune.cpu_shares});
 *   <li>{@code agent-lifecycle}: event = state ({@code connected}, {@code disconnected}), detail = reason;
 *   <li>{@code migration-iteration}: detail = the iteration number; {@code job-completed}: detail = the
 *       job's operation ({@code migration_out}), if libvirt names it;
 *   <li>{@code metadata-change}: detail = {@code description}, {@code title} or {@code element};
 *   <li>{@code block-threshold}: detail = the disk target ({@code vda}, {@code vda[1]});
 *   <li>{@code memory-failure}: event = action ({@code ignore}, {@code inject}, {@code fatal},
 *       {@code reset}), detail = recipient ({@code hypervisor}, {@code guest}).
 * </ul>
 */
@JsonClassDescription("A libvirt domain event as received.")
public record LibvirtEvent(
    @JsonPropertyDescription("The callback family, libvirt's event id in lower case with dashes: lifecycle,"
        + " reboot, rtc-change, watchdog, io-error, graphics, io-error-reason, control-error, block-job,"
        + " disk-change, tray-change, pmwakeup, pmsuspend, balloon-change, pmsuspend-disk, device-removed,"
        + " block-job-2, tunable, agent-lifecycle, device-added, migration-iteration, job-completed,"
        + " device-removal-failed, metadata-change, block-threshold, memory-failure, memory-device-size-change.")
    String type,
    @JsonPropertyDescription("The enum the event carries, libvirt's name in lower case: the lifecycle event"
        + " (started, stopped, defined, ...), the watchdog or I/O error action, the graphics phase, the block"
        + " job status, the tray or disk change reason, the agent state, the memory failure action; else absent.")
    String event,
    @JsonPropertyDescription("What the event concerns: the lifecycle detail (e.g. booted), the device alias,"
        + " the block job type and disk (e.g. copy vda), the changed tunables' names, ...; else absent.")
    String detail,
    @JsonPropertyDescription("When the daemon received the event (RFC 3339).")
    Instant time) {
  public static final String LIFECYCLE = "lifecycle";
  public static final String REBOOT = "reboot";
  public static final String RTC_CHANGE = "rtc-change";
  public static final String WATCHDOG = "watchdog";
  public static final String IO_ERROR = "io-error";
  public static final String GRAPHICS = "graphics";
  public static final String IO_ERROR_REASON = "io-error-reason";
  public static final String CONTROL_ERROR = "control-error";
  public static final String BLOCK_JOB = "block-job";
  public static final String DISK_CHANGE = "disk-change";
  public static final String TRAY_CHANGE = "tray-change";
  public static final String PMWAKEUP = "pmwakeup";
  public static final String PMSUSPEND = "pmsuspend";
  public static final String BALLOON_CHANGE = "balloon-change";
  public static final String PMSUSPEND_DISK = "pmsuspend-disk";
  public static final String DEVICE_REMOVED = "device-removed";
  public static final String BLOCK_JOB_2 = "block-job-2";
  public static final String TUNABLE = "tunable";
  public static final String AGENT_LIFECYCLE = "agent-lifecycle";
  public static final String DEVICE_ADDED = "device-added";
  public static final String MIGRATION_ITERATION = "migration-iteration";
  public static final String JOB_COMPLETED = "job-completed";
  public static final String DEVICE_REMOVAL_FAILED = "device-removal-failed";
  public static final String METADATA_CHANGE = "metadata-change";
  public static final String BLOCK_THRESHOLD = "block-threshold";
  public static final String MEMORY_FAILURE = "memory-failure";
  public static final String MEMORY_DEVICE_SIZE_CHANGE = "memory-device-size-change";

  /** Every family of libvirt 9.0, indexed by its {@code virDomainEventID} (0 to 26). */
  public static final List<String> TYPES = List.of(
      LIFECYCLE, REBOOT, RTC_CHANGE, WATCHDOG, IO_ERROR, GRAPHICS, IO_ERROR_REASON, CONTROL_ERROR, BLOCK_JOB,
      DISK_CHANGE, TRAY_CHANGE, PMWAKEUP, PMSUSPEND, BALLOON_CHANGE, PMSUSPEND_DISK, DEVICE_REMOVED, BLOCK_JOB_2,
      TUNABLE, AGENT_LIFECYCLE, DEVICE_ADDED, MIGRATION_ITERATION, JOB_COMPLETED, DEVICE_REMOVAL_FAILED,
      METADATA_CHANGE, BLOCK_THRESHOLD, MEMORY_FAILURE, MEMORY_DEVICE_SIZE_CHANGE);

  /**
   * The families that change nothing a domain's revision holds (XML, state, persistence, autostart):
   * a graphics client, a lost monitor, a device that refused to go, a migration pass, a write past a
   * block threshold, a hardware memory error. What they may lead to (a stop, a reset) comes with an
   * event of its own. docs/api.md gives the reason for each.
   */
  public static final Set<String> NOT_VERSIONED = Set.of(
      GRAPHICS, CONTROL_ERROR, DEVICE_REMOVAL_FAILED, MIGRATION_ITERATION, BLOCK_THRESHOLD, MEMORY_FAILURE);

  /**
   * Whether an event of {@code type} can change what is versioned, so the domain must be re-read. True
   * for a type this build does not know (a newer libvirt): re-reading is always safe.
   */
  public static boolean leadsToReread(String type) {
    return !NOT_VERSIONED.contains(type);
  }
}
