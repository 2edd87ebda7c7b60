package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while watches are open and writes are coming in: the daemon exits within its bound, each
 * watcher gets a last BOOKMARK, and every write that was acknowledged is in the store after a restart.
 * Runs the packaged daemon on libvirt's in-process test driver (no libvirtd needed).
 */
class ShutdownIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dataDir;

  private record Acked(String uuid, long rv) {}

  @Test
  void sigtermLosesNothingAcknowledgedAndEndsWatchesWithABookmark() throws Exception {
    List<Acked> acked = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Thread> writers = new ArrayList<>();
    long maxAcked;
    try (DaemonProcess d = DaemonProcess.startOn("test:///default", dataDir)) {
      long start = d.api.list().resourceVersion();
      WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&allowWatchBookmarks=true&resourceVersion=" + start);
      assertThat(w.status(WAIT)).isEqualTo(200);
      for (int t = 0; t < 4; t++) {
        int thread = t;
        Thread th = new Thread(() -> {
          for (int i = 0; writing.get(); i++) {
            String uuid = UUID.randomUUID().toString();
            try {
              ApiClient.Response r = d.api.send("POST", "/api/v1/domains", "application/xml",
                  DomainXml.tiny("sd-" + thread + "-" + i, uuid, 32));
              if (r.status() == 201) {
                acked.add(new Acked(uuid, r.json().at("/metadata/resourceVersion").asLong()));
              }
            } catch (RuntimeException gone) {
              return; // the daemon went away: this write was not acknowledged
            }
          }
        });
        th.start();
        writers.add(th);
      }
      await().atMost(WAIT).until(() -> acked.size() >= 40);
      long t0 = System.nanoTime();
      int code = d.stop(); // SIGTERM in the middle of the writes
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("exits within its bound").isLessThan(Duration.ofSeconds(20));
      assertThat(code).as("exit code after SIGTERM:\n" + d.log()).isIn(0, 143);
      writing.set(false);
      for (Thread th : writers) {
        th.join(TimeUnit.SECONDS.toMillis(30));
      }
      w.ended().get(30, TimeUnit.SECONDS);
      List<SeenEvent> seen = w.events();
      assertThat(seen).isNotEmpty();
      SeenEvent last = seen.get(seen.size() - 1);
      assertThat(last.type()).as("a last BOOKMARK before the end").isEqualTo("BOOKMARK");
      maxAcked = acked.stream().mapToLong(Acked::rv).max().orElseThrow();
      assertThat(d.log()).contains("stopped at revision");
    }
    try (DaemonProcess d = DaemonProcess.startOn("test:///default", dataDir)) {
      assertThat(d.api.list().resourceVersion()).isGreaterThanOrEqualTo(maxAcked);
      for (Acked a : acked) {
        JsonNode h = d.api.get("/api/v1/domains/" + a.uuid() + "/history").json();
        List<Long> rvs = new ArrayList<>();
        h.get("items").forEach(i -> rvs.add(i.at("/object/metadata/resourceVersion").asLong()));
        assertThat(rvs).as("acknowledged creation of %s at %d", a.uuid(), a.rv()).contains(a.rv());
      }
    }
  }
}
