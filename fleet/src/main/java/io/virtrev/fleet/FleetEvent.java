package io.virtrev.fleet;

/**
 * One change of a fleet watch, as seen through its selector.
 *
 * @param type ADDED, MODIFIED or DELETED (a change that makes an object start or stop matching the selector
 *     is ADDED or DELETED, as Kubernetes does)
 * @param revision the etcd revision of the change: the event's resourceVersion
 * @param object the object after the change; for DELETED its last state, at {@code revision}
 */
public record FleetEvent(String type, long revision, FleetObject object) {}
