package io.virtrev.libvirt;

import static io.virtrev.libvirt.SnapshotSourceContract.assertRefused;
import static io.virtrev.libvirt.SnapshotSourceContract.snapshotXml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.LifecycleAction;
import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.SnapshotSource;
import io.virtrev.api.source.SourceException.Kind;
import io.virtrev.api.source.UndefineOptions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The snapshot source on libvirt's in-process test driver ({@code test:///default}), through the domain
 * source's connection ({@link LibvirtDomainSource#snapshots()}): what a daemon started with
 * {@code --connect test:///default} needs, on a domain of the test's own (the driver's built-in
 * {@code test} domain is shared with other tests in this JVM). (The full contract runs on the fake and
 * the real libvirtd: {@link SnapshotSourceContract}.)
 */
class TestDriverSnapshotSourceTest {
  private static final String URI = "test:///default";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static LibvirtDomainSource domains;

  @BeforeAll
  static void connect() {
    domains = new LibvirtDomainSource(LibvirtSourceConfig.defaults(URI));
    domains.start(new RecordingListener());
    await().atMost(WAIT).until(domains::isConnected);
  }

  @AfterAll
  static void disconnect() {
    domains.close();
  }

  @Test
  void createListRevertAndDeleteGoThroughTheSharedConnection() {
    String name = "i13-snap-td-" + UUID.randomUUID().toString().substring(0, 6);
    String uuid = domains.define("<domain type='test'><name>" + name + "</name><memory>8192</memory>"
        + "<os><type>hvm</type></os></domain>").uuid();
    try {
      domains.perform(uuid, LifecycleAction.START);
      SnapshotSource snapshots = domains.snapshots();
      SnapshotObservation a = snapshots.create(uuid, snapshotXml("a", "<description>td</description>"));
      assertThat(a.domainName()).isEqualTo(name);
      assertThat(a.state()).isEqualTo("running");
      assertThat(a.current()).isTrue();
      SnapshotObservation b = snapshots.create(uuid, snapshotXml("b", ""));
      assertThat(b.parent()).isEqualTo("a");
      assertThat(snapshots.listAll()).filteredOn(s -> s.domainUuid().equals(uuid))
          .extracting(SnapshotObservation::name).containsExactlyInAnyOrder("a", "b");

      snapshots.revert(uuid, "a");
      assertThat(snapshots.current(uuid).map(SnapshotObservation::name)).contains("a");
      snapshots.delete(uuid, "a", true);
      assertThat(snapshots.list(uuid)).isEmpty();
      assertThat(snapshots.current(uuid)).isEmpty();
    } finally {
      try {
        domains.perform(uuid, LifecycleAction.DESTROY);
      } catch (RuntimeException e) {
        // not running
      }
      domains.undefine(uuid, new UndefineOptions(false, true, false, false, false));
    }
  }

  /** A source never started has no connection: its snapshots fail fast with CONNECTION; validate needs none. */
  @Test
  void withoutAConnectionEveryCallIsAConnectionError() {
    try (LibvirtDomainSource unstarted = new LibvirtDomainSource(LibvirtSourceConfig.defaults(URI))) {
      SnapshotSource snapshots = unstarted.snapshots();
      String uuid = UUID.randomUUID().toString();
      assertRefused(snapshots::listAll, Kind.CONNECTION, URI);
      assertRefused(() -> snapshots.list(uuid), Kind.CONNECTION, URI);
      assertRefused(() -> snapshots.get(uuid, "a"), Kind.CONNECTION, URI);
      assertRefused(() -> snapshots.current(uuid), Kind.CONNECTION, URI);
      assertRefused(() -> snapshots.create(uuid, snapshotXml("a", "")), Kind.CONNECTION, URI);
      assertRefused(() -> snapshots.revert(uuid, "a"), Kind.CONNECTION, URI);
      assertRefused(() -> snapshots.delete(uuid, "a", false), Kind.CONNECTION, URI);
      snapshots.validate(snapshotXml("a", "<description>no connection needed</description>"), true);
    }
  }
}
