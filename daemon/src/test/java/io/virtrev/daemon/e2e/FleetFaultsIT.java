package io.virtrev.daemon.e2e;

import static io.virtrev.daemon.e2e.FleetChecks.DOMAINS;
import static io.virtrev.daemon.e2e.FleetRig.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.WatchClient;
import io.virtrev.fixtures.WatchGuarantees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of a running fleet (3 etcd members, two libvirt test-driver hosts, a gateway; all packaged
 * or real processes), each while every host changes domains through its API, each asserting after the
 * fault: nothing lost and nothing duplicated (PerHostOrder: the fleet client's events of each host are
 * exactly the host's own watch, in order; Ordered and Unique fleet resource versions), and convergence
 * (the client's view is the union of the hosts' lists). docs/fleet.md, "Failure modes", names each.
 * kill -9 of a host mid-mirror is the mirror's IT.
 */
class FleetFaultsIT {
  @TempDir static Path dir;
  private static FleetRig rig;

  @BeforeAll
  static void fleet() {
    rig = FleetRig.start(dir, 3, false, 2, 1);
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  /** Whatever a test did to etcd, the next one starts with every member back. */
  @AfterEach
  void everyMemberBack() {
    for (int i = 0; i < rig.etcd.size(); i++) {
      if (!rig.etcd.running(i)) {
        rig.etcd.restart(i);
      }
    }
    for (int i = 0; i < rig.etcd.size(); i++) {
      rig.etcd.awaitHealthy(i);
    }
  }

  /** One test's client, the hosts' own watches and their churn. */
  private record Run(FleetReflector client, Map<String, WatchClient> own, List<HostChurn> churn) implements AutoCloseable {
    @Override
    public void close() {
      churn.forEach(HostChurn::close);
      client.close();
      own.values().forEach(WatchClient::close);
    }

    int ops() {
      return churn.stream().mapToInt(HostChurn::ops).min().orElse(0);
    }
  }

  /** Quiet fleet → a client on {@code gateway} and the hosts' watches from the same point → churn. */
  private static Run begin(String tag, DaemonProcess gateway) {
    rig.awaitQuiet(gateway);
    FleetReflector client = FleetReflector.start(gateway.api, DOMAINS);
    await().atMost(FleetRig.WAIT).until(() -> {
      client.check();
      return !client.lists().isEmpty();
    });
    Map<String, WatchClient> own = rig.openHostWatches();
    List<HostChurn> churn = rig.hostNames().stream()
        .map(h -> HostChurn.api(PREFIX + tag + "-" + h + "-", rig.host(h).api)).toList();
    return new Run(client, own, churn);
  }

  /** Churn stopped → no host failed a change, convergence, PerHostOrder, Ordered, Unique. */
  private static void finish(Run run) {
    run.churn().forEach(HostChurn::close);
    run.churn().forEach(c -> assertThat(c.failures()).as("the hosts keep serving").isEmpty());
    rig.awaitConverged(run.client());
    rig.awaitPerHostOrder(run.own(), run.client());
    assertThat(WatchGuarantees.ordered(run.client().seen())).isEmpty();
    assertThat(WatchGuarantees.unique(run.client().seen())).isEmpty();
  }

  private static void awaitMoreEvents(FleetReflector client, int more, String why) {
    int before = client.events().size();
    await(why).atMost(FleetRig.WAIT).until(() -> {
      client.check();
      return client.events().size() >= before + more;
    });
  }

  /** The leader stopped, 2 of 3 members left: the fleet keeps moving; nothing lost or repeated. */
  @Test
  void oneEtcdMemberStoppedQuorumKept() {
    try (Run run = begin("member", rig.gateway(0))) {
      awaitMoreEvents(run.client(), 10, "fleet events before the fault");
      int leader = rig.leader();
      rig.etcd.stop(leader);
      awaitMoreEvents(run.client(), 20, "fleet events with member " + leader + " (the leader) stopped");
      rig.etcd.restart(leader);
      rig.etcd.awaitHealthy(leader);
      awaitMoreEvents(run.client(), 5, "fleet events after it rejoined");
      finish(run);
      assertThat(run.client().lists()).as("no relist").hasSize(1);
    }
  }

  /**
   * Quorum lost for 20 s (2 of 3 members stopped): every host stays ready and keeps changing domains
   * through its API, its mirror lags; the gateway answers lists 503 and is not ready; once the members are back, the mirrors catch up (lag 0) and the
   * client converges with nothing lost or repeated.
   */
  @Test
  void quorumLostFor20SecondsHostsKeepServingAndMirrorsCatchUp() {
    try (Run run = begin("quorum", rig.gateway(0))) {
      awaitMoreEvents(run.client(), 10, "fleet events before the fault");
      int leader = rig.leader();
      int other = (leader + 1) % 3;
      rig.etcd.stop(leader);
      rig.etcd.stop(other);
      int opsAtLoss = run.ops();
      await("every host ready through 20 s without an etcd quorum").during(Duration.ofSeconds(20))
          .atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
          .until(() -> rig.hostNames().stream().allMatch(h -> rig.host(h).ready()));
      assertThat(run.ops()).as("every host changed domains without a quorum").isGreaterThan(opsAtLoss + 10);
      assertThat(run.churn()).allSatisfy(c -> assertThat(c.failures()).as("host changes without a quorum").isEmpty());
      assertThat(rig.hostNames()).as("the mirrors lag").anySatisfy(h -> assertThat(FleetRig.mirrorLag(rig.host(h))).isPositive());
      ApiClient.Response list = rig.gateway(0).api.get(DOMAINS);
      assertThat(list.status()).as("a fleet list without a quorum: " + list.body()).isEqualTo(503);
      assertThat(rig.gateway(0).api.get("/readyz").status()).as("the gateway is not ready").isEqualTo(503);

      rig.etcd.restart(leader);
      rig.etcd.restart(other);
      rig.etcd.awaitHealthy(leader);
      rig.etcd.awaitHealthy(other);
      finish(run);
      await("the mirrors caught up").atMost(FleetRig.WAIT).untilAsserted(() -> assertThat(rig.hostNames())
          .allSatisfy(h -> assertThat(FleetRig.mirrorLag(rig.host(h))).isZero()));
    }
  }

  /**
   * The gateway a client watches through is killed (-9) mid-watch: the client resumes on another
   * gateway from the last resource version it saw, without a relist, and misses nothing.
   */
  @Test
  void gatewayKilledMidWatchClientResumesOnASecondGateway() {
    DaemonProcess doomed = rig.startGateway();
    try (Run run = begin("gateway", doomed)) {
      awaitMoreEvents(run.client(), 10, "fleet events through the first gateway");
      run.client().useGateway(rig.gateway(0).api);
      doomed.kill();
      awaitMoreEvents(run.client(), 20, "fleet events through the second gateway");
      finish(run);
      assertThat(run.client().lists()).as("resumed from its resource version, no relist").hasSize(1);
      assertThat(run.client().expired()).isZero();
    }
  }

  /**
   * etcd compacted past a client that fell behind: its watch from the old resource version gets 410
   * Expired, it relists and converges; a client that kept up is not disturbed.
   */
  @Test
  void compactionPastAWatcherBehindGives410AndItRelists() {
    DaemonProcess gateway = rig.gateway(0);
    try (Run run = begin("compact", gateway);
        FleetReflector behind = FleetReflector.start(gateway.api, DOMAINS)) {
      await().atMost(FleetRig.WAIT).until(() -> !behind.lists().isEmpty());
      behind.pause();
      long old = behind.lastResourceVersion();
      awaitMoreEvents(run.client(), 20, "fleet events while one client is behind");
      long now = rig.etcdRevision(0);
      rig.compact(0, now);

      try (WatchClient w = WatchClient.open(gateway.api, DOMAINS + "?watch=true&resourceVersion=" + old)) {
        int status = w.status(FleetRig.WAIT);
        if (status == 200) { // Kubernetes' other form: an ERROR event with the Status
          await().atMost(FleetRig.WAIT).until(() -> !w.errors().isEmpty());
          assertThat(w.errors().get(0).path("code").asInt()).isEqualTo(410);
        } else {
          assertThat(status).as("a watch from compacted revision " + old).isEqualTo(410);
        }
      }
      behind.resume();
      await("the client behind got 410").atMost(FleetRig.WAIT).until(() -> behind.expired() >= 1);
      await("and relisted").atMost(FleetRig.WAIT).until(() -> behind.lists().size() >= 2);
      assertThat(behind.lists().get(1)).as("the relist is at a revision after the compaction").isGreaterThanOrEqualTo(now);

      finish(run);
      rig.awaitConverged(behind);
      assertThat(WatchGuarantees.ordered(behind.seen())).isEmpty();
      assertThat(WatchGuarantees.unique(behind.seen())).isEmpty();
      assertThat(run.client().lists()).as("the client that kept up: no relist").hasSize(1);
      assertThat(run.client().expired()).isZero();
    }
  }
}
