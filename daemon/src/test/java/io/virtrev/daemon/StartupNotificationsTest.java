package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.versioning.Readiness;
import io.virtrev.versioning.ReconcilerObserver.ResyncResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What systemd is told as readiness changes, through a real datagram socket. */
class StartupNotificationsTest {
  @TempDir Path dir;

  @Test
  void readyAgainAfterANotReadySpellIsReported() throws Exception {
    AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.notReady("initial sync"));
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString(), m -> { });
        ServiceNotifier notifier = ServiceNotifier.to(systemd.address)) {
      StartupNotifications n = new StartupNotifications(notifier, readiness::get);
      n.poll();
      readiness.set(Readiness.ok());
      n.resynced(new ResyncResult(true, 3, 1, 1_000_000));
      n.poll(); // ready, nothing changed since READY=1: nothing sent
      readiness.set(Readiness.notReady("the store cannot commit (disk full)"));
      n.poll();
      readiness.set(Readiness.ok()); // recovered by an ordinary resync: no new initial sync
      n.poll();
      n.stopping();
      await().atMost(Duration.ofSeconds(5)).until(() -> systemd.messages().size() >= 5);
      List<String> m = systemd.messages();
      assertThat(m).hasSize(5);
      assertThat(m.get(0)).isEqualTo("STATUS=not ready: initial sync");
      assertThat(m.get(1)).startsWith("READY=1\nSTATUS=ready: initial sync finished: 3 domains, 1 changes");
      assertThat(m.get(2)).isEqualTo("STATUS=not ready: the store cannot commit (disk full)");
      assertThat(m.get(3)).as("systemctl status must not keep the stale reason").isEqualTo("STATUS=ready");
      assertThat(m.get(4)).isEqualTo("STOPPING=1\nSTATUS=shutting down");
    }
  }
}
