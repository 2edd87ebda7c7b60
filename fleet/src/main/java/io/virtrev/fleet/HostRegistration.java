package io.virtrev.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.virtrev.api.Json;
import java.time.Instant;
import java.util.List;

/**
 * The host's registration {@code /virtrev/v1/hosts/<host>} ({@code {"host","apiUrl","storeId","version",
 * "startedAt"}}) under an etcd lease of {@link MirrorSettings#leaseTtl}, kept alive by {@link #keepAlive}
 * (each third of the TTL: one {@code LeaseKeepAlive} and one read of the key). When the lease is gone (expired
 * during an etcd outage) a new one is granted; when the key is missing it is put again.
 *
 * <p>One host name, one store: while the key names another store under a live lease (a second daemon
 * configured with the same {@code --host-name} on another data dir), this one does not register and
 * {@link #conflict()} says why; the mirror then writes nothing (two stores would otherwise re-mirror over
 * each other in turn). It takes over once that registration is gone (its host stopped: at most the TTL).
 * Another process of the same store may hold the key (two mirrors of one store are safe).
 *
 * <p>Threads: confined to the mirror's thread ({@code fleet-mirror}); no locks. {@link #registered()} and
 * {@link #conflict()} are read from any thread.
 */
final class HostRegistration {
  private final Client etcd;
  private final MirrorSettings settings;
  private final String storeId;
  private final ByteSequence key;
  private final byte[] value;
  private long leaseId; // 0: none granted (or lost)
  private long nextCheckNanos;
  private volatile boolean registered;
  private volatile String conflict; // null: none

  HostRegistration(Client etcd, MirrorSettings settings, String storeId, Instant startedAt) {
    this.etcd = etcd;
    this.settings = settings;
    this.storeId = storeId;
    this.key = EtcdCall.bytes(FleetKeys.registration(settings.host()));
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
    return Math.max(0, nextCheckNanos - now);
  }

  /**
   * Renews the lease (granting a new one if it is gone) and registers if the key is missing, once a third of
   * the TTL passed since the last check (or after {@link #suspect}).
   *
   * @throws EtcdCall.Unavailable if etcd did not answer (retried by the caller)
   */
  void keepAlive(long now) {
    if (now < nextCheckNanos) {
      return;
    }
    if (leaseId != 0 && !renewed()) {
      leaseId = 0; // expired: a new lease, and the key again
      registered = false;
    }
    if (leaseId == 0) {
      leaseId = EtcdCall.await(etcd.getLeaseClient().grant(settings.leaseSeconds()), settings.callTimeout(),
          "lease grant").getID();
    }
    List<KeyValue> kvs = EtcdCall.await(etcd.getKVClient().get(key), settings.callTimeout(), "registration read")
        .getKvs();
    boolean put = false;
    if (kvs.isEmpty()) {
      TxnResponse r = EtcdCall.await(etcd.getKVClient().txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
          .Then(Op.put(key, EtcdCall.bytes(value), PutOption.builder().withLeaseId(leaseId).build()))
          .Else(Op.get(key, io.etcd.jetcd.options.GetOption.DEFAULT)).commit(), settings.callTimeout(),
          "registration put");
      put = r.isSucceeded();
      if (!put) { // someone registered meanwhile: judge that registration now
        kvs = r.getGetResponses().get(0).getKvs();
      }
    }
    if (put) {
      registered = true;
      conflict = null;
    } else if (kvs.isEmpty()) { // registered and gone again meanwhile: check again at once
      registered = false;
      nextCheckNanos = 0;
      return;
    } else {
      KeyValue kv = kvs.get(0);
      String other = storeIdOf(kv.getValue().getBytes());
      if (kv.getLease() == leaseId || storeId.equals(other)) {
        registered = true;
        conflict = null;
      } else {
        registered = false;
        if (conflict == null) {
          org.slf4j.LoggerFactory.getLogger(FleetMirror.class).error("fleet host name {} is registered by another"
              + " store ({}): this host does not mirror until that registration is gone; give each host its own"
              + " --host-name", settings.host(), kv.getValue().toString());
        }
        conflict = "host name " + settings.host() + " is registered by store " + other + " (" + apiUrlOf(
            kv.getValue().getBytes()) + ")";
      }
    }
    nextCheckNanos = now + (conflict == null ? settings.leaseTtl().toNanos() / 3 : settings.leaseTtl().toNanos() / 6);
  }

  private boolean renewed() {
    try {
      LeaseKeepAliveResponse r = EtcdCall.await(etcd.getLeaseClient().keepAliveOnce(leaseId), settings.callTimeout(),
          "lease keep-alive");
      return r.getTTL() > 0;
    } catch (EtcdCall.Unavailable e) {
      if (e.getCause() instanceof io.etcd.jetcd.lease.NoSuchLeaseException
          || String.valueOf(e.getMessage()).contains("requested lease not found")) {
        return false;
      }
      throw e;
    }
  }

  private static String storeIdOf(byte[] registration) {
    return field(registration, "storeId");
  }

  private static String apiUrlOf(byte[] registration) {
    return field(registration, "apiUrl");
  }

  private static String field(byte[] registration, String name) {
    try {
      JsonNode n = Json.mapper().readTree(registration);
      return n == null ? null : n.path(name).asText(null);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** A failure makes the next {@link #keepAlive} check at once. */
  void suspect() {
    nextCheckNanos = 0;
  }

  boolean registered() {
    return registered;
  }

  /** Why this host may not mirror (its name is another store's), or null. */
  String conflict() {
    return conflict;
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
