package io.virtrev.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.source.SourceEvent;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain-event callbacks of one source, and their (de)registration on a connection.
 *
 * <p>LIFECYCLE goes through libvirt-java ({@code addLifecycleListener}). REBOOT, DEVICE_ADDED,
 * DEVICE_REMOVED and METADATA_CHANGE go through {@link LibvirtNative}: libvirt-java 0.5.4 has no
 * device or metadata events, and has {@code addRebootListener} but no way to remove it again (and a
 * listener left registered keeps firing after close).
 *
 * <p>Callbacks run on the event-loop thread. They only call libvirt's local accessors (name, uuid,
 * and for libvirt-java's extra domain reference, free: none is an RPC), build a {@link SourceEvent}
 * and hand it to the sink, which must only enqueue. The callback objects are fields of this
 * instance, so they stay strongly reachable for as long as the source that registered them.
 *
 * <p>{@link #register} and {@link #deregister} are called from the connector thread only
 * (libvirt-java keeps its listeners in a plain HashMap).
 */
final class Subscriptions {
  private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

  private final Consumer<SourceEvent> sink;
  private final LifecycleListener lifecycle = this::onLifecycle;
  private final LibvirtNative.GenericCallback reboot =
      (conn, dom, opaque) -> emit(dom, EventNames.reboot());
  private final LibvirtNative.DeviceCallback deviceAdded =
      (conn, dom, alias, opaque) -> emit(dom, EventNames.deviceAdded(alias));
  private final LibvirtNative.DeviceCallback deviceRemoved =
      (conn, dom, alias, opaque) -> emit(dom, EventNames.deviceRemoved(alias));
  private final LibvirtNative.MetadataCallback metadata =
      (conn, dom, type, nsuri, opaque) -> emit(dom, EventNames.metadataChange(type));

  Subscriptions(Consumer<SourceEvent> sink) {
    this.sink = sink;
  }

  /**
   * Registers every callback on {@code connect}; returns the native callback ids for
   * {@link #deregister}. On failure, whatever was registered is removed again before throwing.
   */
  int[] register(NativeConnect connect) throws LibvirtException, NativeCallException {
    int[] ids = {-1, -1, -1, -1};
    boolean done = false;
    try {
      connect.addLifecycleListener(lifecycle);
      ids[0] = registerNative(connect, LibvirtNative.EVENT_ID_REBOOT, reboot);
      ids[1] = registerNative(connect, LibvirtNative.EVENT_ID_DEVICE_ADDED, deviceAdded);
      ids[2] = registerNative(connect, LibvirtNative.EVENT_ID_DEVICE_REMOVED, deviceRemoved);
      ids[3] = registerNative(connect, LibvirtNative.EVENT_ID_METADATA_CHANGE, metadata);
      done = true;
      return ids;
    } finally {
      if (!done) {
        deregister(connect, ids);
      }
    }
  }

  /** Best effort: libvirt drops a callback locally even when telling a dead daemon fails. */
  void deregister(NativeConnect connect, int[] ids) {
    try {
      connect.removeLifecycleListener(lifecycle);
    } catch (LibvirtException e) {
      LOG.debug("removing lifecycle listener: {}", e.getMessage());
    }
    for (int id : ids) {
      if (id >= 0 && LibvirtNative.INSTANCE.virConnectDomainEventDeregisterAny(connect.pointer(), id) < 0) {
        LOG.debug("deregistering callback {}: {}", id, NativeCallException.lastError("deregister").getMessage());
      }
    }
  }

  private static int registerNative(NativeConnect connect, int eventId, Callback callback)
      throws NativeCallException {
    int id = LibvirtNative.INSTANCE.virConnectDomainEventRegisterAny(
        connect.pointer(), null, eventId, callback, null, null);
    if (id < 0) {
      throw NativeCallException.lastError("virConnectDomainEventRegisterAny(" + eventId + ")");
    }
    return id;
  }

  private int onLifecycle(Domain domain, DomainEvent event) {
    try {
      deliver(domain.getUUIDString(), domain.getName(), EventNames.lifecycle(event));
    } catch (LibvirtException | RuntimeException e) {
      LOG.warn("dropping lifecycle event {}: {}", event, e.getMessage(), e);
    } finally {
      try {
        domain.free();
      } catch (LibvirtException e) {
        LOG.debug("freeing event domain: {}", e.getMessage());
      }
    }
    return 0;
  }

  private void emit(Pointer dom, LibvirtEvent event) {
    try {
      byte[] uuid = new byte[LibvirtNative.UUID_STRING_BUFLEN];
      if (LibvirtNative.INSTANCE.virDomainGetUUIDString(dom, uuid) < 0) {
        LOG.warn("dropping {} event: no uuid", event.type());
        return;
      }
      String uuidString = new String(uuid, 0, LibvirtNative.UUID_STRING_BUFLEN - 1, StandardCharsets.US_ASCII);
      deliver(uuidString, LibvirtNative.INSTANCE.virDomainGetName(dom), event);
    } catch (RuntimeException e) {
      LOG.warn("dropping {} event: {}", event.type(), e.getMessage(), e);
    }
  }

  private void deliver(String uuid, String name, LibvirtEvent event) {
    SourceEvent sourceEvent = new SourceEvent(uuid.toLowerCase(Locale.ROOT), name, event);
    try {
      sink.accept(sourceEvent);
    } catch (RuntimeException e) {
      LOG.warn("listener failed on {}: {}", sourceEvent, e.getMessage(), e);
    }
  }
}
