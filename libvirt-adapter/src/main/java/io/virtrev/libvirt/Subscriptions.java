package io.virtrev.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.StorageSource;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event callbacks of one source (domain events, and network and storage pool events beside them),
 * and their (de)registration on a connection.
 *
 * <p>Every libvirt 9.0 domain event id is registered ({@link DomainCallbacks}), through
 * {@link LibvirtNative}'s {@code virConnectDomainEventRegisterAny}: libvirt-java 0.5.4's lifecycle
 * detail enums predate libvirt 9.0 (destroy's {@code shutdown/host} arrived as {@code unknown}), it
 * lacks most event ids, and it has {@code addRebootListener} but no way to remove it again (a callback
 * left registered keeps firing after close). Names come from {@link EventNames}.
 *
 * <p>Callbacks run on the event-loop thread. They only call libvirt's local accessors on the
 * callback's own domain pointer (name and uuid: no RPC; the pointer is libvirt's and is not freed
 * here), build a {@link SourceEvent} and hand it to the sink, which must only enqueue. The callback
 * objects are held by this instance, so they stay strongly reachable for as long as the source that
 * registered them.
 *
 * <p>Storage pool events (lifecycle, refresh) go through {@code virConnectStoragePoolEventRegisterAny}
 * ({@link #registerStoragePools}), registered and deregistered with the domain callbacks, and reach the same
 * sink as {@link SourceEvent}s of kind {@link StorageSource#POOLS}. Volumes have no events.
 *
 * <p>{@link #register}, {@link #registerStoragePools} and their deregistrations are called from the
 * connector thread only.
 */
final class Subscriptions {
  private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

  private final Consumer<SourceEvent> sink;
  private final DomainCallbacks domain = new DomainCallbacks(this::emit);

  private final LibvirtNative.NetworkLifecycleCallback networkLifecycle =
      (conn, net, event, detail, opaque) -> emitNetwork(net, EventNames.networkLifecycle(event, detail));
  private final LibvirtNative.StoragePoolLifecycleCallback poolLifecycle = (conn, pool, event, detail, opaque) ->
      emitPool(pool, StoragePoolEventNames.lifecycle(event));
  private final LibvirtNative.StoragePoolGenericCallback poolRefresh =
      (conn, pool, opaque) -> emitPool(pool, StoragePoolEventNames.refresh());

  Subscriptions(Consumer<SourceEvent> sink) {
    this.sink = sink;
  }

  /**
   * Registers every domain callback on {@code connect}; returns the native callback ids for
   * {@link #deregister}. On failure, whatever was registered is removed again before throwing.
   */
  int[] register(NativeConnect connect) throws NativeCallException {
    List<DomainCallbacks.Registration> all = domain.all();
    int[] ids = new int[all.size()];
    Arrays.fill(ids, -1);
    boolean done = false;
    try {
      for (int i = 0; i < ids.length; i++) {
        ids[i] = registerNative(connect, all.get(i).eventId(), all.get(i).callback());
      }
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
    for (int id : ids) {
      if (id >= 0 && LibvirtNative.INSTANCE.virConnectDomainEventDeregisterAny(connect.pointer(), id) < 0) {
        LOG.debug("deregistering callback {}: {}", id, NativeCallException.lastError("deregister").getMessage());
      }
    }
  }

  /**
   * Registers the storage pool callbacks (lifecycle, refresh) on {@code connect}; returns their ids for
   * {@link #deregisterStoragePools}. On failure, whatever was registered is removed again before throwing.
   */
  int[] registerStoragePools(NativeConnect connect) throws NativeCallException {
    int[] ids = {-1, -1};
    boolean done = false;
    try {
      ids[0] = registerPoolNative(connect, LibvirtNative.STORAGE_POOL_EVENT_ID_LIFECYCLE, poolLifecycle);
      ids[1] = registerPoolNative(connect, LibvirtNative.STORAGE_POOL_EVENT_ID_REFRESH, poolRefresh);
      done = true;
      return ids;
    } finally {
      if (!done) {
        deregisterStoragePools(connect, ids);
      }
    }
  }

  /** Best effort, as {@link #deregister}. */
  void deregisterStoragePools(NativeConnect connect, int[] ids) {
    for (int id : ids) {
      if (id >= 0 && LibvirtNative.INSTANCE.virConnectStoragePoolEventDeregisterAny(connect.pointer(), id) < 0) {
        LOG.debug("deregistering pool callback {}: {}", id,
            NativeCallException.lastError("deregister").getMessage());
      }
    }
  }

  private static int registerPoolNative(NativeConnect connect, int eventId, Callback callback)
      throws NativeCallException {
    int id = LibvirtNative.INSTANCE.virConnectStoragePoolEventRegisterAny(
        connect.pointer(), null, eventId, callback, null, null);
    if (id < 0) {
      throw NativeCallException.lastError("virConnectStoragePoolEventRegisterAny(" + eventId + ")");
    }
    return id;
  }

  /** As {@link #emit}, for a pool pointer (local accessors only). */
  private void emitPool(Pointer pool, LibvirtEvent event) {
    try {
      String uuid = StorageNative.uuidString(pool);
      if (uuid == null) {
        LOG.warn("dropping pool {} event {}: no uuid", event.type(), event.event());
        return;
      }
      deliver(new SourceEvent(StorageSource.POOLS, uuid,
          StorageNative.INSTANCE.virStoragePoolGetName(pool), event));
    } catch (RuntimeException e) {
      LOG.warn("dropping pool {} event: {}", event.type(), e.getMessage(), e);
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

  private void emit(Pointer dom, LibvirtEvent event) {
    try {
      String uuid = LibvirtNative.uuidString(dom);
      if (uuid == null) {
        LOG.warn("dropping {} event {}/{}: no uuid", event.type(), event.event(), event.detail());
        return;
      }
      deliver(uuid, LibvirtNative.INSTANCE.virDomainGetName(dom), event);
    } catch (RuntimeException e) {
      LOG.warn("dropping {} event: {}", event.type(), e.getMessage(), e);
    }
  }

  private void deliver(String uuid, String name, LibvirtEvent event) {
    deliver(new SourceEvent(uuid, name, event));
  }

  private void deliver(SourceEvent sourceEvent) {
    try {
      sink.accept(sourceEvent);
    } catch (RuntimeException e) {
      LOG.warn("listener failed on {}: {}", sourceEvent, e.getMessage(), e);
    }
  }

  // ---- network events (virConnectNetworkEventRegisterAny), registered beside the domain events ----

  /** Registers the network lifecycle callback on {@code connect}; returns its native callback id. */
  int registerNetworkEvents(NativeConnect connect) throws NativeCallException {
    int id = LibvirtNative.INSTANCE.virConnectNetworkEventRegisterAny(connect.pointer(), null,
        LibvirtNative.NETWORK_EVENT_ID_LIFECYCLE, networkLifecycle, null, null);
    if (id < 0) {
      throw NativeCallException.lastError("virConnectNetworkEventRegisterAny("
          + LibvirtNative.NETWORK_EVENT_ID_LIFECYCLE + ")");
    }
    return id;
  }

  /** Best effort, as {@link #deregister}; a negative id (never registered) is skipped. */
  void deregisterNetworkEvents(NativeConnect connect, int id) {
    if (id >= 0 && LibvirtNative.INSTANCE.virConnectNetworkEventDeregisterAny(connect.pointer(), id) < 0) {
      LOG.debug("deregistering network callback {}: {}", id,
          NativeCallException.lastError("deregister").getMessage());
    }
  }

  private void emitNetwork(Pointer net, LibvirtEvent event) {
    try {
      String uuid = LibvirtNative.networkUuidString(net);
      if (uuid == null) {
        LOG.warn("dropping network {} event {}: no uuid", event.type(), event.event());
        return;
      }
      SourceEvent sourceEvent = new SourceEvent(SourceEvent.NETWORKS, uuid,
          LibvirtNative.INSTANCE.virNetworkGetName(net), event);
      try {
        sink.accept(sourceEvent);
      } catch (RuntimeException e) {
        LOG.warn("listener failed on {}: {}", sourceEvent, e.getMessage(), e);
      }
    } catch (RuntimeException e) {
      LOG.warn("dropping network {} event: {}", event.type(), e.getMessage(), e);
    }
  }
}
