package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.Domain;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.Informer;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchGuarantees;
import io.virtrev.libvirt.LibvirtDomainSource;
import io.virtrev.libvirt.LibvirtSourceConfig;
import io.virtrev.versioning.ReconcilerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized watch test on the real libvirtd with tiny QEMU domains: virsh and the daemon's own
 * API change domains in random order (including changes libvirt sends no event for) while informers,
 * an SSE client and a stalled client watch. All guarantee checkers pass; every cache ends equal to the
 * final list, and the final list equals what libvirt reports.
 */
class RandomizedLibvirtdIT {
  private static final String PREFIX = "vrt-e2e-rand-";
  private static final Duration WAIT = Duration.ofSeconds(90);
  @TempDir Path dir;
  private Virtrevd daemon;

  @BeforeEach
  void start() throws Exception {
    Host.requireLibvirtd();
    Host.cleanUp(PREFIX);
    DaemonConfig cfg = DaemonConfig.defaults(Host.URI, dir).withListen("127.0.0.1", 0)
        .withReconciler(ReconcilerConfig.defaults().withResyncPeriod(Duration.ofSeconds(1)))
        .withStore(io.virtrev.versioning.StoreConfig.defaults(dir).withEventLogCapacity(8))
        .withHttp(DaemonConfig.HttpConfig.defaults().withBookmarkInterval(Duration.ofMillis(500)));
    daemon = Virtrevd.start(cfg, new LibvirtDomainSource(LibvirtSourceConfig.defaults(Host.URI)));
    await().atMost(WAIT).until(() -> daemon.reconciler().readiness().ready());
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    Host.cleanUp(PREFIX);
  }

  @Test
  void randomChangesOnRealLibvirtKeepEveryWatcherExact() throws Exception {
    long seed = Long.getLong("virtrev.seed", System.nanoTime());
    Random rnd = new Random(seed);
    ApiClient api = new ApiClient("http://127.0.0.1:" + daemon.address().getPort());
    long start = daemon.store().snapshot().revision().value();
    List<Informer> informers = new ArrayList<>();
    RawWatch stalled = new RawWatch(daemon.address().getPort(), "/api/v1/domains?watch=true&resourceVersion=" + start);
    SseRecorder sse = new SseRecorder(URI.create(api.base()
        + "/api/v1/domains?watch=true&timeoutSeconds=1&resourceVersion=" + start));
    Map<String, String> live = new TreeMap<>(); // name -> uuid
    try {
      for (int step = 0; step < 40; step++) {
        if (step % 10 == 0) {
          informers.add(new Informer(api, "", 1 + rnd.nextInt(2), "lv" + step).start());
        }
        String name = live.isEmpty() ? null : new ArrayList<>(live.keySet()).get(rnd.nextInt(live.size()));
        int op = live.size() < 2 ? 0 : rnd.nextInt(9);
        String state = name == null ? "" : Host.virshQuietly("domstate", name).output().strip();
        boolean running = state.equals("running");
        boolean paused = state.equals("paused");
        switch (op) {
          case 0 -> {
            String n = PREFIX + step;
            String uuid = UUID.randomUUID().toString();
            if (rnd.nextBoolean()) {
              Host.defineTiny(n, uuid, 32);
            } else {
              assertThat(api.send("POST", "/api/v1/domains", "application/xml", DomainXml.tiny(n, uuid, 32)).status())
                  .isEqualTo(201);
            }
            live.put(n, uuid);
          }
          case 1 -> {
            if (!running && !paused) {
              Host.virsh("start", name);
            }
          }
          case 2 -> {
            if (running) {
              Host.virsh("suspend", name);
            }
          }
          case 3 -> {
            if (paused) {
              api.send("POST", "/api/v1/domains/" + name + "/resume", null, null);
            }
          }
          case 4 -> {
            if (running || paused) {
              Host.virsh("destroy", name);
            }
          }
          case 5 -> Host.virsh("setmem", name, (24 + rnd.nextInt(8)) + "M", "--config"); // no event
          case 6 -> {
            ApiClient.Response g = api.get("/api/v1/domains/" + name);
            if (g.status() == 200) { // a conditional update from what we just read: 200, or 412 if it moved
              int code = api.send("PUT", "/api/v1/domains/" + name, "application/xml",
                  DomainXml.tiny(name, live.get(name), 32), "If-Match", g.header("etag")).status();
              assertThat(code).isIn(200, 412);
            }
          }
          case 7 -> {
            if (!running && !paused) {
              Host.virsh("undefine", name);
              live.remove(name);
            }
          }
          default -> Host.virsh("desc", name, "--config", "step " + step); // metadata-change event
        }
      }
      // Settled: the daemon agrees with libvirt on every test domain's existence, state and config.
      await().atMost(WAIT).until(() -> agreesWithLibvirt(api, live));
      Map<String, Long> expected = InformerTest.listed(api);
      long end = daemon.store().snapshot().revision().value();
      InformerTest.assertConverged(informers, expected, WAIT, "seed " + seed);
      await().atMost(WAIT).until(() -> sse.last() == end);
      assertThat(sse.snapshot()).as("SSE, seed " + seed)
          .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, end).boxed().toList());
      stalled.readHead();
      stalled.readUntil(end);
      List<SeenEvent> seen = stalled.events;
      assertThat(WatchGuarantees.ordered(seen)).isEmpty();
      assertThat(seen).extracting(SeenEvent::resourceVersion)
          .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, end).boxed().toList());
    } finally {
      informers.forEach(Informer::close);
      sse.close();
      stalled.close();
    }
  }

  private boolean agreesWithLibvirt(ApiClient api, Map<String, String> live) {
    List<Domain> mine = daemon.store().snapshot().items().stream().filter(d -> d.name().startsWith(PREFIX)).toList();
    if (mine.size() != live.size()) {
      return false;
    }
    for (Domain d : mine) {
      String state = Host.virshQuietly("domstate", d.name()).output().strip();
      String xml = Host.virshQuietly("dumpxml", "--inactive", d.name()).output();
      if (!state.replace("shut off", "shutoff").equals(d.status().state())
          || !io.virtrev.versioning.XmlCanon.equivalent(xml, d.spec().xml())) {
        return false;
      }
    }
    return true;
  }
}
