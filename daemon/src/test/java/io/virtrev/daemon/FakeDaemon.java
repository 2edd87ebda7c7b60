package io.virtrev.daemon;

import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.FakeDomainSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** The real daemon (store, reconciler, Netty server on a free port) over a fake hypervisor. */
final class FakeDaemon implements AutoCloseable {
  final FakeDomainSource source;
  final Virtrevd daemon;
  final ApiClient api;

  private FakeDaemon(FakeDomainSource source, Virtrevd daemon, String scheme) {
    this.source = source;
    this.daemon = daemon;
    this.api = new ApiClient(scheme + "://127.0.0.1:" + daemon.address().getPort());
  }

  static FakeDaemon start(Path dir, UnaryOperator<DaemonConfig> tweak) throws Exception {
    return start(dir, new FakeDomainSource(), tweak);
  }

  static FakeDaemon start(Path dir, FakeDomainSource source, UnaryOperator<DaemonConfig> tweak)
      throws Exception {
    return start(dir, source, tweak, "http");
  }

  static FakeDaemon start(Path dir, FakeDomainSource source, UnaryOperator<DaemonConfig> tweak, String scheme)
      throws Exception {
    DaemonConfig cfg = tweak.apply(DaemonConfig.defaults("fake:///", dir).withListen("127.0.0.1", 0));
    FakeDaemon d = new FakeDaemon(source, Virtrevd.start(cfg, source), scheme);
    await().atMost(Duration.ofSeconds(10)).until(() -> d.daemon.reconciler().readiness().ready());
    return d;
  }

  /** A daemon serving every kind from the fakes in {@code kinds} (their events reach its reconciler). */
  static FakeDaemon startWithKinds(Path dir, io.virtrev.fixtures.FakeNetworkSource networks,
      io.virtrev.fixtures.FakeStorageSource storage, io.virtrev.fixtures.FakeSnapshotSource snapshots) throws Exception {
    DaemonConfig cfg = DaemonConfig.defaults("fake:///", dir).withListen("127.0.0.1", 0);
    FakeDomainSource source = new FakeDomainSource();
    FakeDaemon d = new FakeDaemon(source, Virtrevd.start(cfg, source,
        new io.virtrev.versioning.KindSources(networks, storage, snapshots), ServiceNotifier.NONE), "http");
    networks.listen(d.daemon.reconciler());
    storage.listen(d.daemon.reconciler());
    snapshots.listen(d.daemon.reconciler());
    await().atMost(Duration.ofSeconds(10)).until(() -> d.daemon.reconciler().readiness().ready());
    return d;
  }

  /** Waits until the store has committed at least {@code rev}. */
  void awaitRevision(long rev) {
    await().atMost(Duration.ofSeconds(10)).until(() -> daemon.store().snapshot().revision().value() >= rev);
  }

  long revision() {
    return daemon.store().snapshot().revision().value();
  }

  @Override
  public void close() {
    daemon.close();
  }
}
