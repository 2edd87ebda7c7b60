package io.virtrev.libvirt;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.List;

/**
 * {@code virDomainGetState} through JNA, and libvirt 9.0's state and reason numbers as lower-case
 * names (virDomainState, virDomainRunningReason, virDomainPausedReason, ...). A number newer than
 * these tables maps to {@code unknown}.
 */
final class DomainStates {
  /** Indexed by virDomainState. */
  private static final List<String> STATES = List.of(
      "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended");

  /** Reasons indexed by state, then by that state's reason number. */
  private static final List<List<String>> REASONS = List.of(
      List.of("unknown"),
      List.of("unknown", "booted", "migrated", "restored", "from_snapshot", "unpaused",
          "migration_canceled", "save_canceled", "wakeup", "crashed", "postcopy", "postcopy_failed"),
      List.of("unknown"),
      List.of("unknown", "user", "migration", "save", "dump", "ioerror", "watchdog",
          "from_snapshot", "shutting_down", "snapshot", "crashed", "starting_up", "postcopy",
          "postcopy_failed", "api_error"),
      List.of("unknown", "user"),
      List.of("unknown", "shutdown", "destroyed", "crashed", "migrated", "saved", "failed",
          "from_snapshot", "daemon"),
      List.of("unknown", "panicked"),
      List.of("unknown"));

  /** A state and its reason, both as libvirt's lower-case names. */
  record State(String state, String reason) {}

  private DomainStates() {}

  static State name(int state, int reason) {
    if (state < 0 || state >= STATES.size()) {
      return new State("unknown", "unknown");
    }
    List<String> reasons = REASONS.get(state);
    String r = reason >= 0 && reason < reasons.size() ? reasons.get(reason) : "unknown";
    return new State(STATES.get(state), r);
  }

  /** Reads the state of {@code dom} (one RPC); the caller owns the reference. */
  static State read(Pointer dom) throws NativeCallException {
    IntByReference state = new IntByReference();
    IntByReference reason = new IntByReference();
    if (LibvirtNative.INSTANCE.virDomainGetState(dom, state, reason, 0) < 0) {
      throw NativeCallException.lastError("virDomainGetState");
    }
    return name(state.getValue(), reason.getValue());
  }
}
