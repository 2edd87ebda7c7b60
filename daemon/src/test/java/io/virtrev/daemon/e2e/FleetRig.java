package io.virtrev.daemon.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.EtcdCluster;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.assertj.core.api.Assertions;

/**
 * A fleet on this machine for the end-to-end tests, every part real: an etcd cluster
 * ({@link EtcdCluster}), packaged daemons as hosts ({@code --fleet-etcd}, {@code --host-name}) on the
 * real libvirtd or libvirt's test driver, and packaged gateways ({@code virtrevd fleet --etcd}).
 * Daemons start in parallel, with a small heap and the C1 compiler only (the machine has 2 cores and
 * other builds). One test thread drives it.
 */
final class FleetRig implements AutoCloseable {
  static final String PREFIX = "i12-faults-";
  static final String REAL = "real";
  static final Duration WAIT = Duration.ofSeconds(90);
  private static final Map<String, String> JVM = Map.of("JAVA_TOOL_OPTIONS",
      "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");

  final EtcdCluster etcd;
  private final Path dir;
  private final Map<String, DaemonProcess> hosts = new LinkedHashMap<>();
  private final Map<String, Predicate<String>> names = new LinkedHashMap<>();
  private final List<DaemonProcess> gateways = new ArrayList<>();

  private FleetRig(EtcdCluster etcd, Path dir) {
    this.etcd = etcd;
    this.dir = dir;
  }

  /**
   * {@code members} etcd members; the real libvirtd as host {@value #REAL} if {@code realHost} (only its
   * domains named {@value #PREFIX}... are compared: other tests change the others); {@code testHosts}
   * test-driver hosts {@code t1..tN}; {@code gateways} gateways. All ready when it returns.
   */
  static FleetRig start(Path dir, int members, boolean realHost, int testHosts, int gateways) {
    FleetRig rig = new FleetRig(EtcdCluster.start(members), dir);
    try {
      Map<String, CompletableFuture<DaemonProcess>> starting = new LinkedHashMap<>();
      if (realHost) {
        rig.names.put(REAL, n -> n.startsWith(PREFIX));
        starting.put(REAL, CompletableFuture.supplyAsync(() -> rig.launchHost(REAL, "qemu:///system")));
      }
      for (int i = 1; i <= testHosts; i++) {
        String h = "t" + i;
        rig.names.put(h, n -> true);
        starting.put(h, CompletableFuture.supplyAsync(() -> rig.launchHost(h, "test:///default")));
      }
      List<CompletableFuture<DaemonProcess>> gws = new ArrayList<>();
      for (int i = 0; i < gateways; i++) {
        gws.add(CompletableFuture.supplyAsync(rig::launchGateway));
      }
      // collect everything that started, even if one failed, so that close() stops it
      RuntimeException failed = null;
      for (Map.Entry<String, CompletableFuture<DaemonProcess>> e : starting.entrySet()) {
        try {
          rig.hosts.put(e.getKey(), e.getValue().join());
        } catch (RuntimeException ex) {
          failed = failed == null ? ex : failed;
        }
      }
      for (CompletableFuture<DaemonProcess> g : gws) {
        try {
          rig.gateways.add(g.join());
        } catch (RuntimeException ex) {
          failed = failed == null ? ex : failed;
        }
      }
      if (failed != null) {
        throw failed;
      }
      return rig;
    } catch (RuntimeException | Error e) {
      rig.close();
      throw e;
    }
  }

  private DaemonProcess launchHost(String host, String uri) {
    return DaemonProcess.startOn(uri, dir.resolve("data-" + host), JVM, DaemonProcess.freePort(),
        "--fleet-etcd", etcd.endpointsCsv(), "--host-name", host);
  }

  private DaemonProcess launchGateway() {
    return DaemonProcess.gateway(JVM, "--etcd", etcd.endpointsCsv());
  }

  /** One more gateway (the test owns it; close() stops it too). */
  DaemonProcess startGateway() {
    DaemonProcess g = launchGateway();
    gateways.add(g);
    return g;
  }

  DaemonProcess gateway(int i) {
    return gateways.get(i);
  }

  DaemonProcess host(String name) {
    return hosts.get(name);
  }

  /** Host names, in start order. */
  List<String> hostNames() {
    return new ArrayList<>(hosts.keySet());
  }

  /** What the fleet must show: every host's list (only the compared names), fleet name → host RV. */
  Map<String, Long> hostsView() {
    Map<String, Long> out = new TreeMap<>();
    hosts.forEach((h, d) -> out.putAll(FleetChecks.hostView(h, d.api, names.get(h))));
    return out;
  }

  /** The fleet client's view restricted to the compared names. */
  Map<String, Long> fleetView(Map<String, FleetEvent> cache) {
    Map<String, Long> out = new TreeMap<>();
    hosts.keySet().forEach(h -> out.putAll(FleetChecks.fleetView(h, cache, names.get(h))));
    return out;
  }

