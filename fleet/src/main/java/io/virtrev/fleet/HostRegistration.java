package io.virtrev.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.virtrev.api.Json;
import java.time.Instant;

/**
 * The host's registration {@code /virtrev/v1/hosts/<host>} ({@code {"host","apiUrl","storeId","version",
 * "startedAt"}}) under an etcd lease of {@link MirrorSettings#leaseTtl}, kept alive by
 * {@link #keepAlive} (one {@code LeaseKeepAlive} call each third of the TTL); when the lease is gone
 * (expired during an etcd outage), a new lease is granted and the registration put again.
 *
 * <p>Threads: confined to the mirror's thread ({@code fleet-mirror}); no locks. {@link #registered()} is
 * read from any thread.
 */
final class HostRegistration {
  private final Client etcd;
  private final MirrorSettings settings;
  private final byte[] value;
  private long leaseId; // 0: none granted (or lost)
  private long nextKeepAliveNanos;
  private volatile boolean registered;

  HostRegistration(Client etcd, MirrorSettings settings, String storeId, Instant startedAt) {
    this.etcd = etcd;
    this.settings = settings;
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("host", settings.host());
    n.put("apiUrl", settings.apiUrl());
    n.put("storeId", storeId);
    n.put("version", settings.version());
    n.put("startedAt", startedAt.toString());
    this.value = Json.bytes(n);
  }

  /** Nanos until {@link #keepAlive} has work ({@code 0}: now). */
  long nanosUntilDue(long now) {
    return leaseId == 0 ? 0 : Math.max(0, nextKeepAliveNanos - now);
  }

  /**
   * Registers if not registered, or renews the lease if a third of the TTL passed since the last renewal.
   *
   * @throws EtcdCall.Unavailable if etcd did not answer (retried by the caller)
   */
  void keepAlive(long now) {
    if (leaseId != 0 && now < nextKeepAliveNanos) {
      return;
    }
    if (leaseId != 0) {
      LeaseKeepAliveResponse r;
      try {
        r = EtcdCall.await(etcd.getLeaseClient().keepAliveOnce(leaseId), settings.callTimeout(), "lease keep-alive");
      } catch (EtcdCall.Unavailable e) {
        if (!(e.getCause() instanceof io.etcd.jetcd.lease.NoSuchLeaseException)
            && !String.valueOf(e.getMessage()).contains("requested lease not found")) {
          throw e;
        }
        r = null;
      }
      if (r != null && r.getTTL() > 0) {
        nextKeepAliveNanos = now + settings.leaseTtl().toNanos() / 3;
        registered = true;
        return;
      }
      leaseId = 0; // expired: register anew
      registered = false;
    }
    long id = EtcdCall.await(etcd.getLeaseClient().grant(settings.leaseSeconds()), settings.callTimeout(),
        "lease grant").getID();
    EtcdCall.await(etcd.getKVClient().put(EtcdCall.bytes(FleetKeys.registration(settings.host())),
        EtcdCall.bytes(value), PutOption.builder().withLeaseId(id).build()), settings.callTimeout(),
        "registration put");
    leaseId = id;
    nextKeepAliveNanos = now + settings.leaseTtl().toNanos() / 3;
    registered = true;
  }

  /** A registration's failure makes the next {@link #keepAlive} check the lease at once. */
  void suspect() {
    nextKeepAliveNanos = 0;
    registered = false;
  }

  boolean registered() {
    return registered;
  }

  /** Revokes the lease (the registration goes at once); best effort, bounded by the call timeout. */
  void revoke() {
    if (leaseId == 0) {
      return;
    }
    try {
      EtcdCall.await(etcd.getLeaseClient().revoke(leaseId), settings.callTimeout(), "lease revoke");
    } catch (EtcdCall.Unavailable e) {
      // the lease expires on its own within the TTL
    }
    leaseId = 0;
    registered = false;
  }
}
