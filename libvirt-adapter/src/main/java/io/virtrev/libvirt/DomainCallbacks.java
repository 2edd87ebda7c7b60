package io.virtrev.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.libvirt.DomainEventNative.GraphicsAddress;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One native callback per libvirt 9.0 domain event id ({@link DomainEventNative#ID_LIFECYCLE} to
 * {@link DomainEventNative#ID_MEMORY_DEVICE_SIZE_CHANGE}), each turning its arguments into a
 * {@link LibvirtEvent} ({@link EventNames}) and handing it, with the callback's domain pointer, to
 * {@code emit}. Callbacks run on the event-loop thread; they only read their arguments (no libvirt
 * call) before {@code emit}, which must only enqueue.
 *
 * <p>The callback objects are held by this instance, so they stay strongly reachable (as JNA requires)
 * for as long as it: its owner keeps it until every id is deregistered.
 */
final class DomainCallbacks {
  /** One registration: the event id and the callback libvirt calls for it. */
  record Registration(int eventId, Callback callback) {}

  private final List<Registration> all;

  DomainCallbacks(BiConsumer<Pointer, LibvirtEvent> emit) {
    DomainEventNative.LifecycleCallback lifecycle = (conn, dom, event, detail, opaque) -> {
      emit.accept(dom, EventNames.lifecycle(event, detail));
      return 0;
    };
    DomainEventNative.GenericCallback reboot =
        (conn, dom, opaque) -> emit.accept(dom, EventNames.bare(LibvirtEvent.REBOOT));
    DomainEventNative.RtcChangeCallback rtcChange =
        (conn, dom, utcoffset, opaque) -> emit.accept(dom, EventNames.rtcChange(utcoffset));
    DomainEventNative.IntCallback watchdog =
        (conn, dom, action, opaque) -> emit.accept(dom, EventNames.watchdog(action));
    DomainEventNative.IoErrorCallback ioError =
        (conn, dom, srcPath, devAlias, action, opaque) -> emit.accept(dom, EventNames.ioError(devAlias, action));
    DomainEventNative.GraphicsCallback graphics = (conn, dom, phase, local, remote, authScheme, subject, opaque) -> {
      GraphicsAddress client = DomainEventNative.graphicsAddress(remote);
      emit.accept(dom, EventNames.graphics(phase, client.node(), client.service()));
    };
    DomainEventNative.IoErrorReasonCallback ioErrorReason = (conn, dom, srcPath, devAlias, action, reason, opaque) ->
        emit.accept(dom, EventNames.ioErrorReason(devAlias, action, reason));
    DomainEventNative.GenericCallback controlError =
        (conn, dom, opaque) -> emit.accept(dom, EventNames.bare(LibvirtEvent.CONTROL_ERROR));
    DomainEventNative.BlockJobCallback blockJob = (conn, dom, disk, type, status, opaque) ->
        emit.accept(dom, EventNames.blockJob(LibvirtEvent.BLOCK_JOB, disk, type, status));
    DomainEventNative.DiskChangeCallback diskChange = (conn, dom, oldSrc, newSrc, devAlias, reason, opaque) ->
        emit.accept(dom, EventNames.diskChange(devAlias, reason));
    DomainEventNative.TrayChangeCallback trayChange =
        (conn, dom, devAlias, reason, opaque) -> emit.accept(dom, EventNames.trayChange(devAlias, reason));
    DomainEventNative.IntCallback pmwakeup =
        (conn, dom, reason, opaque) -> emit.accept(dom, EventNames.bare(LibvirtEvent.PMWAKEUP));
    DomainEventNative.IntCallback pmsuspend =
        (conn, dom, reason, opaque) -> emit.accept(dom, EventNames.bare(LibvirtEvent.PMSUSPEND));
    DomainEventNative.BalloonChangeCallback balloonChange =
        (conn, dom, actual, opaque) -> emit.accept(dom, EventNames.balloonChange(actual));
    DomainEventNative.IntCallback pmsuspendDisk =
        (conn, dom, reason, opaque) -> emit.accept(dom, EventNames.bare(LibvirtEvent.PMSUSPEND_DISK));
    DomainEventNative.DeviceCallback deviceRemoved =
        (conn, dom, alias, opaque) -> emit.accept(dom, EventNames.device(LibvirtEvent.DEVICE_REMOVED, alias));
    DomainEventNative.BlockJobCallback blockJob2 = (conn, dom, disk, type, status, opaque) ->
        emit.accept(dom, EventNames.blockJob(LibvirtEvent.BLOCK_JOB_2, disk, type, status));
    DomainEventNative.TypedParamsCallback tunable = (conn, dom, params, n, opaque) ->
        emit.accept(dom, EventNames.tunable(DomainEventNative.typedParamNames(params, n)));
    DomainEventNative.AgentLifecycleCallback agentLifecycle =
        (conn, dom, state, reason, opaque) -> emit.accept(dom, EventNames.agentLifecycle(state, reason));
    DomainEventNative.DeviceCallback deviceAdded =
        (conn, dom, alias, opaque) -> emit.accept(dom, EventNames.device(LibvirtEvent.DEVICE_ADDED, alias));
    DomainEventNative.IntCallback migrationIteration =
        (conn, dom, iteration, opaque) -> emit.accept(dom, EventNames.migrationIteration(iteration));
    DomainEventNative.TypedParamsCallback jobCompleted = (conn, dom, params, n, opaque) ->
        emit.accept(dom, EventNames.jobCompleted(DomainEventNative.typedParamInt(params, n, "operation")));
    DomainEventNative.DeviceCallback deviceRemovalFailed = (conn, dom, alias, opaque) ->
        emit.accept(dom, EventNames.device(LibvirtEvent.DEVICE_REMOVAL_FAILED, alias));
    DomainEventNative.MetadataCallback metadataChange =
        (conn, dom, type, nsuri, opaque) -> emit.accept(dom, EventNames.metadataChange(type));
    DomainEventNative.BlockThresholdCallback blockThreshold = (conn, dom, dev, path, threshold, excess, opaque) ->
        emit.accept(dom, EventNames.blockThreshold(dev));
    DomainEventNative.MemoryFailureCallback memoryFailure = (conn, dom, recipient, action, flags, opaque) ->
        emit.accept(dom, EventNames.memoryFailure(recipient, action));
    DomainEventNative.MemoryDeviceSizeChangeCallback memoryDeviceSizeChange = (conn, dom, alias, size, opaque) ->
        emit.accept(dom, EventNames.device(LibvirtEvent.MEMORY_DEVICE_SIZE_CHANGE, alias));
    // Indexed by event id: the list's position is the id (checked by DomainCallbacksTest).
    this.all = List.of(
        new Registration(DomainEventNative.ID_LIFECYCLE, lifecycle),
        new Registration(DomainEventNative.ID_REBOOT, reboot),
        new Registration(DomainEventNative.ID_RTC_CHANGE, rtcChange),
        new Registration(DomainEventNative.ID_WATCHDOG, watchdog),
        new Registration(DomainEventNative.ID_IO_ERROR, ioError),
        new Registration(DomainEventNative.ID_GRAPHICS, graphics),
        new Registration(DomainEventNative.ID_IO_ERROR_REASON, ioErrorReason),
        new Registration(DomainEventNative.ID_CONTROL_ERROR, controlError),
        new Registration(DomainEventNative.ID_BLOCK_JOB, blockJob),
        new Registration(DomainEventNative.ID_DISK_CHANGE, diskChange),
        new Registration(DomainEventNative.ID_TRAY_CHANGE, trayChange),
        new Registration(DomainEventNative.ID_PMWAKEUP, pmwakeup),
        new Registration(DomainEventNative.ID_PMSUSPEND, pmsuspend),
        new Registration(DomainEventNative.ID_BALLOON_CHANGE, balloonChange),
        new Registration(DomainEventNative.ID_PMSUSPEND_DISK, pmsuspendDisk),
        new Registration(DomainEventNative.ID_DEVICE_REMOVED, deviceRemoved),
        new Registration(DomainEventNative.ID_BLOCK_JOB_2, blockJob2),
        new Registration(DomainEventNative.ID_TUNABLE, tunable),
        new Registration(DomainEventNative.ID_AGENT_LIFECYCLE, agentLifecycle),
        new Registration(DomainEventNative.ID_DEVICE_ADDED, deviceAdded),
        new Registration(DomainEventNative.ID_MIGRATION_ITERATION, migrationIteration),
        new Registration(DomainEventNative.ID_JOB_COMPLETED, jobCompleted),
        new Registration(DomainEventNative.ID_DEVICE_REMOVAL_FAILED, deviceRemovalFailed),
        new Registration(DomainEventNative.ID_METADATA_CHANGE, metadataChange),
        new Registration(DomainEventNative.ID_BLOCK_THRESHOLD, blockThreshold),
        new Registration(DomainEventNative.ID_MEMORY_FAILURE, memoryFailure),
        new Registration(DomainEventNative.ID_MEMORY_DEVICE_SIZE_CHANGE, memoryDeviceSizeChange));
  }

  /** Every registration, in event-id order. */
  List<Registration> all() {
    return all;
  }
}
