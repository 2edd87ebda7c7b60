package io.virtrev.daemon.e2e;

import static io.virtrev.daemon.e2e.FleetChecks.DOMAINS;
import static io.virtrev.daemon.e2e.FleetRig.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.WatchClient;
import io.virtrev.fixtures.WatchGuarantees;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet end to end: 3 etcd members, the real libvirtd and two libvirt test-driver hosts, each a
 * packaged virtrevd mirroring into etcd, and a packaged gateway. One fleet client lists and watches
 * while every host changes domains (virsh on the real host, the API on the test-driver hosts).
 */
class FleetIT {
  @TempDir Path dir;

  @BeforeEach
  void requireLibvirtd() {
    Host.requireLibvirtd();
    Host.cleanUp(PREFIX);
  }

  @AfterEach
  void cleanUp() {
    if (Host.libvirtdAnswers()) {
      Host.cleanUp(PREFIX);
    }
  }

  /**
   * The gateway's watch is ordered and unique (fleet resource versions), per host it is exactly the
   * host's own watch in the host's order (PerHostOrder), and the client converges to the union of the
   * hosts' lists. Test-driver hosts share the built-in domain's UUID; the fleet's uids differ.
   */
  @Test
  void fleetWatchIsOrderedUniqueAndConvergesWhileEveryHostChangesDomains() {
    try (FleetRig rig = FleetRig.start(dir, 3, true, 2, 1)) {
      DaemonProcess gateway = rig.gateway(0);
      rig.awaitQuiet(gateway);
      JsonNode t1 = gateway.api.get(DOMAINS + "/t1.test").json();
      JsonNode t2 = gateway.api.get(DOMAINS + "/t2.test").json();
      assertThat(t1.at("/metadata/uuid").asText()).as("the test driver's one uuid").isEqualTo(t2.at("/metadata/uuid").asText());
      assertThat(t1.at("/metadata/uid").asText()).as("fleet uids are unique fleet-wide")
          .isNotEqualTo(t2.at("/metadata/uid").asText()).isNotEmpty();

      try (FleetReflector client = FleetReflector.start(gateway.api, DOMAINS)) {
        await().atMost(FleetRig.WAIT).until(() -> !client.lists().isEmpty());
        Map<String, WatchClient> own = rig.openHostWatches();
        try {
          assertThat(rig.fleetView(client.cache())).as("the first list").isEqualTo(rig.hostsView());
          List<HostChurn> churn = List.of(HostChurn.virsh(PREFIX + "real-"),
              HostChurn.api(PREFIX + "t1-", rig.host("t1").api), HostChurn.api(PREFIX + "t2-", rig.host("t2").api));
          try {
            await("every host made 12 changes").atMost(FleetRig.WAIT)
                .until(() -> churn.stream().allMatch(c -> c.ops() >= 12));
          } finally {
            churn.forEach(HostChurn::close);
          }
          churn.forEach(c -> assertThat(c.failures()).as("host changes").isEmpty());

          rig.awaitConverged(client);
          rig.awaitPerHostOrder(own, client);
          assertThat(WatchGuarantees.ordered(client.seen())).isEmpty();
          assertThat(WatchGuarantees.unique(client.seen())).isEmpty();
          assertThat(client.events()).extracting(FleetEvent::host).as("every host's changes on one stream")
              .contains(FleetRig.REAL, "t1", "t2");
          assertThat(client.lists()).as("one list, no relist").hasSize(1);
          assertThat(client.expired()).isZero();
        } finally {
          own.values().forEach(WatchClient::close);
        }
      }
    }
  }
}
