package io.virtrev.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * libvirt 9.0's domain events as JNA sees them (libvirt-domain.h): the {@code virDomainEventID} values
 * and one callback type per {@code virConnectDomainEvent*Callback} signature, registered through
 * {@link LibvirtNative#virConnectDomainEventRegisterAny}. Every pointer argument is libvirt's and valid
 * only during the callback; strings are copied before the callback runs. {@code unsigned long long}
 * arrives as a Java {@code long} (read it unsigned).
 */
final class DomainEventNative {
  /** virDomainEventID values. */
  static final int ID_LIFECYCLE = 0;
  static final int ID_REBOOT = 1;
  static final int ID_RTC_CHANGE = 2;
  static final int ID_WATCHDOG = 3;
  static final int ID_IO_ERROR = 4;
  static final int ID_GRAPHICS = 5;
  static final int ID_IO_ERROR_REASON = 6;
  static final int ID_CONTROL_ERROR = 7;
  static final int ID_BLOCK_JOB = 8;
  static final int ID_DISK_CHANGE = 9;
  static final int ID_TRAY_CHANGE = 10;
  static final int ID_PMWAKEUP = 11;
  static final int ID_PMSUSPEND = 12;
  static final int ID_BALLOON_CHANGE = 13;
  static final int ID_PMSUSPEND_DISK = 14;
  static final int ID_DEVICE_REMOVED = 15;
  static final int ID_BLOCK_JOB_2 = 16;
  static final int ID_TUNABLE = 17;
  static final int ID_AGENT_LIFECYCLE = 18;
  static final int ID_DEVICE_ADDED = 19;
  static final int ID_MIGRATION_ITERATION = 20;
  static final int ID_JOB_COMPLETED = 21;
  static final int ID_DEVICE_REMOVAL_FAILED = 22;
  static final int ID_METADATA_CHANGE = 23;
  static final int ID_BLOCK_THRESHOLD = 24;
  static final int ID_MEMORY_FAILURE = 25;
  static final int ID_MEMORY_DEVICE_SIZE_CHANGE = 26;
  /** VIR_DOMAIN_EVENT_ID_LAST of libvirt 9.0: one more than the highest id; libvirt refuses it. */
  static final int ID_LAST = 27;

  /**
   * {@code struct _virTypedParameter { char field[80]; int type; union value; }}: the union holds
   * 8-byte members (long long, double, char *), so it sits at offset 88 and the struct is 96 bytes
   * on LP64 (x86_64, aarch64).
   */
  private static final int TYPED_PARAM_SIZE = 96;
  private static final int TYPED_PARAM_TYPE_OFFSET = 80;
  private static final int TYPED_PARAM_VALUE_OFFSET = 88;
  /** VIR_TYPED_PARAM_INT. */
  private static final int TYPED_PARAM_INT = 1;
  /** {@code struct _virDomainEventGraphicsAddress { int family; char *node; char *service; }} on LP64. */
  private static final int GRAPHICS_NODE_OFFSET = 8;
  private static final int GRAPHICS_SERVICE_OFFSET = 16;

  private DomainEventNative() {}

  /** virConnectDomainEventCallback (LIFECYCLE): virDomainEventType and its detail enum. */
  interface LifecycleCallback extends Callback {
    int invoke(Pointer conn, Pointer dom, int event, int detail, Pointer opaque);
  }

  /** virConnectDomainEventGenericCallback (REBOOT, CONTROL_ERROR). */
  interface GenericCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, Pointer opaque);
  }

  /** virConnectDomainEventRTCChangeCallback. */
  interface RtcChangeCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, long utcoffset, Pointer opaque);
  }

  /**
   * One int after the domain: virConnectDomainEventWatchdogCallback (action),
   * ...PMWakeupCallback, ...PMSuspendCallback, ...PMSuspendDiskCallback (reason, always 0),
   * ...MigrationIterationCallback (iteration).
   */
  interface IntCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, int value, Pointer opaque);
  }

  /** virConnectDomainEventIOErrorCallback. */
  interface IoErrorCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String srcPath, String devAlias, int action, Pointer opaque);
  }

  /** virConnectDomainEventIOErrorReasonCallback. */
  interface IoErrorReasonCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String srcPath, String devAlias, int action, String reason,
        Pointer opaque);
  }

  /**
   * virConnectDomainEventGraphicsCallback; {@code local} and {@code remote} point to a
   * {@code virDomainEventGraphicsAddress} (read with {@link #graphicsAddress}).
   */
  interface GraphicsCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, int phase, Pointer local, Pointer remote, String authScheme,
        Pointer subject, Pointer opaque);
  }

  /** virConnectDomainEventBlockJobCallback (BLOCK_JOB: disk is the image path; BLOCK_JOB_2: the target). */
  interface BlockJobCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String disk, int type, int status, Pointer opaque);
  }

  /** virConnectDomainEventDiskChangeCallback. */
  interface DiskChangeCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String oldSrcPath, String newSrcPath, String devAlias, int reason,
        Pointer opaque);
  }

  /** virConnectDomainEventTrayChangeCallback. */
  interface TrayChangeCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String devAlias, int reason, Pointer opaque);
  }

  /** virConnectDomainEventBalloonChangeCallback ({@code actual}: unsigned long long, KiB). */
  interface BalloonChangeCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, long actual, Pointer opaque);
  }

  /** virConnectDomainEventDeviceAddedCallback, ...DeviceRemovedCallback, ...DeviceRemovalFailedCallback. */
  interface DeviceCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String devAlias, Pointer opaque);
  }

  /** virConnectDomainEventTunableCallback and ...JobCompletedCallback: a virTypedParameter array. */
  interface TypedParamsCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, Pointer params, int nparams, Pointer opaque);
  }

  /** virConnectDomainEventAgentLifecycleCallback. */
  interface AgentLifecycleCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, int state, int reason, Pointer opaque);
  }

  /** virConnectDomainEventMetadataChangeCallback. */
  interface MetadataCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, int type, String nsuri, Pointer opaque);
  }

  /** virConnectDomainEventBlockThresholdCallback ({@code threshold}, {@code excess}: unsigned long long). */
  interface BlockThresholdCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String dev, String path, long threshold, long excess, Pointer opaque);
  }

  /** virConnectDomainEventMemoryFailureCallback ({@code flags}: unsigned int). */
  interface MemoryFailureCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, int recipient, int action, int flags, Pointer opaque);
  }

  /** virConnectDomainEventMemoryDeviceSizeChangeCallback ({@code size}: unsigned long long, KiB). */
  interface MemoryDeviceSizeChangeCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String alias, long size, Pointer opaque);
  }

  /** The names of {@code n} typed parameters at {@code params}, in order. */
  static List<String> typedParamNames(Pointer params, int n) {
    List<String> names = new ArrayList<>(Math.max(0, n));
    for (int i = 0; params != null && i < n; i++) {
      names.add(params.getString((long) i * TYPED_PARAM_SIZE, StandardCharsets.UTF_8.name()));
    }
    return names;
  }

  /** The value of the int parameter {@code name} among {@code n} at {@code params}, or null. */
  static Integer typedParamInt(Pointer params, int n, String name) {
    for (int i = 0; params != null && i < n; i++) {
      long base = (long) i * TYPED_PARAM_SIZE;
      if (name.equals(params.getString(base, StandardCharsets.UTF_8.name()))
          && params.getInt(base + TYPED_PARAM_TYPE_OFFSET) == TYPED_PARAM_INT) {
        return params.getInt(base + TYPED_PARAM_VALUE_OFFSET);
      }
    }
    return null;
  }

  /** A {@code virDomainEventGraphicsAddress}: IP address or UNIX path, and port (null for UNIX). */
  record GraphicsAddress(String node, String service) {}

  /** The address at {@code address}; both components null for a null pointer. */
  static GraphicsAddress graphicsAddress(Pointer address) {
    if (address == null) {
      return new GraphicsAddress(null, null);
    }
    return new GraphicsAddress(string(address.getPointer(GRAPHICS_NODE_OFFSET)),
        string(address.getPointer(GRAPHICS_SERVICE_OFFSET)));
  }

  private static String string(Pointer p) {
    return p == null ? null : p.getString(0, StandardCharsets.UTF_8.name());
  }
}
