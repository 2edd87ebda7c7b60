package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.StorageXml;
import io.virtrev.fixtures.WatchGuarantees;
import io.virtrev.versioning.XmlCanon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized test over every kind on the real libvirtd, with the packaged daemon: a seeded random
 * schedule changes domains, networks, dir storage pools, their volumes and a running TCG guest's
 * snapshots, each change made with virsh or through the API, and in the middle the daemon is killed
 * with SIGKILL (changes go on with virsh while it is down) and later libvirtd is restarted under it.
 * One watcher per kind's stream and one on the all-kinds stream resume from their last resource
 * version after the kill. Then, per stream: ordered, unique, no time travel; the all-kinds stream holds
 * every revision of the range with no gap, and each kind's stream is exactly the all-kinds stream's
 * events of that kind; each stream replayed over the starting list equals the final list; and the final
 * list's objects named {@code i13-krand-*} are what virsh reports. The seed is printed (and taken from
 * {@code -Dvirtrev.seed=N}) to replay a schedule.
 */
class RandomizedKindsLibvirtdIT {
  private static final String PREFIX = "i13-krand-";
  private static final String G = "/apis/virtrev.io/v1";
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int STEPS = 60;
  private static final String SNAP_DOMAIN = PREFIX + "snapdom";
  private static final String VOL_POOL = PREFIX + "pool";
  @TempDir Path dataDir;
  private Path work;
  private DaemonProcess daemon;

  /** One watched stream: its path and which objects of the all-kinds stream it carries. */
  private record Stream(String label, String path, Predicate<JsonNode> carries) {}

  /** The test's own view of what it made: names, and each pool's volumes and the guest's snapshots. */
  private final Map<String, String> domains = new TreeMap<>(); // name -> uuid
  private final TreeSet<String> networks = new TreeSet<>();
  private final Map<String, TreeSet<String>> pools = new TreeMap<>(); // pool -> volumes
  private final TreeSet<String> snapshots = new TreeSet<>();

  @BeforeEach
  void setUp() throws IOException {
    Host.requireLibvirtd();
    cleanUp();
    work = Files.createTempDirectory(PREFIX);
  }

  @AfterEach
  void tearDown() {
    if (daemon != null) {
      daemon.close();
    }
    Host.libvirtd("up");
    cleanUp();
    if (work != null) {
      Host.run(30, "rm", "-rf", work.toString());
    }
  }

