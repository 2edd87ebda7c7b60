package io.virtrev.fleet;

/**
 * What a {@link FleetMirror} reports (metrics, {@code /readyz} details). Immutable, a point-in-time copy.
 *
 * @param host the host's fleet name
 * @param hostRevision the host store's published revision
 * @param mirroredRevision the last host revision known to be in etcd (of this store; 0 before the first)
 * @param etcdReachable whether the last etcd call succeeded
 * @param lastError the last failure's message (null if none since the last success)
 * @param registered whether the registration is in etcd under a live lease, as last seen
 * @param nameConflict why this host does not mirror: its host name is registered by another store (null: no
 *     conflict)
 * @param mirrored host revisions this mirror applied to etcd (one transaction each)
 * @param fullMirrors full re-mirrors this mirror applied
 * @param failures failed attempts (etcd unreachable, timeouts, refusals), each retried
 * @param conflicts transactions whose progress compare failed (another writer, or a retry that did apply)
 */
public record MirrorStatus(String host, long hostRevision, long mirroredRevision, boolean etcdReachable,
    String lastError, boolean registered, String nameConflict, long mirrored, long fullMirrors, long failures,
    long conflicts) {

  /** Host revisions not yet in etcd. */
  public long lag() {
    return Math.max(0, hostRevision - mirroredRevision);
  }

  /** One line for {@code /readyz} details and logs. */
  public String detail() {
    return "fleet-mirror " + host + ": host revision " + hostRevision + ", mirrored " + mirroredRevision + ", lag "
        + lag() + (etcdReachable ? ", etcd reachable" : ", etcd unreachable: " + lastError)
        + (nameConflict != null ? ", NOT MIRRORING: " + nameConflict : registered ? ", registered" : ", not registered");
  }
}
