package io.virtrev.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.virtrev.api.Json;
import io.virtrev.versioning.Kind;
import io.virtrev.versioning.KindModel;
import io.virtrev.versioning.Kinds;
import io.virtrev.versioning.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of a full re-mirror (docs/fleet.md, "Mirror"): make the host's object keys in etcd equal
 * to a snapshot of its store, in one transaction: a put for each object whose key is missing or holds
 * other bytes, a delete for each key of the host that the snapshot has no object for. The caller adds the
 * progress compare and put. Stateless.
 *
 * <p>The keys are read before the transaction; that is safe because every writer of a host's keys goes
 * through the same progress compare: had anyone changed them since the caller read progress, the
 * transaction fails.
 */
final class FullMirror {
  private FullMirror() {}

  /** What the re-mirror writes. */
  record Plan(List<Op> ops, int puts, int deletes) {}

  /**
   * The puts and deletes that make etcd's keys of {@code host} equal {@code snap}.
   *
   * @throws EtcdCall.Unavailable if etcd did not answer a read
   */
  static Plan plan(Client etcd, String host, Snapshot snap, Duration timeout) {
    Map<String, byte[]> want = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      addObjects(want, host, Kinds.of(kind), snap);
    }
    Map<String, byte[]> have = new HashMap<>();
    for (Kind kind : Kind.values()) {
      ByteSequence prefix = EtcdCall.bytes(FleetKeys.kindOnHost(kind.key(), host));
      for (KeyValue kv : EtcdCall.await(etcd.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()),
          timeout, "read of " + prefix).getKvs()) {
        have.put(kv.getKey().toString(), kv.getValue().getBytes());
      }
    }
    List<Op> ops = new ArrayList<>();
    int puts = 0;
    for (Map.Entry<String, byte[]> e : want.entrySet()) {
      if (!Arrays.equals(e.getValue(), have.get(e.getKey()))) {
        ops.add(Op.put(EtcdCall.bytes(e.getKey()), EtcdCall.bytes(e.getValue()), PutOption.DEFAULT));
        puts++;
      }
    }
    int deletes = 0;
    for (String key : have.keySet()) {
      if (!want.containsKey(key)) {
        ops.add(Op.delete(EtcdCall.bytes(key), DeleteOption.DEFAULT));
        deletes++;
      }
    }
    return new Plan(ops, puts, deletes);
  }

  private static <T> void addObjects(Map<String, byte[]> want, String host, KindModel<?, T> model, Snapshot snap) {
    for (T o : snap.items(model)) {
      want.put(FleetKeys.object(model.kind().key(), host, model.view(o).uid()), Json.bytes(o));
    }
  }
}
