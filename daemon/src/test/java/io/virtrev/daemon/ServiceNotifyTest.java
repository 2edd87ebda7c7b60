package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.FakeDomainSource;
import io.virtrev.versioning.ReconcilerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sd_notify: the in-process daemon over a fake hypervisor whose initial sync is held mid-listing, and a
 * UNIX datagram socket in the role of systemd. READY=1 comes only once the initial sync has committed,
 * STATUS= says how far it got meanwhile (as /readyz does), STOPPING=1 when shutdown begins.
 */
class ServiceNotifyTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path dir;

  @Test
  void readyOnlyAfterTheInitialSyncCommittedWithProgressMeanwhileAndStoppingOnClose() throws Exception {
    FakeDomainSource source = new FakeDomainSource();
    for (int i = 0; i < 3; i++) {
      source.defineTiny("n" + i);
    }
    CountDownLatch release = new CountDownLatch(1);
    source.onListingStep(step -> {
      if (step == 2) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    AtomicReference<Virtrevd> daemon = new AtomicReference<>();
    AtomicReference<String> readinessAtReady = new AtomicReference<>();
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString(), m -> {
      if (m.lines().anyMatch("READY=1"::equals) && readinessAtReady.get() == null) {
        readinessAtReady.set(daemon.get().reconciler().readiness().toString());
      }
    })) {
      DaemonConfig cfg = DaemonConfig.defaults("fake:///", dir.resolve("store")).withListen("127.0.0.1", 0)
          .withReconciler(ReconcilerConfig.defaults().withResyncStep(1));
      daemon.set(Virtrevd.start(cfg, source, ServiceNotifier.to(systemd.address)));
      ApiClient api = new ApiClient("http://127.0.0.1:" + daemon.get().address().getPort());

      await().atMost(WAIT).until(() -> systemd.messages().stream()
          .anyMatch(m -> m.startsWith("STATUS=") && m.contains("initial sync: read 1 of 3 domains")));
      ApiClient.Response ready = api.get("/readyz");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body()).contains("initial sync: read 1 of 3 domains");
      assertThat(systemd.hasLine("READY=1")).as("READY=1 during the initial sync: " + systemd.messages()).isFalse();

      release.countDown();
      await().atMost(WAIT).until(() -> systemd.hasLine("READY=1"));
      assertThat(readinessAtReady.get()).as("readiness when READY=1 arrived").startsWith("Readiness[ready=true");
      assertThat(systemd.messages()).filteredOn(m -> m.contains("READY=1")).singleElement().asString()
          .contains("STATUS=ready: initial sync finished: 3 domains, 3 changes");
      assertThat(systemd.hasLine("STOPPING=1")).isFalse();

      daemon.get().close();
      await().atMost(WAIT).until(() -> systemd.hasLine("STOPPING=1"));
      assertThat(systemd.messages().get(systemd.messages().size() - 1)).startsWith("STOPPING=1");
    } finally {
      release.countDown();
    }
  }

  @Test
  void anAbstractNamespaceSocketWorksToo() throws Exception {
    try (NotifySocket systemd = new NotifySocket("@h-obs-notify-" + UUID.randomUUID(), m -> { });
        Virtrevd d = Virtrevd.start(DaemonConfig.defaults("fake:///", dir.resolve("store")).withListen("127.0.0.1", 0),
            new FakeDomainSource(), ServiceNotifier.fromEnvironment(java.util.Map.of("NOTIFY_SOCKET", systemd.address)))) {
      await().atMost(WAIT).until(() -> systemd.hasLine("READY=1"));
    }
  }
}