  /** Converged: waits (bounded) until {@code client}'s view is the union of the hosts' lists. */
  void awaitConverged(FleetReflector client) {
    await("the fleet client converges to the union of the hosts' lists").atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> {
          client.check();
          Assertions.assertThat(fleetView(client.cache())).isEqualTo(hostsView());
        });
  }

  /**
   * Waits until the gateway's list shows every host's current state (the mirrors caught up), so that a
   * client and the hosts' own watches started next begin at the same point.
   */
  void awaitQuiet(DaemonProcess gateway) {
    await("the gateway's list equals the union of the hosts' lists").atMost(WAIT)
        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
          ApiClient.Response r = gateway.api.get(FleetChecks.DOMAINS);
          Assertions.assertThat(r.status()).as(r.body()).isEqualTo(200);
          Map<String, FleetEvent> items = new TreeMap<>();
          for (JsonNode item : r.json().get("items")) {
            FleetEvent e = FleetEvent.of("ADDED", item);
            items.put(e.fleetName(), e);
          }
          Assertions.assertThat(fleetView(items)).isEqualTo(hostsView());
        });
  }

  /** Every host's own watch of domains from its current list: the oracle of PerHostOrder. */
  Map<String, WatchClient> openHostWatches() {
    Map<String, WatchClient> out = new LinkedHashMap<>();
    hosts.forEach((h, d) -> {
      WatchClient w = WatchClient.open(d.api, FleetChecks.DOMAINS + "?watch=true&resourceVersion="
          + FleetChecks.listRv(d.api));
      Assertions.assertThat(w.status(Duration.ofSeconds(30))).as("host " + h + " watch").isEqualTo(200);
      out.put(h, w);
    });
    return out;
  }

  /** PerHostOrder for every host, against {@code client}'s events (each host watch closed afterwards). */
  List<String> perHostOrder(Map<String, WatchClient> hostWatches, FleetReflector client) {
    List<String> out = new ArrayList<>();
    List<FleetEvent> fleet = client.events();
    hostWatches.forEach((h, w) -> {
      List<SeenEvent> own = w.events();
      out.addAll(FleetChecks.perHostOrder(h, own, fleet, names.get(h)));
    });
    return out;
  }

  /**
   * Waits (bounded) until PerHostOrder holds for every host, once the changes stopped: the host's own
   * watch may still be delivering its last events. A real violation never goes away; the timeout's
   * assertion error names it.
   */
  void awaitPerHostOrder(Map<String, WatchClient> hostWatches, FleetReflector client) {
    await("per-host order: the fleet's events of each host are the host's own").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> {
          client.check();
          Assertions.assertThat(perHostOrder(hostWatches, client)).isEmpty();
        });
    List<FleetEvent> events = client.events();
    hostWatches.keySet().forEach(h -> Assertions.assertThat(events).filteredOn(e -> h.equals(e.host()))
        .as("the fleet events of host " + h + " (the comparison is not vacuous)").isNotEmpty());
  }

  // --- etcd, through its own JSON gateway (the tests need no etcd client of their own) ---

  private ApiClient etcdApi(int member) {
    return new ApiClient(etcd.endpoint(member));
  }

  private JsonNode etcdPost(int member, String path, String body) {
    ApiClient.Response r = etcdApi(member).send("POST", path, "application/json", body);
    if (r.status() != 200) {
      throw new AssertionError("etcd " + path + ": " + r.status() + " " + r.body());
    }
    return r.json();
  }

  /** etcd's current revision, read on {@code member}. */
  long etcdRevision(int member) {
    return etcdPost(member, "/v3/kv/range", "{\"key\":\"Lw==\"}").at("/header/revision").asLong();
  }

  /** Compacts etcd's history up to {@code revision} (physically: the revisions are gone). */
  void compact(int member, long revision) {
    etcdPost(member, "/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
  }

  /** The index of the member that is the Raft leader now. */
  int leader() {
    for (int i = 0; i < etcd.size(); i++) {
      if (!etcd.running(i)) {
        continue;
      }
      JsonNode s = etcdPost(i, "/v3/maintenance/status", "{}");
      if (s.at("/header/member_id").asText().equals(s.path("leader").asText())) {
        return i;
      }
    }
    throw new AssertionError("no etcd member is the leader");
  }

  /** The host's mirror lag ({@code virtrev_fleet_mirror_lag_revisions}), from its /metrics. */
  static double mirrorLag(DaemonProcess host) {
    for (String line : host.api.get("/metrics").body().split("\n")) {
      if (line.startsWith("virtrev_fleet_mirror_lag_revisions")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no virtrev_fleet_mirror_lag_revisions in the host's /metrics");
  }

  @Override
  public void close() {
    for (DaemonProcess g : gateways) {
      g.close();
    }
    for (DaemonProcess h : hosts.values()) {
      h.close();
    }
    etcd.close();
  }
}
