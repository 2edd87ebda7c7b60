package io.virtrev.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.virtrev.client.HandlerLog.Call;
import io.virtrev.client.HandlerLog.Kind;
import io.virtrev.daemon.e2e.DaemonProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fabric8 client made from nothing but a kubeconfig, with fabric8's default configuration (no
 * {@code onlyHttpWatches}: every watch is tried as a WebSocket first), against the packaged daemon on
 * libvirt's test driver: {@code watch()} and an informer open (the daemon refuses the WebSocket
 * handshake with a complete answer, fabric8 falls back to an HTTP watch) and see ADDED, MODIFIED and
 * DELETED. Opening runs on another thread with a bound: a client that hangs, or waits out retries,
 * fails the test.
 */
class DefaultConfigWatchIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /**
   * Opening a watch (handshake refused, then the HTTP watch) takes milliseconds; a refusal that fabric8
   * retried with backoff first (any 5xx: about 19 s with its defaults) would exceed this.
   */
  private static final Duration OPEN = Duration.ofSeconds(10);
  @TempDir static Path dir;
  private static DaemonProcess daemon;
  private static KubernetesClient client;
  private static MixedOperation<Domain, DomainList, Resource<Domain>> domains;

  @BeforeAll
  static void start() throws Exception {
    daemon = DaemonProcess.startOn("test:///default", dir.resolve("data"));
    Path kubeconfig = TestDriver.kubeconfig(dir.resolve("kubeconfig"), daemon.port);
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig.toFile())).build();
    domains = client.resources(Domain.class, DomainList.class);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void theDefaultConfigurationTriesWebSocketWatches() {
    assertThat(client.getConfiguration().isOnlyHttpWatches()).isFalse();
  }

  @Test
  void watchOpensAndSeesAddedModifiedDeleted() {
    String name = "k-ws-watch-" + UUID.randomUUID().toString().substring(0, 8);
    String listed = domains.list().getMetadata().getResourceVersion();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    Watcher<Domain> watcher = new Watcher<>() {
      @Override
      public void eventReceived(Action action, Domain d) {
        if (d.getMetadata().getName().equals(name)) {
          events.add(action + " " + d.getMetadata().getResourceVersion());
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        events.add("CLOSED " + cause);
      }
    };
    CompletableFuture<Watch> opening = CompletableFuture.supplyAsync(
        () -> domains.watch(new ListOptionsBuilder().withResourceVersion(listed).build(), watcher));
    assertThat(opening).as("watch() returns").succeedsWithin(OPEN);
    try (Watch w = opening.join()) {
      TestDriver.Lifecycle rvs = TestDriver.createUpdateDelete(domains, daemon, name);

      await().atMost(WAIT).until(() -> events.size() >= 3);
      assertThat(List.copyOf(events)).containsExactly(
          "ADDED " + rvs.created(),
          "MODIFIED " + rvs.updated(),
          "DELETED " + rvs.deleted());
    }
  }

  @Test
  void anInformerSyncsAndFollowsAddUpdateDelete() {
    String name = "k-ws-inform-" + UUID.randomUUID().toString().substring(0, 8);
    HandlerLog handler = new HandlerLog();
    CompletableFuture<SharedIndexInformer<Domain>> opening = CompletableFuture.supplyAsync(() -> domains.inform(handler, 0));
    assertThat(opening).as("inform() returns").succeedsWithin(OPEN);
    try (SharedIndexInformer<Domain> informer = opening.join()) {
      assertThat(informer.hasSynced()).isTrue();
      assertThat(informer.getStore().getByKey("test")).as("the test driver's domain, from the list").isNotNull();

      TestDriver.Lifecycle rvs = TestDriver.createUpdateDelete(domains, daemon, name);

      await().atMost(WAIT).until(() -> handler.calls(name).size() >= 3);
      List<Call> calls = handler.calls(name);
      assertThat(calls).extracting(Call::kind).containsExactly(Kind.ADD, Kind.UPDATE, Kind.DELETE);
      assertThat(calls.get(0).rv()).isEqualTo(Long.parseLong(rvs.created()));
      assertThat(calls.get(1).rv()).isEqualTo(Long.parseLong(rvs.updated()));
      assertThat(calls.get(2).finalStateUnknown()).isFalse();
      assertThat(informer.getStore().getByKey(name)).isNull();
      // fabric8 marks an HTTP watch started when its first bytes arrive: true now, after the events.
      assertThat(informer.isWatching()).as("the informer's watch is open (over HTTP)").isTrue();
    }
  }
}