  @Test
  void everyKindChangedAtRandomKeepsEveryWatchExactAcrossDaemonKillAndLibvirtdRestart() {
    long seed = Long.getLong("virtrev.seed", System.nanoTime());
    System.out.println("RandomizedKindsLibvirtdIT seed " + seed + " (replay with -Dvirtrev.seed=" + seed + ")");
    Random rnd = new Random(seed);
    String because = "seed " + seed;
    // Fixed owners, so the owner-scoped streams (a pool's volumes, a domain's snapshots) exist throughout.
    snapshotGuest();
    definePool(VOL_POOL);
    daemon = DaemonProcess.start(dataDir, "--resync-period", "1s");
    int port = daemon.port;
    ApiClient api = daemon.api;
    await().atMost(WAIT).until(() -> api.get(G + "/domains/" + SNAP_DOMAIN).body().contains("\"running\""));
    JsonNode first = list(api);
    long start = rv(first);
    List<Stream> streams = List.of(
        new Stream("all", G + "/all", o -> true),
        new Stream("domains", G + "/domains", kind("Domain")),
        new Stream("networks", G + "/networks", kind("Network")),
        new Stream("storagepools", G + "/storagepools", kind("StoragePool")),
        new Stream("volumes of " + VOL_POOL, G + "/storagepools/" + VOL_POOL + "/volumes",
            kind("StorageVolume").and(o -> o.at("/status/pool").asText().equals(VOL_POOL))),
        new Stream("snapshots of " + SNAP_DOMAIN, G + "/domains/" + SNAP_DOMAIN + "/snapshots",
            kind("DomainSnapshot").and(o -> o.at("/status/domain").asText().equals(SNAP_DOMAIN))));
    Map<Stream, ResumingWatch> watches = new LinkedHashMap<>();
    try {
      for (Stream s : streams) {
        watches.put(s, ResumingWatch.open(api, s.path(), start, WAIT));
      }
      int kill = STEPS / 3;
      int revive = kill + 6;
      int libvirtdRestart = 2 * STEPS / 3;
      boolean up = true;
      for (int step = 0; step < STEPS; step++) {
        if (step == kill) {
          daemon.kill(); // SIGKILL; the steps until revive use virsh only
          up = false;
        } else if (step == revive) {
          daemon = DaemonProcess.startOn(Host.URI, dataDir, Map.of(), port, "--resync-period", "1s");
          up = true;
          for (ResumingWatch w : watches.values()) {
            w.resume(api, WAIT);
          }
        } else if (step == libvirtdRestart) {
          Host.libvirtd("restart");
          await().atMost(WAIT).until(() -> api.get("/readyz").status() == 200);
        }
        boolean viaApi = up && rnd.nextBoolean();
        switch (rnd.nextInt(5)) {
          case 0 -> domainStep(api, rnd, step, viaApi);
          case 1 -> networkStep(api, rnd, step, viaApi);
          case 2 -> poolStep(api, rnd, step, viaApi);
          case 3 -> volumeStep(api, rnd, step, viaApi);
          default -> snapshotStep(api, rnd, step, viaApi);
        }
      }
      // Volumes are listed only in a running pool: start them all, so libvirt can say what each holds.
      for (String p : pools.keySet()) {
        if (!poolState(p).equals("running")) {
          Host.virsh("pool-start", p);
        }
      }
      JsonNode[] last = new JsonNode[1];
      await().atMost(WAIT).until(() -> {
        last[0] = list(api);
        return disagreement(last[0]).isEmpty();
      });
      JsonNode end = last[0];
      long endRv = rv(end);
      ResumingWatch all = watches.get(streams.get(0));
      await().atMost(WAIT).until(() -> !all.events().isEmpty() && all.events().get(all.events().size() - 1)
          .resourceVersion() >= endRv);
      List<SeenEvent> allSeen = upTo(all.events(), endRv);
      assertThat(allSeen).as("the all-kinds stream has every revision in (%d, %d], %s", start, endRv, because)
          .extracting(SeenEvent::resourceVersion)
          .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, endRv).boxed().toList());
      for (Stream s : streams) {
        ResumingWatch w = watches.get(s);
        List<SeenEvent> expected = allSeen.stream().filter(e -> s.carries().test(json(e.objectJson()))).toList();
        await().atMost(WAIT).untilAsserted(() -> assertThat(upTo(w.events(), endRv))
            .as("%s: the all-kinds stream's events of this stream, %s", s.label(), because)
            .extracting(SeenEvent::resourceVersion)
            .containsExactlyElementsOf(expected.stream().map(SeenEvent::resourceVersion).toList()));
        List<SeenEvent> seen = w.events();
        assertThat(WatchGuarantees.all(start, seen)).as("%s, %s", s.label(), because).isEmpty();
        assertThat(replay(items(first, s), upTo(seen, endRv))).as("%s replayed = final list, %s", s.label(), because)
            .isEqualTo(versions(items(end, s)));
      }
      System.out.println("RandomizedKindsLibvirtdIT seed " + seed + ": revisions " + start + ".." + endRv + " by kind "
          + allSeen.stream().collect(java.util.stream.Collectors.groupingBy(e -> json(e.objectJson()).get("kind").asText(),
              TreeMap::new, java.util.stream.Collectors.counting())));
      assertThat(allSeen).as("every kind was changed, %s", because).extracting(e -> json(e.objectJson()).get("kind")
          .asText()).contains("Domain", "Network", "StoragePool", "StorageVolume", "DomainSnapshot");
    } finally {
      watches.values().forEach(ResumingWatch::close);
    }
  }

  // ---- the random steps: each picks a valid change of its kind, via the API or virsh ----

  private void domainStep(ApiClient api, Random rnd, int step, boolean viaApi) {
    if (domains.size() < 2 || rnd.nextInt(4) == 0) {
      String name = PREFIX + "d" + step;
      String uuid = UUID.randomUUID().toString();
      if (viaApi) {
        send(api, "POST", G + "/domains", "application/xml", DomainXml.tiny(name, uuid, 32), 201);
      } else {
        Host.defineTiny(name, uuid, 32);
      }
      domains.put(name, uuid);
      return;
    }
    String name = pick(rnd, domains.keySet());
    String state = Host.virsh("domstate", name).strip();
    boolean active = state.equals("running") || state.equals("paused");
    switch (rnd.nextInt(4)) {
      case 0 -> action(api, viaApi, "/domains/" + name, active ? "destroy" : "start", active ? "destroy" : "start", name);
      case 1 -> Host.virsh("setmem", name, (24 + rnd.nextInt(8)) + "M", "--config"); // no libvirt event
      case 2 -> Host.virsh("desc", name, "--config", "step " + step);
      default -> {
        if (!active) {
          remove(api, viaApi, "/domains/" + name, "undefine", name);
          domains.remove(name);
        }
      }
    }
  }

  private void networkStep(ApiClient api, Random rnd, int step, boolean viaApi) {
    if (networks.isEmpty() || networks.size() < 3 && rnd.nextInt(3) == 0) {
      String name = PREFIX + "n" + step;
      String xml = "<network>\n  <name>" + name + "</name>\n  <uuid>" + UUID.randomUUID() + "</uuid>\n  <bridge name='vrk"
          + UUID.randomUUID().toString().substring(0, 8) + "'/>\n  <dns enable='no'/>\n</network>\n";
      if (viaApi) {
        send(api, "POST", G + "/networks", "application/xml", xml, 201);
      } else {
        Host.virsh("net-define", Host.writeTemp(name, xml).toString());
      }
      networks.add(name);
      return;
    }
    String name = pick(rnd, networks);
    boolean active = Host.virsh("net-info", name).matches("(?s).*Active:\\s+yes.*");
    switch (rnd.nextInt(3)) {
      case 0 -> action(api, viaApi, "/networks/" + name, active ? "destroy" : "start",
          active ? "net-destroy" : "net-start", name);
      case 1 -> {
        boolean on = rnd.nextBoolean();
        if (viaApi) {
          send(api, "POST", G + "/networks/" + name + "/autostart?enabled=" + on, null, null, 200);
        } else if (on) {
          Host.virsh("net-autostart", name);
        } else {
          Host.virsh("net-autostart", name, "--disable");
        }
      }
      default -> {
        if (active) {
          action(api, viaApi, "/networks/" + name, "destroy", "net-destroy", name);
        }
        remove(api, viaApi, "/networks/" + name, "net-undefine", name);
        networks.remove(name);
      }
    }
  }

  private void poolStep(ApiClient api, Random rnd, int step, boolean viaApi) {
    List<String> mine = pools.keySet().stream().filter(p -> !p.equals(VOL_POOL)).toList();
    if (mine.isEmpty() || mine.size() < 2 && rnd.nextInt(3) == 0) {
      String name = PREFIX + "p" + step;
      if (viaApi) {
        String xml = StorageXml.dirPool(name, UUID.randomUUID().toString(), work.resolve(name).toString());
        send(api, "POST", G + "/storagepools", "application/xml", xml, 201);
        send(api, "POST", G + "/storagepools/" + name + "/build", null, null, 200);
        send(api, "POST", G + "/storagepools/" + name + "/start", null, null, 200);
        pools.put(name, new TreeSet<>());
      } else {
        definePool(name);
      }
      return;
    }
    String name = pick(rnd, mine);
    boolean running = poolState(name).equals("running");
    switch (rnd.nextInt(3)) {
      case 0 -> action(api, viaApi, "/storagepools/" + name, running ? "destroy" : "start",
          running ? "pool-destroy" : "pool-start", name);
      case 1 -> {
        if (running) {
          action(api, viaApi, "/storagepools/" + name, "refresh", "pool-refresh", name);
        }
      }
      default -> {
        if (running) { // an undefined pool's volumes stay on disk but leave libvirt (and the store) with it
          action(api, viaApi, "/storagepools/" + name, "destroy", "pool-destroy", name);
        }
        remove(api, viaApi, "/storagepools/" + name, "pool-undefine", name);
        pools.remove(name);
      }
    }
  }

  private void volumeStep(ApiClient api, Random rnd, int step, boolean viaApi) {
    List<String> running = pools.keySet().stream().filter(p -> poolState(p).equals("running")).toList();
    if (running.isEmpty()) {
      return;
    }
    String pool = pick(rnd, running);
    TreeSet<String> vols = pools.get(pool);
    if (vols.isEmpty() || vols.size() < 3 && rnd.nextInt(3) == 0) {
      String name = "v" + step;
      if (viaApi) {
        send(api, "POST", G + "/storagepools/" + pool + "/volumes", "application/xml",
            StorageXml.volume(name, StorageXml.MIB), 201);
      } else {
        Host.virsh("vol-create-as", pool, name, "1M", "--format", "raw");
      }
      vols.add(name);
      return;
    }
    String name = pick(rnd, vols);
    if (rnd.nextBoolean()) {
      long capacity = (2 + rnd.nextInt(4)) * StorageXml.MIB; // vol-resize only grows without --shrink
      long now = Long.parseLong(Host.virsh("vol-info", "--bytes", "--pool", pool, name)
          .replaceAll("(?s).*Capacity:\\s+(\\d+).*", "$1"));
      if (capacity > now) {
        if (viaApi) {
          send(api, "POST", G + "/storagepools/" + pool + "/volumes/" + name + "/resize", "application/json",
              "{\"capacity\": " + capacity + "}", 200);
        } else {
          Host.virsh("vol-resize", "--pool", pool, name, Long.toString(capacity));
        }
      }
    } else {
      if (viaApi) {
        send(api, "DELETE", G + "/storagepools/" + pool + "/volumes/" + name, null, null, 200);
      } else {
        Host.virsh("vol-delete", "--pool", pool, name);
      }
      vols.remove(name);
    }
  }

  private void snapshotStep(ApiClient api, Random rnd, int step, boolean viaApi) {
    String path = G + "/domains/" + SNAP_DOMAIN + "/snapshots";
    if (snapshots.isEmpty() || snapshots.size() < 3 && rnd.nextInt(3) == 0) {
      String name = "s" + step;
      if (viaApi) {
        send(api, "POST", path, "application/xml", "<domainsnapshot><name>" + name
            + "</name><description>step " + step + "</description></domainsnapshot>", 201);
      } else {
        Host.virsh("snapshot-create-as", SNAP_DOMAIN, name, "--description", "step " + step);
      }
      snapshots.add(name);
      return;
    }
    String name = pick(rnd, snapshots);
    if (rnd.nextBoolean()) {
      if (viaApi) {
        send(api, "POST", path + "/" + name + "/revert", null, null, 200);
      } else {
        Host.virsh("snapshot-revert", SNAP_DOMAIN, name);
      }
    } else {
      if (viaApi) {
        send(api, "DELETE", path + "/" + name, null, null, 200);
      } else {
        Host.virsh("snapshot-delete", SNAP_DOMAIN, name);
      }
      snapshots.remove(name);
    }
  }

  /** {@code POST path/action} through the API, else {@code virsh verb name}. */
  private static void action(ApiClient api, boolean viaApi, String path, String action, String verb, String name) {
    if (viaApi) {
      send(api, "POST", G + path + "/" + action, null, null, 200);
    } else {
      Host.virsh(verb, name);
    }
  }

  private static void remove(ApiClient api, boolean viaApi, String path, String verb, String name) {
    if (viaApi) {
      send(api, "DELETE", G + path, null, null, 200);
    } else {
      Host.virsh(verb, name);
    }
  }

  /**
   * A request that must answer {@code status}. Retried while it is refused having changed nothing: 503 (the
   * daemon not yet reconnected after libvirtd's restart) or 404 (the daemon has not yet seen what virsh just
   * made: an event's re-read, or for volumes and snapshots, which emit none, the next resync). Every request
   * here names an object libvirt has, so a 404 that lasts fails the test.
   */
  private static void send(ApiClient api, String method, String path, String contentType, String body, int status) {
    ApiClient.Response[] r = new ApiClient.Response[1];
    await().atMost(WAIT).until(() -> {
      r[0] = api.send(method, path, contentType, body);
      return r[0].status() != 503 && r[0].status() != 404;
    });
    assertThat(r[0].status()).as(method + " " + path + ": " + r[0].body()).isEqualTo(status);
  }

  private static String pick(Random rnd, java.util.Collection<String> names) {
    return new ArrayList<>(names).get(rnd.nextInt(names.size()));
  }

  // ---- fixed owners ----

  /** A running TCG guest with a 1 MiB qcow2 disk: internal snapshots need one (QemuSnapshotContractTest). */
  private void snapshotGuest() {
    Path disk = work.resolve("snap.qcow2");
    Host.Result img = Host.run(30, "qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "1M");
    assertThat(img.exit()).as("qemu-img: " + img.output()).isZero();
    String uuid = UUID.randomUUID().toString();
    String xml = DomainXml.tiny(SNAP_DOMAIN, uuid, 40).replace("<devices>", "<devices><disk type='file' device='disk'>"
        + "<driver name='qemu' type='qcow2'/><source file='" + disk + "'/><target dev='vda' bus='virtio'/></disk>");
    Host.virsh("define", Host.writeTemp(SNAP_DOMAIN, xml).toString());
    Host.virsh("start", SNAP_DOMAIN);
  }

  private void definePool(String name) {
    Host.virsh("pool-define-as", name, "dir", "--target", work.resolve(name).toString());
    Host.virsh("pool-build", name);
    Host.virsh("pool-start", name);
    pools.put(name, new TreeSet<>());
  }

  private static String poolState(String name) {
    return Host.virsh("pool-info", name).replaceAll("(?s).*State:\\s+(\\S+).*", "$1");
  }

  // ---- lists, streams, libvirt's truth ----

  private static JsonNode list(ApiClient api) {
    ApiClient.Response r = api.get(G + "/all");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static long rv(JsonNode list) {
    return Long.parseLong(list.at("/metadata/resourceVersion").asText());
  }

  private static Predicate<JsonNode> kind(String kind) {
    return o -> o.path("kind").asText().equals(kind);
  }

  private static JsonNode json(String s) {
    try {
      return Json.mapper().readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<SeenEvent> upTo(List<SeenEvent> events, long rv) {
    return events.stream().filter(e -> e.resourceVersion() <= rv).toList();
  }

  private static List<JsonNode> items(JsonNode list, Stream s) {
    List<JsonNode> out = new ArrayList<>();
    list.get("items").forEach(o -> {
      if (s.carries().test(o)) {
        out.add(o);
      }
    });
    return out;
  }

  private static Map<String, Long> versions(List<JsonNode> items) {
    Map<String, Long> out = new TreeMap<>();
    items.forEach(o -> out.put(o.at("/metadata/uid").asText(), Long.parseLong(o.at("/metadata/resourceVersion").asText())));
    return out;
  }

  /** An informer's cache: the starting list with the stream's events applied, as uid -> resource version. */
  private static Map<String, Long> replay(List<JsonNode> initial, List<SeenEvent> events) {
    Map<String, Long> cache = new TreeMap<>(versions(initial));
    for (SeenEvent e : events) {
      if (e.type().equals("DELETED")) {
        cache.remove(e.uuid());
      } else if (!e.type().equals("BOOKMARK")) {
        cache.put(e.uuid(), e.resourceVersion());
      }
    }
    return cache;
  }

  /** How the list's {@code i13-krand-*} objects differ from what virsh reports; empty when they agree. */
  private List<String> disagreement(JsonNode list) {
    Map<String, Map<String, JsonNode>> byKind = new HashMap<>();
    list.get("items").forEach(o -> {
      String owner = o.at("/status/pool").asText(o.at("/status/domain").asText(""));
      String name = o.at("/metadata/name").asText();
      if (name.startsWith(PREFIX) || owner.startsWith(PREFIX)) {
        byKind.computeIfAbsent(o.get("kind").asText(), k -> new TreeMap<>()).put(owner + "/" + name, o);
      }
    });
    List<String> out = new ArrayList<>();
    Map<String, JsonNode> served = byKind.getOrDefault("Domain", Map.of());
    compareNames(out, "domains", served.keySet(), prefixed(Host.virsh("list", "--all", "--name"), "/"));
    served.forEach((key, d) -> {
      String name = d.at("/metadata/name").asText();
      String state = Host.virshQuietly("domstate", name).output().strip().replace("shut off", "shutoff");
      if (!state.equals(d.at("/status/state").asText())
          || !XmlCanon.equivalent(Host.virshQuietly("dumpxml", "--inactive", name).output(), d.at("/spec/xml").asText())) {
        out.add("domain " + name + ": libvirt says " + state + " and its own XML");
      }
    });
    served = byKind.getOrDefault("Network", Map.of());
    compareNames(out, "networks", served.keySet(), prefixed(Host.virsh("net-list", "--all", "--name"), "/"));
    served.forEach((key, n) -> {
      String name = n.at("/metadata/name").asText();
      String info = Host.virshQuietly("net-info", name).output();
      boolean active = info.matches("(?s).*Active:\\s+yes.*");
      boolean autostart = info.matches("(?s).*Autostart:\\s+yes.*");
      if (active != n.at("/status/active").asBoolean() || autostart != n.at("/spec/autostart").asBoolean()) {
        out.add("network " + name + ": libvirt says active " + active + ", autostart " + autostart);
      }
    });
    served = byKind.getOrDefault("StoragePool", Map.of());
    compareNames(out, "storagepools", served.keySet(), prefixed(Host.virsh("pool-list", "--all", "--name"), "/"));
    served.forEach((key, p) -> {
      String name = p.at("/metadata/name").asText();
      if (!poolState(name).equals(p.at("/status/state").asText())) {
        out.add("pool " + name + ": libvirt says " + poolState(name));
      }
    });
    served = byKind.getOrDefault("StorageVolume", Map.of());
    TreeSet<String> vols = new TreeSet<>();
    for (String pool : prefixed(Host.virsh("pool-list", "--all", "--name"), "")) {
      if (poolState(pool).equals("running")) {
        for (String line : Host.virsh("vol-list", pool).split("\n")) {
          if (!line.isBlank()) {
            vols.add(pool + "/" + line.strip().split("\\s+")[0]);
          }
        }
      }
    }
    compareNames(out, "volumes", served.keySet(), vols);
    served.forEach((key, v) -> {
      String[] pv = key.split("/", 2);
      String info = Host.virshQuietly("vol-info", "--bytes", "--pool", pv[0], pv[1]).output();
      if (!info.matches("(?s).*Capacity:\\s+" + v.at("/status/capacity").asLong() + " .*")) {
        out.add("volume " + key + ": libvirt says " + info.strip());
      }
    });
    served = byKind.getOrDefault("DomainSnapshot", Map.of());
    TreeSet<String> snaps = new TreeSet<>();
    for (String line : Host.virsh("snapshot-list", SNAP_DOMAIN, "--name").split("\n")) {
      if (!line.isBlank()) {
        snaps.add(SNAP_DOMAIN + "/" + line.strip());
      }
    }
    compareNames(out, "snapshots", served.keySet(), snaps);
    String current = Host.virshQuietly("snapshot-current", "--name", SNAP_DOMAIN).output().strip();
    served.forEach((key, s) -> {
      if (s.at("/status/current").asBoolean() != key.equals(SNAP_DOMAIN + "/" + current)) {
        out.add("snapshot " + key + ": libvirt's current snapshot is " + current);
      }
    });
    return out;
  }

  private static TreeSet<String> prefixed(String virshNames, String keyPrefix) {
    TreeSet<String> out = new TreeSet<>();
    for (String n : virshNames.split("\n")) {
      if (n.strip().startsWith(PREFIX)) {
        out.add(keyPrefix.isEmpty() ? n.strip() : keyPrefix + n.strip());
      }
    }
    return out;
  }

  private static void compareNames(List<String> out, String what, java.util.Set<String> served, java.util.Set<String> libvirt) {
    if (!new TreeSet<>(served).equals(new TreeSet<>(libvirt))) {
      out.add(what + ": served " + new TreeSet<>(served) + ", libvirt has " + new TreeSet<>(libvirt));
    }
  }

  /** Removes every {@code i13-krand-*} domain (with its snapshots' metadata), network and pool (with its volumes). */
  private static void cleanUp() {
    for (String d : prefixed(Host.virshQuietly("list", "--all", "--name").output(), "")) {
      Host.virshQuietly("destroy", d);
      Host.virshQuietly("undefine", d, "--snapshots-metadata");
    }
    for (String n : prefixed(Host.virshQuietly("net-list", "--all", "--name").output(), "")) {
      Host.virshQuietly("net-destroy", n);
      Host.virshQuietly("net-undefine", n);
    }
    for (String p : prefixed(Host.virshQuietly("pool-list", "--all", "--name").output(), "")) {
      Host.virshQuietly("pool-destroy", p);
      Host.virshQuietly("pool-delete", p); // removes the directory with its volumes
      Host.virshQuietly("pool-undefine", p);
    }
  }
}
