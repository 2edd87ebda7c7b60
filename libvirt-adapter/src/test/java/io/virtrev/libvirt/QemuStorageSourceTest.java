package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceException.Kind;
import io.virtrev.api.source.StorageSource;
import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storage contract against the real libvirtd ({@code qemu:///system}) with {@code dir} pools named
 * {@code i13-storage-*} whose targets live in a fresh directory under /var/tmp, removed afterwards, pass
 * or fail. Skipped when libvirtd does not answer, unless {@code VIRTREV_REQUIRE_LIBVIRTD=true}.
 */
class QemuStorageSourceTest extends StorageSourceContract {
  @RegisterExtension
  static final QemuSession QEMU = new QemuSession(WAIT);
  private Path root;

  @BeforeEach
  void makeRoot() throws IOException {
    root = Files.createTempDirectory(Path.of("/var/tmp"), "i13-storage-");
  }

  @Override
  StorageSource source() {
    return QEMU.source().storage();
  }

  @Override
  List<String> poolEvents(String uuid) {
    return poolEventsOf(QEMU.listener().events, uuid);
  }

  @Override
  String newTarget(String name) {
    return root.resolve(name).toString();
  }

  @Override
  String poolName(String suffix) {
    return "i13-storage-" + suffix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  void removeTargets() {
    if (root == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Changes made with virsh, outside the JVM, reach the connection's listener as pool events of kind
   * storagepools, with the pool's name, on the event-loop thread; a build really makes the directory.
   */
  @Test
  void changesMadeWithVirshArriveAsPoolEventsOnTheEventLoop() {
    String name = poolName("virsh");
    String target = newTarget(name);
    Host.virsh("pool-define-as", name, "dir", "--target", target);
    String uuid = Host.virsh("pool-uuid", name).strip();
    track(uuid);
    Host.virsh("pool-build", name);
    assertThat(Files.isDirectory(Path.of(target))).isTrue();
    Host.virsh("pool-start", name);
    Host.virsh("vol-create-as", name, "v1", "1M");
    assertThat(source().getVolume(uuid, "v1").orElseThrow().capacity()).isEqualTo(MIB);
    Host.virsh("pool-refresh", name);
    Host.virsh("pool-destroy", name);
    Host.virsh("pool-undefine", name);
    awaitEvents(uuid, "lifecycle/defined/null", "lifecycle/created/null", "lifecycle/started/null",
        "refresh/null/null", "lifecycle/stopped/null", "lifecycle/undefined/null");
    List<SourceEvent> mine = QEMU.listener().events.stream().filter(e -> e.uuid().equals(uuid)).toList();
    assertThat(mine).allSatisfy(e -> {
      assertThat(e.kind()).isEqualTo(StorageSource.POOLS);
      assertThat(e.name()).isEqualTo(name);
    });
    assertThat(QEMU.listener().threads).allMatch(t -> t.equals("libvirt-event-loop"));
    assertThat(source().getPool(uuid)).isEmpty();
  }

  /**
   * Closing a connection deregisters its pool callbacks: a closed source's listener hears nothing more
   * (libvirt keeps firing callbacks left registered, even after close), while the open one still does.
   */
  @Test
  void aClosedConnectionsPoolCallbacksAreGone() {
    LibvirtDomainSource second = new LibvirtDomainSource(LibvirtSourceConfig.defaults(Host.URI));
    RecordingListener heard = new RecordingListener();
    second.start(heard);
    await().atMost(WAIT).until(second::isConnected);
    String name = poolName("closed");
    String uuid = track();
    second.storage().definePool(io.virtrev.fixtures.StorageXml.dirPool(name, uuid, newTarget(name)));
    await().atMost(WAIT).until(() -> poolEventsOf(heard.events, uuid).size() == 1);
    second.close();
    assertThat(second.isConnected()).isFalse();

    source().build(uuid);
    source().undefinePool(uuid);
    awaitEvents(uuid, "lifecycle/defined/null", "lifecycle/created/null", "lifecycle/undefined/null");
    assertThat(poolEventsOf(heard.events, uuid)).containsExactly("lifecycle/defined/null");
    SourceException closed = failure(() -> second.storage().listPools());
    assertThat(closed.kind()).isEqualTo(Kind.CONNECTION);
  }
}
