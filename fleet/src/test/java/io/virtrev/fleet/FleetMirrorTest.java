package io.virtrev.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.EtcdCluster;
import io.virtrev.versioning.Cause;
import io.virtrev.versioning.StoreConfig;
import io.virtrev.versioning.VersionedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror against a real etcd member and a real store on SQLite: order and exactly-once (etcd's history of
 * the host's keys against the host's history, {@link EtcdRecorder}), resume, outages, re-mirrors, the lease.
 */
class FleetMirrorTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static EtcdCluster etcd;
  private static Client client;

  @TempDir
  Path dir;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdCluster.start(1);
    client = EtcdClients.open(new EtcdSettings(etcd.endpoints(), null, null, null, null, null, Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stopEtcd() {
    if (client != null) {
      client.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private static MirrorSettings settings(String host) {
    return MirrorSettings.of(host, "http://127.0.0.1:1", "test").withCallTimeout(Duration.ofSeconds(2))
        .withMaxBackoff(Duration.ofMillis(500));
  }

  private VersionedStore open(String name) {
    return VersionedStore.open(StoreConfig.defaults(dir.resolve(name)));
  }

  private static DomainObservation obs(String uuid, String name, int memMiB) {
    String xml = DomainXml.tiny(name, uuid, memMiB);
    return new DomainObservation(uuid, name, xml, null, true, false, "shutoff", "unknown", null);
  }

  /** ADDED, MODIFIED and DELETED revisions over several domains; returns the uuids still present. */
  private static List<String> churn(VersionedStore s, String prefix, int domains, int rounds) throws Exception {
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < domains; i++) {
      uuids.add(UUID.nameUUIDFromBytes((prefix + i).getBytes()).toString());
    }
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < domains; i++) {
        s.observe(uuids.get(i), obs(uuids.get(i), prefix + i, 64 + r), Cause.NONE).get(10, TimeUnit.SECONDS);
      }
    }
    s.observe(uuids.get(0), null, Cause.NONE).get(10, TimeUnit.SECONDS); // a DELETED revision
    return uuids.subList(1, uuids.size());
  }

  /** Starts a mirror and waits for its first progress put, so the test's revisions all come after it. */
  private static FleetMirror startMirror(EtcdRecorder rec, VersionedStore s, String host) {
    FleetMirror m = FleetMirror.start(client, s, settings(host));
    long at = s.snapshot().revision().value();
    await().atMost(WAIT).until(() -> rec.lastProgress(host) != null && rec.lastProgress(host).revision() >= at);
    return m;
  }

  private static void awaitCaughtUp(FleetMirror m, VersionedStore s) {
    await().atMost(WAIT).untilAsserted(() -> {
      MirrorStatus st = m.status();
      assertThat(st.mirroredRevision()).as(st.detail()).isEqualTo(s.snapshot().revision().value());
    });
  }

  /** etcd's keys of {@code host} equal the store's state: a re-mirror would have nothing to do. */
  private static void assertConverged(String host, VersionedStore s) {
    FullMirror.Plan p = FullMirror.plan(client, host, s.snapshot(), Duration.ofSeconds(5));
    assertThat(p.puts()).as("keys missing or different").isZero();
    assertThat(p.deletes()).as("stale keys").isZero();
  }

  private static long[] range(long fromExclusive, long toInclusive) {
    return LongStream.rangeClosed(fromExclusive + 1, toInclusive).toArray();
  }

  @Test
  void everyHostRevisionIsOneEtcdTransactionInHostOrderExactlyOnce() throws Exception {
    String host = "order";
    try (EtcdRecorder rec = new EtcdRecorder(client); VersionedStore s = open("s");
        FleetMirror m = startMirror(rec, s, host)) {
      long start = s.snapshot().revision().value(); // a new store starts at 1
      churn(s, "i12-mirror-order-", 5, 4);
      awaitCaughtUp(m, s);
      long n = s.snapshot().revision().value();
      await().atMost(WAIT).until(() -> rec.lastProgress(host) != null && rec.lastProgress(host).revision() == n);
      EtcdRecorder.Checked c = rec.check(host, s);
      assertThat(c.fullMirrorRevisions()).as("the first mirror of an empty host").containsExactly(start);
      assertThat(c.incremental()).containsExactly(LongStream.rangeClosed(start + 1, n).boxed().toArray(Long[]::new));
      assertThat(m.status().mirrored()).isEqualTo(n - start);
      assertConverged(host, s);
    }
  }

  @Test
  void twoMirrorsOfOneStoreNeverApplyARevisionTwice() throws Exception {
    String host = "twice";
    try (EtcdRecorder rec = new EtcdRecorder(client); VersionedStore s = open("s");
        FleetMirror a = FleetMirror.start(client, s, settings(host));
        FleetMirror b = FleetMirror.start(client, s, settings(host))) {
      churn(s, "i12-mirror-twice-", 8, 5);
      awaitCaughtUp(a, s);
      awaitCaughtUp(b, s);
      long n = s.snapshot().revision().value();
      await().atMost(WAIT).until(() -> rec.lastProgress(host) != null && rec.lastProgress(host).revision() == n);
      EtcdRecorder.Checked c = rec.check(host, s);
      assertThat(c.fullMirrorRevisions()).hasSize(1);
      assertThat(c.incremental()).as("each revision once, in order")
          .containsExactly(LongStream.rangeClosed(c.fullMirrorRevisions().get(0) + 1, n).boxed().toArray(Long[]::new));
      assertThat(a.status().mirrored() + b.status().mirrored()).as("applied between them")
          .isEqualTo(c.incremental().size());
      assertConverged(host, s);
    }
  }

  @Test
  void aMirrorClosedAndStartedAgainResumesFromProgressWithoutReMirroring() throws Exception {
    String host = "resume";
    try (EtcdRecorder rec = new EtcdRecorder(client)) {
      long before;
      long start;
      try (VersionedStore s = open("s")) {
        FleetMirror m = startMirror(rec, s, host);
        start = s.snapshot().revision().value();
        churn(s, "i12-mirror-resume-a", 3, 2);
        awaitCaughtUp(m, s);
        m.abandon(); // as a crash: nothing is done on the way out
        before = s.snapshot().revision().value();
        churn(s, "i12-mirror-resume-b", 3, 2); // committed while no mirror runs
      }
      try (VersionedStore s = open("s"); FleetMirror m = FleetMirror.start(client, s, settings(host))) {
        assertThat(s.snapshot().revision().value()).isGreaterThan(before);
        awaitCaughtUp(m, s);
        assertThat(m.status().fullMirrors()).as("resumed from history, no re-mirror").isZero();
        long n = s.snapshot().revision().value();
        await().atMost(WAIT).until(() -> rec.lastProgress(host).revision() == n);
        EtcdRecorder.Checked c = rec.check(host, s);
        assertThat(c.fullMirrorRevisions()).containsExactly(start);
        assertThat(c.incremental()).containsExactly(LongStream.rangeClosed(start + 1, n).boxed().toArray(Long[]::new));
        assertConverged(host, s);
      }
    }
  }

  @Test
  void whileEtcdIsDownTheStoreCommitsAndTheMirrorCatchesUpAfterwards() throws Exception {
    String host = "outage";
    try (EtcdRecorder rec = new EtcdRecorder(client); VersionedStore s = open("s");
        FleetMirror m = startMirror(rec, s, host)) {
      long start = s.snapshot().revision().value();
      churn(s, "i12-mirror-outage-a", 3, 1);
      awaitCaughtUp(m, s);
      long mirrored = m.status().mirroredRevision();
      etcd.stop(0);
      try {
        churn(s, "i12-mirror-outage-b", 3, 2); // the host commits as usual
        await().atMost(WAIT).untilAsserted(() -> assertThat(m.status().etcdReachable()).isFalse());
        MirrorStatus down = m.status();
        assertThat(down.lag()).as(down.detail()).isEqualTo(s.snapshot().revision().value() - mirrored);
        assertThat(down.detail()).contains("etcd unreachable");
      } finally {
        etcd.restart(0);
        etcd.awaitHealthy(0);
      }
      awaitCaughtUp(m, s);
      assertThat(m.status().etcdReachable()).isTrue();
      assertThat(m.status().failures()).isPositive();
      long n = s.snapshot().revision().value();
      await().atMost(WAIT).until(() -> rec.lastProgress(host).revision() == n);
      EtcdRecorder.Checked c = rec.check(host, s);
      assertThat(c.fullMirrorRevisions()).containsExactly(start);
      assertThat(c.incremental()).containsExactly(LongStream.rangeClosed(start + 1, n).boxed().toArray(Long[]::new));
      assertConverged(host, s);
    }
  }

  @Test
  void aHostCompactedPastProgressIsReMirroredInOneTransactionThatRemovesStaleKeys() throws Exception {
    String host = "compacted";
    try (EtcdRecorder rec = new EtcdRecorder(client)) {
      long progress;
      long start;
      try (VersionedStore s = open("s")) {
        FleetMirror first = startMirror(rec, s, host);
        start = s.snapshot().revision().value();
        List<String> kept = churn(s, "i12-mirror-compact-a", 4, 1);
        awaitCaughtUp(first, s);
        first.abandon();
        progress = first.status().mirroredRevision();
        for (String uuid : kept) { // every domain key in etcd is now stale
          s.observe(uuid, null, Cause.NONE).get(10, TimeUnit.SECONDS);
        }
        churn(s, "i12-mirror-compact-b", 3, 2);
      }
      try (VersionedStore s = VersionedStore.open(StoreConfig.defaults(dir.resolve("s")).withHistoryRetention(1))) {
        long compacted = s.compactNow().get(30, TimeUnit.SECONDS).value();
        assertThat(compacted).as("compacted past progress").isGreaterThan(progress);
        long n = s.snapshot().revision().value();
        try (FleetMirror second = FleetMirror.start(client, s, settings(host))) {
          awaitCaughtUp(second, s);
          assertThat(second.status().fullMirrors()).isEqualTo(1);
          await().atMost(WAIT).until(() -> rec.lastProgress(host).revision() == n);
        }
        EtcdRecorder.Checked c = rec.check(host, s);
        assertThat(c.fullMirrorRevisions()).as("the first mirror, then one re-mirror").containsExactly(start, n);
        assertConverged(host, s);
        List<KeyValue> left = client.getKVClient().get(EtcdCall.bytes(FleetKeys.kindOnHost("domains", host)),
            GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs();
        assertThat(left).hasSize(2);
      }
    }
  }

  @Test
  void aNewStoreOnTheSameHostNameReplacesTheOldStoresKeysInOneTransaction() throws Exception {
    String host = "newstore";
    try (EtcdRecorder rec = new EtcdRecorder(client)) {
      String oldId;
      try (VersionedStore a = open("a"); FleetMirror m = startMirror(rec, a, host)) {
        churn(a, "i12-mirror-newstore-a", 4, 1);
        awaitCaughtUp(m, a);
        oldId = a.snapshot().storeId();
      }
      try (VersionedStore b = open("b")) {
        churn(b, "i12-mirror-newstore-b", 2, 1);
        assertThat(b.snapshot().storeId()).isNotEqualTo(oldId);
        try (FleetMirror m = FleetMirror.start(client, b, settings(host))) {
          awaitCaughtUp(m, b);
          assertThat(m.status().fullMirrors()).isEqualTo(1);
          long n = b.snapshot().revision().value();
          await().atMost(WAIT).until(() -> rec.lastProgress(host).storeId().equals(b.snapshot().storeId())
              && rec.lastProgress(host).revision() == n);
        }
        EtcdRecorder.Checked c = rec.check(host, b);
        assertThat(c.fullMirrorStores()).containsExactly(oldId, b.snapshot().storeId());
        assertConverged(host, b);
      }
    }
  }

  @Test
  void aSecondStoreUnderTheSameHostNameWaitsUntilTheFirstsRegistrationIsGone() throws Exception {
    String host = "samename";
    try (EtcdRecorder rec = new EtcdRecorder(client); VersionedStore a = open("a"); VersionedStore b = open("b")) {
      FleetMirror first = FleetMirror.start(client, a, settings(host).withLeaseTtl(Duration.ofSeconds(2)));
      await().atMost(WAIT).until(() -> rec.lastProgress(host) != null);
      churn(a, "i12-mirror-samename-a", 2, 1);
      awaitCaughtUp(first, a);
      churn(b, "i12-mirror-samename-b", 3, 1);
      try (FleetMirror second = FleetMirror.start(client, b, settings(host).withLeaseTtl(Duration.ofSeconds(2)))) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(second.status().nameConflict())
            .contains("host name samename is registered by store " + a.snapshot().storeId()));
        assertThat(second.status().detail()).contains("NOT MIRRORING");
        churn(a, "i12-mirror-samename-a2", 2, 1);
        awaitCaughtUp(first, a); // the first keeps mirroring, undisturbed
        assertThat(rec.lastProgress(host).storeId()).isEqualTo(a.snapshot().storeId());
        assertThat(second.status().fullMirrors()).isZero();
        first.abandon(); // its lease expires within 2 s; then the second takes the name over
        awaitCaughtUp(second, b);
        assertThat(second.status().nameConflict()).isNull();
        assertThat(second.status().fullMirrors()).isEqualTo(1);
        assertConverged(host, b);
      }
      EtcdRecorder.Checked c = rec.check(host, b);
      assertThat(c.fullMirrorStores()).as("one mirror of a, then one of b: no back and forth")
          .containsExactly(a.snapshot().storeId(), b.snapshot().storeId());
    }
  }

  @Test
  void theRegistrationLivesWhileTheMirrorDoesAndGoesWithItsLease() throws Exception {
    String host = "lease";
    String key = FleetKeys.registration(host);
    try (VersionedStore s = open("s")) {
      FleetMirror m = FleetMirror.start(client, s, settings(host).withLeaseTtl(Duration.ofSeconds(2)));
      await().atMost(WAIT).until(() -> get(key) != null);
      var reg = io.virtrev.api.Json.mapper().readTree(get(key));
      assertThat(reg.path("host").asText()).isEqualTo(host);
      assertThat(reg.path("apiUrl").asText()).isEqualTo("http://127.0.0.1:1");
      assertThat(reg.path("storeId").asText()).isEqualTo(s.snapshot().storeId());
      assertThat(reg.path("version").asText()).isEqualTo("test");
      assertThat(reg.path("startedAt").asText()).isNotEmpty();
      // kept alive well past the TTL
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
        assertThat(get(key)).as("registration while the mirror runs").isNotNull();
        return System.nanoTime() > until;
      });
      assertThat(m.status().registered()).isTrue();
      m.abandon(); // a crash: the lease is not revoked
      assertThat(get(key)).isNotNull();
      await().atMost(WAIT).until(() -> get(key) == null);
      try (FleetMirror again = FleetMirror.start(client, s, settings(host).withLeaseTtl(Duration.ofSeconds(30)))) {
        await().atMost(WAIT).until(() -> get(key) != null);
      }
      assertThat(get(key)).as("a clean close revokes the lease at once").isNull();
    }
  }

  private static byte[] get(String key) throws Exception {
    List<KeyValue> kvs = client.getKVClient().get(EtcdCall.bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes();
  }
}
