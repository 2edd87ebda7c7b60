package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import io.virtrev.fixtures.WatchGuarantees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes and restarts: of the daemon (kill -9) and of libvirtd under a running daemon. */
class RestartIT {
  private static final String PREFIX = "vrt-e2e-restart-";
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dataDir;

  @BeforeEach
  void requireLibvirtd() {
    Host.requireLibvirtd();
    Host.cleanUp(PREFIX);
  }

  @AfterEach
  void cleanUp() {
    Host.libvirtd("up");
    Host.cleanUp(PREFIX);
  }

  /**
   * kill -9 the daemon, change domains with virsh, restart it: a watch resumed from the last RV the
   * client saw receives those changes, and no RV is lower than one served before.
   */
  @Test
  void killMinus9ThenChangesWhileDownArriveOnResumedWatch() throws Exception {
    String a = PREFIX + "a";
    String uuidA = UUID.randomUUID().toString();
    long lastSeen;
    String storeId;
    long maxServed;
    try (DaemonProcess d = DaemonProcess.start(dataDir)) {
      ApiClient.Listed listed = d.api.list();
      storeId = listed.storeId();
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion=" + listed.resourceVersion())) {
        assertThat(w.status(WAIT)).isEqualTo(200);
        Host.defineTiny(a, uuidA, 48);
        await().atMost(WAIT).until(() -> w.events().stream().anyMatch(e -> uuidA.equals(e.uuid())));
        lastSeen = w.lastResourceVersion();
      }
      maxServed = d.api.list().resourceVersion();
      d.kill();
    }
    // While the daemon is dead: start a, define b, change a's config without an event.
    String b = PREFIX + "b";
    String uuidB = UUID.randomUUID().toString();
    Host.virsh("start", a);
    Host.defineTiny(b, uuidB, 32);
    Host.virsh("setmem", a, "36M", "--config");

    try (DaemonProcess d = DaemonProcess.start(dataDir)) {
      ApiClient.Listed after = d.api.list();
      assertThat(after.storeId()).as("same store").isEqualTo(storeId);
      assertThat(after.resourceVersion()).as("no time travel").isGreaterThan(maxServed);
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion=" + lastSeen)) {
        assertThat(w.status(WAIT)).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> {
          List<SeenEvent> seen = w.events();
          assertThat(seen).anySatisfy(e -> {
            assertThat(e.uuid()).isEqualTo(uuidB);
            assertThat(e.type()).isEqualTo("ADDED");
          });
          assertThat(seen).anySatisfy(e -> {
            assertThat(e.uuid()).isEqualTo(uuidA);
            assertThat(e.objectJson()).contains("\"state\":\"running\"").contains(">36864<");
          });
        });
        List<SeenEvent> seen = w.events();
        assertThat(WatchGuarantees.noTimeTravel(lastSeen + 1, seen)).isEmpty();
        assertThat(WatchGuarantees.ordered(seen)).isEmpty();
        assertThat(WatchGuarantees.unique(seen)).isEmpty();
      }
    }
  }

  /**
   * Restart libvirtd under a running daemon: readiness drops and recovers, and changes made while
   * libvirtd was down (a guest's QEMU process died; a definition was dropped into libvirt's config
   * directory) show up after the resync.
   */
  @Test
  void libvirtdRestartDropsReadinessAndTheResyncFindsWhatChanged() throws Exception {
    String a = PREFIX + "run";
    String uuidA = UUID.randomUUID().toString();
    Host.defineTiny(a, uuidA, 32);
    Host.virsh("start", a);
    try (DaemonProcess d = DaemonProcess.start(dataDir, "--resync-period", "1h")) {
      await().atMost(WAIT).until(() -> d.api.get("/api/v1/domains/" + a).body().contains("\"state\":\"running\""));
      long before = d.api.list().resourceVersion();
      String pid = Host.run(10, "cat", "/run/libvirt/qemu/" + a + ".pid").output().strip();
      assertThat(pid).matches("\\d+");

      Host.libvirtd("down");
      await().atMost(WAIT).until(() -> d.api.get("/readyz").status() == 503);
      assertThat(d.api.get("/readyz").json().get("message").asText()).contains("not connected");
      assertThat(d.api.get("/healthz").status()).isEqualTo(200);
      assertThat(d.api.list().resourceVersion()).as("still serving the last state").isEqualTo(before);

      // Behind libvirtd's back while it is down: the guest dies, and a new definition appears on disk.
      Host.run(10, "kill", "-9", pid);
      String b = PREFIX + "ondisk";
      String uuidB = UUID.randomUUID().toString();
      Files.writeString(Path.of("/etc/libvirt/qemu", b + ".xml"), io.virtrev.fixtures.DomainXml.tiny(b, uuidB, 32));

      Host.libvirtd("up");
      await().atMost(WAIT).until(() -> d.api.get("/readyz").status() == 200);
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(d.api.get("/api/v1/domains/" + uuidB).status()).isEqualTo(200);
        assertThat(d.api.get("/api/v1/domains/" + a).json().at("/status/state").asText()).isEqualTo("shutoff");
      });
      assertThat(d.api.list().resourceVersion()).isGreaterThan(before);
    }
  }
}
