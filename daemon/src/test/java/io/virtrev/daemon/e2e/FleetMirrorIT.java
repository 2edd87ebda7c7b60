package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.EtcdCluster;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fleet.EtcdClients;
import io.virtrev.fleet.EtcdSettings;
import io.virtrev.fleet.FleetKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon as a fleet host ({@code --fleet-etcd}) on libvirt's test driver, against a real etcd
 * member: its keys appear, and a kill -9 in the middle of mirroring (while the API creates domains) followed
 * by a restart converges etcd to the host's list with no host revision applied twice or out of order.
 */
class FleetMirrorIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String HOST = "i12-mirror-it";
  private static final String G = "/apis/virtrev.io/v1/domains";

  @TempDir Path dataDir;

  /** One etcd change of the host's keys. */
  private record Change(long etcdRevision, String key, boolean delete, byte[] value) {}

  @Test
  void killMinus9MidMirrorThenRestartConvergesWithEveryRevisionOnceInOrder() throws Exception {
    try (EtcdCluster etcd = EtcdCluster.start(1);
        Client client = EtcdClients.open(EtcdSettings.parse(etcd.endpointsCsv()))) {
      ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
      Watch.Watcher watcher = client.getWatchClient().watch(bytes(FleetKeys.ROOT),
          WatchOption.builder().isPrefix(true).withRevision(1).build(), r -> {
            for (WatchEvent e : r.getEvents()) {
              changes.add(new Change(e.getKeyValue().getModRevision(), e.getKeyValue().getKey().toString(),
                  e.getEventType() == WatchEvent.EventType.DELETE, e.getKeyValue().getValue().getBytes()));
            }
          });
      String[] fleetArgs = {"--fleet-etcd", etcd.endpointsCsv(), "--host-name", HOST, "--fleet-lease-ttl", "3s"};
      String storeId;
      try (DaemonProcess d = DaemonProcess.startOn("test:///default", dataDir, fleetArgs)) {
        storeId = d.api.list().storeId();
        awaitMirrored(client, d.api);
        JsonNode reg = Json.mapper().readTree(get(client, FleetKeys.registration(HOST)));
        assertThat(reg.path("apiUrl").asText()).isEqualTo("http://127.0.0.1:" + d.port);
        assertThat(reg.path("storeId").asText()).isEqualTo(storeId);
        String ready = d.api.get("/readyz").body();
        assertThat(ready).startsWith("ok\n").contains("fleet-mirror " + HOST + ":").contains("lag 0");
        assertThat(d.api.get("/metrics").body()).contains("virtrev_fleet_mirror_lag_revisions 0.0")
            .contains("virtrev_fleet_mirror_etcd_reachable 1.0");

        // The API creates domains as fast as it can; kill -9 once the mirror is under way with them.
        AtomicBoolean creating = new AtomicBoolean(true);
        AtomicInteger created = new AtomicInteger();
        Thread creator = new Thread(() -> {
          for (int i = 0; creating.get() && i < 400; i++) {
            String name = "i12-mirror-it-" + i;
            try {
              if (d.api.send("POST", G, "application/xml",
                  DomainXml.tiny(name, UUID.randomUUID().toString(), 32)).status() == 201) {
                created.incrementAndGet();
              }
            } catch (RuntimeException e) {
              return; // the daemon is gone
            }
          }
        }, "creator");
        creator.start();
        long base = lastProgress(changes, HOST);
        await().atMost(WAIT).until(() -> lastProgress(changes, HOST) >= base + 20);
        d.kill();
        creating.set(false);
        creator.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(created.get()).as("domains created before the kill").isGreaterThanOrEqualTo(20);
      }
      try (DaemonProcess d = DaemonProcess.startOn("test:///default", dataDir, fleetArgs)) {
        assertThat(d.api.list().storeId()).isEqualTo(storeId);
        awaitMirrored(client, d.api);
        assertThat(d.api.get("/metrics").body()).as("resumed from progress, no re-mirror")
            .contains("virtrev_fleet_mirror_full_total 0.0");
        long n = d.api.list().resourceVersion();
        await().atMost(WAIT).until(() -> lastProgress(changes, HOST) == n);
        checkOncePerRevisionInOrder(changes, storeId);
        assertThat(d.stop()).as("exit code after SIGTERM").isIn(0, 143);
        assertThat(get(client, FleetKeys.registration(HOST))).as("a clean stop revokes the lease").isNull();
      } finally {
        watcher.close();
      }
    }
  }

  /** Waits until etcd holds exactly the host's domains, each as the host serves it, and progress = its RV. */
  private static void awaitMirrored(Client client, ApiClient api) {
    await().atMost(WAIT).untilAsserted(() -> {
      ApiClient.Listed listed = api.list();
      Map<String, JsonNode> inEtcd = new HashMap<>();
      for (KeyValue kv : client.getKVClient().get(bytes(FleetKeys.kindOnHost("domains", HOST)),
          GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()) {
        JsonNode o = Json.mapper().readTree(kv.getValue().getBytes());
        inEtcd.put(o.path("metadata").path("uid").asText(o.path("metadata").path("uuid").asText()), o);
      }
      Map<String, Long> want = new HashMap<>();
      for (SeenEvent e : listed.items()) {
        want.put(e.uuid(), e.resourceVersion());
      }
      Map<String, Long> have = new HashMap<>();
      inEtcd.forEach((uid, o) -> have.put(uid, Long.parseLong(o.path("metadata").path("resourceVersion").asText())));
      assertThat(have).isEqualTo(want);
      JsonNode progress = Json.mapper().readTree(get(client, FleetKeys.progress(HOST)));
      assertThat(progress.path("revision").asLong()).isGreaterThanOrEqualTo(listed.resourceVersion());
    });
  }

  /**
   * etcd's history of the host's keys: every etcd revision that touches them puts progress once; after the
   * first (full) mirror and its seal (the same progress again, no object), progress goes up by exactly one per
   * transaction, which holds one object change whose
   * value (unless a delete) is that object at exactly that host revision.
   */
  private static void checkOncePerRevisionInOrder(ConcurrentLinkedQueue<Change> changes, String storeId) {
    TreeMap<Long, List<Change>> byRevision = new TreeMap<>();
    for (Change c : changes) {
      FleetKeys.ObjectKey k = FleetKeys.parse(c.key());
      if (c.key().equals(FleetKeys.progress(HOST)) || (k != null && k.host().equals(HOST))) {
        byRevision.computeIfAbsent(c.etcdRevision(), r -> new ArrayList<>()).add(c);
      }
    }
    long prev = -1;
    int full = 0;
    int seals = 0;
    int incremental = 0;
    for (Map.Entry<Long, List<Change>> g : byRevision.entrySet()) {
      List<Change> progress = g.getValue().stream().filter(c -> c.key().equals(FleetKeys.progress(HOST))).toList();
      assertThat(progress).as("one progress put in etcd revision %s", g.getKey()).hasSize(1);
      JsonNode p = json(progress.get(0).value());
      assertThat(p.path("storeId").asText()).isEqualTo(storeId);
      long r = p.path("revision").asLong();
      List<Change> objects = g.getValue().stream().filter(c -> !c.key().equals(FleetKeys.progress(HOST))).toList();
      if (prev < 0) {
        full++;
      } else if (r == prev && objects.isEmpty() && incremental == 0 && seals == 0) {
        seals++; // the progress-only transaction that seals the full mirror (FleetMirror.fullMirror)
      } else {
        assertThat(r).as("host revision after %s, etcd revision %s: once, in order", prev, g.getKey())
            .isEqualTo(prev + 1);
        assertThat(objects).as("host revision %s is one change", r).hasSize(1);
        if (!objects.get(0).delete()) {
          assertThat(json(objects.get(0).value()).path("metadata").path("resourceVersion").asText())
              .as("the object at host revision %s", r).isEqualTo(Long.toString(r));
        }
        incremental++;
      }
      prev = r;
    }
    assertThat(full).as("one full mirror: the first").isEqualTo(1);
    assertThat(seals).as("the full mirror sealed by one progress-only revision").isEqualTo(1);
    assertThat(incremental).isGreaterThanOrEqualTo(20);
  }

  private static long lastProgress(ConcurrentLinkedQueue<Change> changes, String host) {
    long last = -1;
    for (Change c : changes) {
      if (c.key().equals(FleetKeys.progress(host)) && !c.delete()) {
        last = json(c.value()).path("revision").asLong();
      }
    }
    return last;
  }

  private static JsonNode json(byte[] b) {
    try {
      return Json.mapper().readTree(b);
    } catch (java.io.IOException e) {
      throw new AssertionError(new String(b, StandardCharsets.UTF_8), e);
    }
  }

  private static byte[] get(Client client, String key) throws Exception {
    List<KeyValue> kvs = client.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
