package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged daemon with its data directory on a 2 MiB tmpfs that a filler file makes full: a
 * mutation through the API changes libvirt but cannot be committed. The client is told that libvirt was
 * changed, the daemon is not ready, and once the filler is gone it records the change by itself (no
 * restart) and is ready again; a restart afterwards finds the store whole, RVs never going back.
 * Needs root (mount) and libvirtd with QEMU.
 */
class DiskFullIT {
  private static final String PREFIX = "h-store-diskfull-";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Path mount;

  @BeforeEach
  void mountSmallTmpfs() throws IOException {
    Host.requireLibvirtd();
    Host.cleanUp(PREFIX);
    Host.Result id = Host.run(10, "id", "-u");
    Assumptions.assumeTrue(id.output().strip().equals("0") || Host.libvirtdRequired(),
        "mounting a tmpfs needs root");
    mount = Files.createTempDirectory("virtrev-full-");
    Host.Result r = Host.run(30, "mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", mount.toString());
    assertThat(r.exit()).as("mount: " + r.output()).isZero();
  }

  @AfterEach
  void unmount() throws IOException {
    Host.cleanUp(PREFIX);
    if (mount != null) {
      Host.Result r = Host.run(30, "umount", mount.toString());
      assertThat(r.exit()).as("umount: " + r.output()).isZero();
      Files.delete(mount);
    }
  }

  @Test
  void aChangeThatCannotBeCommittedIsReportedAndRecordedOnceTheDiskHasRoomAgain() throws Exception {
    String name = PREFIX + "a";
    String uuid = UUID.randomUUID().toString();
    Host.defineTiny(name, uuid, 32);
    Path data = mount.resolve("data");
    String storeId;
    long recorded;
    try (DaemonProcess d = DaemonProcess.start(data, "--retry-max-delay", "2s", "--resync-period", "1h")) {
      await().atMost(WAIT).until(() -> d.api.get("/api/v1/domains/" + uuid).status() == 200);
      ApiClient.Listed before = d.api.list();
      storeId = before.storeId();
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion="
          + before.resourceVersion())) {
        assertThat(w.status(WAIT)).isEqualTo(200);
        Path filler = fill(mount.resolve("filler"));

        ApiClient.Response r = d.api.send("POST", "/api/v1/domains/" + name + "/start", null, null);
        assertThat(r.status()).as(r.body()).isEqualTo(500);
        JsonNode status = r.json();
        assertThat(status.get("kind").asText()).isEqualTo("Status");
        assertThat(status.get("reason").asText()).isEqualTo("InternalError");
        assertThat(status.get("message").asText()).contains("libvirt WAS changed").contains(uuid);
        assertThat(Host.virsh("domstate", name).strip()).as("libvirt").isEqualTo("running");

        ApiClient.Response ready = d.api.get("/readyz");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("message").asText()).contains("cannot commit").contains("full");
        assertThat(d.api.list().resourceVersion()).as("nothing recorded").isEqualTo(before.resourceVersion());
        // A mutation now is refused before libvirt is touched.
        ApiClient.Response refused = d.api.send("POST", "/api/v1/domains/" + name + "/suspend", null, null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().get("message").asText()).contains("libvirt was not changed");
        assertThat(Host.virsh("domstate", name).strip()).isEqualTo("running");
        // Not ready for as long as it cannot commit, across several retries (1 s, 2 s, 2 s, ...).
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
            .until(() -> d.api.get("/readyz").status() == 503);

        Files.delete(filler);
        await().atMost(WAIT).until(() -> d.api.get("/readyz").status() == 200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(w.events()).anySatisfy(e -> {
          assertThat(e.uuid()).isEqualTo(uuid);
          assertThat(e.type()).isEqualTo("MODIFIED");
          assertThat(e.resourceVersion()).isGreaterThan(before.resourceVersion());
          assertThat(e.objectJson()).contains("\"state\":\"running\"");
        }));
        ApiClient.Listed after = d.api.list();
        assertThat(after.resourceVersion()).isGreaterThan(before.resourceVersion());
        assertThat(d.api.get("/api/v1/domains/" + uuid).json().at("/status/state").asText()).isEqualTo("running");
        recorded = after.resourceVersion();
        for (SeenEvent e : w.events()) {
          assertThat(e.resourceVersion()).isLessThanOrEqualTo(recorded);
        }
      }
      assertThat(d.stop()).as("exit code after SIGTERM").isIn(0, 143);
    }
    try (DaemonProcess d = DaemonProcess.start(data, "--resync-period", "1h")) {
      ApiClient.Listed again = d.api.list();
      assertThat(again.storeId()).isEqualTo(storeId);
      assertThat(again.resourceVersion()).as("no time travel").isGreaterThanOrEqualTo(recorded);
      assertThat(d.api.get("/api/v1/domains/" + uuid).json().at("/status/state").asText()).isEqualTo("running");
    } finally {
      Host.virshQuietly("destroy", name);
    }
  }

  /** Writes zeros to {@code file} until the file system is full. */
  private static Path fill(Path file) throws IOException {
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left");
    }
    return file;
  }
}
