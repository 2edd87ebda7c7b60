package io.virtrev.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.virtrev.api.Revision;
import io.virtrev.versioning.StoredEvent;
import io.virtrev.versioning.VersionedStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records every change etcd makes under {@code /virtrev/v1/} from etcd revision 1 (a watch), and checks one
 * host's part of it against the host's store: the oracle of the mirror's order and exactly-once.
 */
final class EtcdRecorder implements AutoCloseable {
  /** One key change as etcd reports it. */
  record Change(long etcdRevision, String key, boolean delete, byte[] value) {}

  /** What {@link #check} found: the host revisions applied one by one, and the full re-mirrors. */
  record Checked(List<Long> incremental, List<Long> fullMirrorRevisions, List<String> fullMirrorStores) {}

  private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
  private final Watch.Watcher watcher;

  EtcdRecorder(Client etcd) {
    watcher = etcd.getWatchClient().watch(EtcdCall.bytes(FleetKeys.ROOT),
        WatchOption.builder().isPrefix(true).withRevision(1).build(), r -> {
          for (WatchEvent e : r.getEvents()) {
            changes.add(new Change(e.getKeyValue().getModRevision(), e.getKeyValue().getKey().toString(),
                e.getEventType() == WatchEvent.EventType.DELETE, e.getKeyValue().getValue().getBytes()));
          }
        });
  }

  /** The last progress of {@code host} recorded so far (null: none yet). */
  MirrorProgress lastProgress(String host) {
    MirrorProgress last = null;
    for (Change c : changes) {
      if (c.key().equals(FleetKeys.progress(host)) && !c.delete()) {
        last = MirrorProgress.parse(c.value());
      }
    }
    return last;
  }

  /**
   * Checks {@code host}'s changes: every etcd revision that touches its keys puts its progress exactly once;
   * one whose progress is the previous one + 1 of the same store holds exactly the host's change at that
   * revision (same key, same type, the same bytes), read from {@code store}'s history for the revisions
   * of {@code store} it still retains; any other is a full re-mirror. Progress never repeats or goes back within a store.
   */
  Checked check(String host, VersionedStore store) {
    TreeMap<Long, List<Change>> byRevision = new TreeMap<>();
    for (Change c : changes) {
      FleetKeys.ObjectKey k = FleetKeys.parse(c.key());
      if (c.key().equals(FleetKeys.progress(host)) || (k != null && k.host().equals(host))) {
        byRevision.computeIfAbsent(c.etcdRevision(), r -> new ArrayList<>()).add(c);
      }
    }
    List<Long> incremental = new ArrayList<>();
    List<Long> full = new ArrayList<>();
    List<String> fullStores = new ArrayList<>();
    MirrorProgress prev = null;
    for (Map.Entry<Long, List<Change>> g : byRevision.entrySet()) {
      List<Change> progressPuts = g.getValue().stream().filter(c -> c.key().equals(FleetKeys.progress(host))).toList();
      assertThat(progressPuts).as("etcd revision %s changes host %s's keys: exactly one progress put", g.getKey(), host)
          .hasSize(1);
      MirrorProgress p = MirrorProgress.parse(progressPuts.get(0).value());
      List<Change> objects = g.getValue().stream().filter(c -> !c.key().equals(FleetKeys.progress(host))).toList();
      boolean next = prev != null && prev.storeId().equals(p.storeId()) && p.revision() == prev.revision() + 1;
      if (prev != null && prev.storeId().equals(p.storeId())) {
        assertThat(p.revision()).as("progress of one store only moves forward (etcd revision %s)", g.getKey())
            .isGreaterThan(prev.revision());
      }
      if (next && p.storeId().equals(store.snapshot().storeId()) && p.revision() > store.compacted().value()) {
        StoredEvent e = store.readHistory(Revision.of(p.revision() - 1), 1).get(0);
        assertThat(objects).as("host revision %s is one change in etcd revision %s", p.revision(), g.getKey())
            .hasSize(1);
        Change c = objects.get(0);
        assertThat(c.key()).isEqualTo(FleetKeys.object(e.kind().key(), host, e.uuid()));
        assertThat(c.delete()).as("DELETED <-> delete, at host revision %s", p.revision())
            .isEqualTo(e.type().equals("DELETED"));
        if (!c.delete()) {
          assertThat(new String(c.value(), StandardCharsets.UTF_8)).as("value of host revision %s", p.revision())
              .isEqualTo(new String(e.objectJson(), StandardCharsets.UTF_8));
        }
        incremental.add(p.revision());
      } else if (next) {
        incremental.add(p.revision());
      } else {
        full.add(p.revision());
        fullStores.add(p.storeId());
      }
      prev = p;
    }
    return new Checked(incremental, full, fullStores);
  }

  @Override
  public void close() {
    watcher.close();
  }
}
