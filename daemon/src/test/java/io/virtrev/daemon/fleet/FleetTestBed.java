package io.virtrev.daemon.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.DeleteOption;
import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSpec;
import io.virtrev.api.DomainStatus;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fleet.FleetKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Writes the fleet's keys in etcd as a host's mirror does (docs/fleet.md, "Key layout"): each host revision is
 * one transaction that puts or deletes one object key and puts the host's progress, holding the object's JSON
 * exactly as a host serves it (the wire records of the api module).
 */
public final class FleetTestBed {
  private final Client client;

  public FleetTestBed(Client client) {
    this.client = client;
  }

  /** A domain as host {@code host} serves it at host revision {@code hostRv}. */
  public static Domain domain(String name, String uuid, long hostRv, String state, Map<String, String> labels) {
    DomainMeta meta = new DomainMeta(name, uuid, Revision.of(hostRv), 1, Revision.of(1),
        Instant.parse("2026-12-01T00:00:00Z"), labels, Map.of());
    return Domain.of(meta, new DomainSpec(DomainXml.tiny(name, uuid, 64), true, false),
        new DomainStatus(state, "unknown", null, null));
  }

  /** A network as host {@code host} serves it at host revision {@code hostRv}. */
  public static io.virtrev.api.Network network(String name, String uuid, long hostRv, boolean active) {
    DomainMeta meta = new DomainMeta(name, uuid, Revision.of(hostRv), 1, Revision.of(1),
        Instant.parse("2026-12-01T00:00:00Z"), Map.of(), Map.of());
    return io.virtrev.api.Network.of(meta, new io.virtrev.api.NetworkSpec("<network><name>" + name + "</name></network>",
        false), new io.virtrev.api.NetworkStatus(active, true, "virbr9", null, null, null, null, null));
  }

  /** A volume of pool {@code pool} as its host serves it. */
  public static io.virtrev.api.StorageVolume volume(String pool, String name, long hostRv, long capacity) {
    String uid = UUID.nameUUIDFromBytes((pool + "/" + name).getBytes(StandardCharsets.UTF_8)).toString();
    DomainMeta meta = new DomainMeta(name, uid, Revision.of(hostRv), 1, Revision.of(1),
        Instant.parse("2026-12-01T00:00:00Z"), Map.of(), Map.of());
    return io.virtrev.api.StorageVolume.of(meta, new io.virtrev.api.StorageVolumeSpec("<volume><name>" + name
        + "</name></volume>"), new io.virtrev.api.StorageVolumeStatus(pool, UUID.randomUUID().toString(),
        "/var/lib/" + pool + "/" + name, "/var/lib/" + pool + "/" + name, "file", capacity, 0, null, null, null, null));
  }

  /** A storage pool as its host serves it. */
  public static io.virtrev.api.StoragePool pool(String name, long hostRv) {
    String uid = UUID.nameUUIDFromBytes(("pool/" + name).getBytes(StandardCharsets.UTF_8)).toString();
    DomainMeta meta = new DomainMeta(name, uid, Revision.of(hostRv), 1, Revision.of(1),
        Instant.parse("2026-12-01T00:00:00Z"), Map.of(), Map.of());
    return io.virtrev.api.StoragePool.of(meta, new io.virtrev.api.StoragePoolSpec("<pool type='dir'><name>" + name
        + "</name></pool>", false), new io.virtrev.api.StoragePoolStatus("running", 1 << 30, 0, 1 << 30, true, null,
        null, null, null, null));
  }

  /** Puts pool {@code p} on {@code host} as one mirror transaction; returns the etcd revision. */
  public long put(String host, io.virtrev.api.StoragePool p) {
    return put(host, "storagepools", p.metadata().uuid(), Json.bytes(p), p.metadata().resourceVersion().value());
  }

  /** Puts volume {@code v} on {@code host} as one mirror transaction; returns the etcd revision. */
  public long put(String host, io.virtrev.api.StorageVolume v) {
    return put(host, "storagevolumes", v.metadata().uuid(), Json.bytes(v), v.metadata().resourceVersion().value());
  }

  /** Puts network {@code n} on {@code host} as one mirror transaction; returns the etcd revision. */
  public long put(String host, io.virtrev.api.Network n) {
    return put(host, "networks", n.metadata().uuid(), Json.bytes(n), n.metadata().resourceVersion().value());
  }

  /** Puts {@code d} on {@code host} as one mirror transaction; returns the etcd revision it made. */
  public long put(String host, Domain d) {
    return put(host, "domains", d.uuid(), Json.bytes(d), d.resourceVersion().value());
  }

  public long put(String host, String kind, String uid, byte[] json, long hostRv) {
    try {
      return client.getKVClient().txn().Then(
          Op.put(bytes(FleetKeys.object(kind, host, uid)), ByteSequence.from(json), PutOption.DEFAULT),
          Op.put(bytes(FleetKeys.progress(host)), bytes("{\"storeId\":\"s-" + host + "\",\"revision\":" + hostRv
              + "}"), PutOption.DEFAULT))
          .commit().get(10, TimeUnit.SECONDS).getHeader().getRevision();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes a domain's key as one mirror transaction; returns the etcd revision. */
  public long delete(String host, String uid, long hostRv) {
    try {
      return client.getKVClient().txn().Then(
          Op.delete(bytes(FleetKeys.object("domains", host, uid)), DeleteOption.DEFAULT),
          Op.put(bytes(FleetKeys.progress(host)), bytes("{\"storeId\":\"s-" + host + "\",\"revision\":" + hostRv
              + "}"), PutOption.DEFAULT))
          .commit().get(10, TimeUnit.SECONDS).getHeader().getRevision();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Several domains of {@code host} in one transaction (a full re-mirror). */
  public long putAll(String host, Domain... ds) {
    try {
      Op[] ops = new Op[ds.length + 1];
      for (int i = 0; i < ds.length; i++) {
        ops[i] = Op.put(bytes(FleetKeys.object("domains", host, ds[i].uuid())), ByteSequence.from(Json.bytes(ds[i])),
            PutOption.DEFAULT);
      }
      ops[ds.length] = Op.put(bytes(FleetKeys.progress(host)), bytes("{\"storeId\":\"s2-" + host + "\",\"revision\":1}"),
          PutOption.DEFAULT);
      return client.getKVClient().txn().Then(ops).commit().get(10, TimeUnit.SECONDS).getHeader().getRevision();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void compact(long revision) {
    try {
      client.getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
