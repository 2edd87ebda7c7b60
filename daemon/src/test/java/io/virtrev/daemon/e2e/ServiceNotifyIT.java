package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.daemon.NotifySocket;
import io.virtrev.fixtures.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon as systemd runs it with {@code Type=notify}: NOTIFY_SOCKET in its environment, a
 * UNIX datagram socket in systemd's role. READY=1 comes when /readyz already answers 200, STATUS= lines
 * before it, STOPPING=1 on SIGTERM; a restart on an unchanged host logs its initial sync once. Runs on
 * libvirt's in-process test driver (no libvirtd needed).
 */
class ServiceNotifyIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void readyAfterTheSyncStatusBeforeItStoppingOnSigterm() throws Exception {
    int port = DaemonProcess.freePort();
    ApiClient api = new ApiClient("http://127.0.0.1:" + port);
    AtomicInteger readyzAtReady = new AtomicInteger();
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString(), m -> {
      if (m.lines().anyMatch("READY=1"::equals) && readyzAtReady.get() == 0) {
        readyzAtReady.set(api.get("/readyz").status());
      }
    })) {
      Map<String, String> env = Map.of("NOTIFY_SOCKET", systemd.address);
      try (DaemonProcess d = DaemonProcess.startOn("test:///default", dir.resolve("data"), env, port)) {
        await().atMost(WAIT).until(() -> systemd.hasLine("READY=1"));
        assertThat(readyzAtReady.get()).as("/readyz when READY=1 arrived").isEqualTo(200);
        List<String> before = systemd.messages().subList(0, indexOfReady(systemd.messages()));
        assertThat(before).as("before READY=1").isNotEmpty().allMatch(m -> m.startsWith("STATUS=not ready: "));
        // the test driver's domain, and its default network and storage pool: three objects, three changes
        assertThat(d.log()).contains("initial sync finished: 1 domains, 3 changes");

        assertThat(d.stop()).as("exit code after SIGTERM (the JVM exits 128+15)").isEqualTo(143);
        await().atMost(WAIT).until(() -> systemd.hasLine("STOPPING=1"));
      }
      try (DaemonProcess again = DaemonProcess.startOn("test:///default", dir.resolve("data"), env, port)) {
        await().atMost(WAIT).until(() -> again.log().contains("initial sync finished: 1 domains, 0 changes"));
      }
    }
  }

  private static int indexOfReady(List<String> messages) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).lines().anyMatch("READY=1"::equals)) {
        return i;
      }
    }
    throw new AssertionError("no READY=1 in " + messages);
  }
}
