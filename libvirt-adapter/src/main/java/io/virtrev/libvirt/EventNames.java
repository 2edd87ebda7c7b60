package io.virtrev.libvirt;

import io.virtrev.api.LibvirtEvent;
import java.time.Instant;
import java.util.List;

/**
 * Builds {@link LibvirtEvent}s from a callback's arguments, with libvirt's lower-case names. Enum names
 * are libvirt 9.0's C enum suffixes in lower case ({@code virDomainEventType}: {@code started};
 * {@code virDomainEventShutdownDetailType}: {@code host}, {@code from_snapshot} with the underscore
 * kept; {@code virDomainBlockJobType}: {@code active_commit}). A number newer than these tables becomes
 * {@code unknown-<n>}, so a newer libvirt degrades to a readable name instead of failing. Which
 * component carries what, per family, is {@link LibvirtEvent}'s contract.
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
  /** virDomainEventWatchdogAction. */
  private static final List<String> WATCHDOG_ACTIONS = List.of(
      "none", "pause", "reset", "poweroff", "shutdown", "debug", "injectnmi");
  /** virDomainEventIOErrorAction. */
  private static final List<String> IO_ERROR_ACTIONS = List.of("none", "pause", "report");
  /** virDomainEventGraphicsPhase. */
  private static final List<String> GRAPHICS_PHASES = List.of("connect", "initialize", "disconnect");
  /** virConnectDomainEventBlockJobStatus. */
  private static final List<String> BLOCK_JOB_STATUSES = List.of("completed", "failed", "canceled", "ready");
  /** virDomainBlockJobType. */
  private static final List<String> BLOCK_JOB_TYPES = List.of(
      "unknown", "pull", "copy", "commit", "active_commit", "backup");
  /** virConnectDomainEventDiskChangeReason. */
  private static final List<String> DISK_CHANGE_REASONS = List.of("missing_on_start", "drop_missing_on_start");
  /** virDomainEventTrayChangeReason. */
  private static final List<String> TRAY_REASONS = List.of("open", "close");
  /** virConnectDomainEventAgentLifecycleState: it starts at 1. */
  private static final List<String> AGENT_STATES = List.of("connected", "disconnected");
  /** virConnectDomainEventAgentLifecycleReason. */
  private static final List<String> AGENT_REASONS = List.of("unknown", "domain_started", "channel");
  /** virDomainMemoryFailureRecipientType. */
  private static final List<String> MEMORY_FAILURE_RECIPIENTS = List.of("hypervisor", "guest");
  /** virDomainMemoryFailureActionType. */
  private static final List<String> MEMORY_FAILURE_ACTIONS = List.of("ignore", "inject", "fatal", "reset");
  /** virDomainJobOperation. */
  private static final List<String> JOB_OPERATIONS = List.of(
      "unknown", "start", "save", "restore", "migration_in", "migration_out", "snapshot", "snapshot_revert",
      "dump", "backup", "snapshot_delete");

  private EventNames() {}

  static LibvirtEvent lifecycle(int event, int detail) {
    String detailName = event >= 0 && event < DETAILS.size()
        ? name(DETAILS.get(event), detail)
        : "unknown-" + detail;
    return of(LibvirtEvent.LIFECYCLE, name(TYPES, event), detailName);
  }

  /** A family whose callback carries nothing but the domain (reboot, control-error, pm*). */
  static LibvirtEvent bare(String type) {
    return of(type, null, null);
  }

  static LibvirtEvent rtcChange(long utcOffsetSeconds) {
    return of(LibvirtEvent.RTC_CHANGE, null, Long.toString(utcOffsetSeconds));
  }

  static LibvirtEvent watchdog(int action) {
    return of(LibvirtEvent.WATCHDOG, name(WATCHDOG_ACTIONS, action), null);
  }

  static LibvirtEvent ioError(String devAlias, int action) {
    return of(LibvirtEvent.IO_ERROR, name(IO_ERROR_ACTIONS, action), devAlias);
  }

  static LibvirtEvent ioErrorReason(String devAlias, int action, String reason) {
    return of(LibvirtEvent.IO_ERROR_REASON, name(IO_ERROR_ACTIONS, action), joined(reason, devAlias));
  }

  /** {@code remote}: the client's address, {@code node:service} ({@code service} null for UNIX sockets). */
  static LibvirtEvent graphics(int phase, String remoteNode, String remoteService) {
    String remote = remoteNode == null ? null
        : remoteService == null || remoteService.isEmpty() ? remoteNode : remoteNode + ":" + remoteService;
    return of(LibvirtEvent.GRAPHICS, name(GRAPHICS_PHASES, phase), remote);
  }

  /** {@code type}: {@link LibvirtEvent#BLOCK_JOB} or {@link LibvirtEvent#BLOCK_JOB_2}. */
  static LibvirtEvent blockJob(String type, String disk, int jobType, int status) {
    return of(type, name(BLOCK_JOB_STATUSES, status), joined(name(BLOCK_JOB_TYPES, jobType), disk));
  }

  static LibvirtEvent diskChange(String devAlias, int reason) {
    return of(LibvirtEvent.DISK_CHANGE, name(DISK_CHANGE_REASONS, reason), devAlias);
  }

  static LibvirtEvent trayChange(String devAlias, int reason) {
    return of(LibvirtEvent.TRAY_CHANGE, name(TRAY_REASONS, reason), devAlias);
  }

  static LibvirtEvent balloonChange(long actualKiB) {
    return of(LibvirtEvent.BALLOON_CHANGE, null, Long.toUnsignedString(actualKiB));
  }

  /** A family whose detail is a device alias (device-added/removed/removal-failed, memory-device-size-change). */
  static LibvirtEvent device(String type, String devAlias) {
    return of(type, null, devAlias);
  }

  /** {@code names}: the changed typed parameters' names, in libvirt's order. */
  static LibvirtEvent tunable(List<String> names) {
    return of(LibvirtEvent.TUNABLE, null, names.isEmpty() ? null : String.join(",", names));
  }

  static LibvirtEvent agentLifecycle(int state, int reason) {
    return of(LibvirtEvent.AGENT_LIFECYCLE, name(AGENT_STATES, 1, state), name(AGENT_REASONS, reason));
  }

  static LibvirtEvent migrationIteration(int iteration) {
    return of(LibvirtEvent.MIGRATION_ITERATION, null, Integer.toString(iteration));
  }

  /** {@code operation}: the job's {@code virDomainJobOperation}, or null if libvirt did not say. */
  static LibvirtEvent jobCompleted(Integer operation) {
    return of(LibvirtEvent.JOB_COMPLETED, null, operation == null ? null : name(JOB_OPERATIONS, operation));
  }

  static LibvirtEvent metadataChange(int type) {
    String name = type >= 0 && type < METADATA_TYPES.size() ? METADATA_TYPES.get(type) : "unknown";
    return of(LibvirtEvent.METADATA_CHANGE, null, name);
  }

  static LibvirtEvent blockThreshold(String dev) {
    return of(LibvirtEvent.BLOCK_THRESHOLD, null, dev);
  }

  static LibvirtEvent memoryFailure(int recipient, int action) {
    return of(LibvirtEvent.MEMORY_FAILURE, name(MEMORY_FAILURE_ACTIONS, action),
        name(MEMORY_FAILURE_RECIPIENTS, recipient));
  }

  private static LibvirtEvent of(String type, String event, String detail) {
    return new LibvirtEvent(type, event, detail, Instant.now());
  }

  /** {@code qualifier subject}; the subject alone if there is no qualifier, null if there is no subject. */
  private static String joined(String qualifier, String subject) {
    if (subject == null) {
      return qualifier;
    }
    return qualifier == null || qualifier.isEmpty() ? subject : qualifier + " " + subject;
  }

  private static String name(List<String> names, int n) {
    return name(names, 0, n);
  }

  /** For an enum whose first value is {@code first}. */
  private static String name(List<String> names, int first, int n) {
    return n >= first && n - first < names.size() ? names.get(n - first) : "unknown-" + n;
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
