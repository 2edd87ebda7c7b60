package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.SnapshotSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException.Kind;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The snapshot contract against the real libvirtd ({@code qemu:///system}): internal snapshots (memory and
 * disk, QEMU's savevm) of running tiny TCG guests with a 1 MiB qcow2 disk made by {@code qemu-img} (Debian's
 * {@code qemu-utils}, which scripts/libvirtd.sh installs) in a temporary directory. Skipped when libvirtd
 * does not answer, unless {@code VIRTREV_REQUIRE_LIBVIRTD=true}. Also: what libvirt 9.0 refuses for the
 * diskless tiny guests, and that a snapshot made with virsh is seen though it emits no event.
 */
class QemuSnapshotContractTest extends SnapshotSourceContract {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension
  static final QemuSession QEMU = new QemuSession(WAIT);
  /** Each domain's name and temporary directory, by uuid. */
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final Map<String, Path> dirs = new ConcurrentHashMap<>();

  @Override
  SnapshotSource source() {
    return QEMU.source().snapshots();
  }

  @Override
  List<SourceEvent> events() {
    return QEMU.listener().events;
  }

  @Override
  Duration eventWait() {
    return WAIT;
  }

  @Override
  String newRunningDomain(String name) {
    String uuid = UUID.randomUUID().toString();
    Path dir = tempDir(name);
    Path disk = dir.resolve("disk.qcow2");
    Host.Result img = Host.run(30, "qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "1M");
    assertThat(img.exit()).as("qemu-img (Debian's qemu-utils): " + img.output()).isZero();
    names.put(uuid, name);
    dirs.put(uuid, dir);
    Host.virsh("define", Host.writeTemp(name, withDisk(DomainXml.tiny(name, uuid, 40), disk)).toString());
    Host.virsh("start", name);
    await().atMost(WAIT).until(() -> QEMU.listener().eventsFor(uuid).contains("lifecycle/started/booted"));
    return uuid;
  }

  @Override
  void stopDomain(String uuid) {
    Host.virsh("destroy", names.get(uuid));
    await().atMost(WAIT).until(() -> QEMU.listener().eventsFor(uuid).contains("lifecycle/stopped/destroyed"));
  }

  @Override
  void removeDomain(String uuid) {
    String name = names.remove(uuid);
    if (name != null) {
      Host.virshQuietly("destroy", name);
      Host.virshQuietly("undefine", name, "--snapshots-metadata");
    }
    Path dir = dirs.remove(uuid);
    if (dir != null) {
      Host.run(10, "rm", "-rf", dir.toString());
    }
  }

  @Test
  void aSnapshotMadeWithVirshIsSeenThoughItEmitsNoSnapshotEvent() {
    String name = name("virsh");
    String uuid = domain(name);
    Host.virsh("snapshot-create-as", name, "v1", "--description", "by virsh");
    SnapshotObservation v1 = source().get(uuid, "v1").orElseThrow();
    assertThat(v1.xml()).contains("<description>by virsh</description>");
    assertThat(v1.current()).isTrue();
    assertThat(source().listAll()).contains(v1);
    Host.virsh("snapshot-delete", name, "v1");
    assertThat(source().list(uuid)).isEmpty();
    assertThat(events()).as("libvirt has no snapshot events").noneMatch(e ->
        e.kind().equals(DomainSnapshot.RESOURCE) || e.uid().equals(v1.uid()));
  }

  /**
   * With every domain event id subscribed, a create, revert and delete cause lifecycle events only, plus
   * QEMU's {@code migration-iteration} while savevm holds the guest paused during a create: measured on
   * libvirt 9.0, no {@code job-completed}, no event of a delete.
   */
  @Test
  void aSnapshotCycleCausesOnlyLifecycleEventsAndMigrationIterationsWhileACreatePauses() {
    String name = name("allevents");
    String uuid = domain(name);
    int mark = events().size();
    source().create(uuid, snapshotXml("s1", ""));
    source().revert(uuid, "s1");
    source().delete(uuid, "s1", false);
    source().create(uuid, snapshotXml("s2", ""));
    awaitLifecycle(uuid, name, mark, "suspended/paused", "resumed/unpaused", "stopped/from_snapshot",
        "started/from_snapshot", "resumed/from_snapshot", "defined/from_snapshot", "suspended/paused",
        "resumed/unpaused");

    List<SourceEvent> all = events();
    boolean paused = false;
    int iterations = 0;
    for (SourceEvent e : all.subList(mark, all.size())) {
      if (!e.uid().equals(uuid)) {
        continue;
      }
      String what = e.event().type() + "/" + e.event().event() + "/" + e.event().detail();
      assertThat(e.event().type()).as(what).isIn(LibvirtEvent.LIFECYCLE, LibvirtEvent.MIGRATION_ITERATION);
      if (what.equals("lifecycle/suspended/paused")) {
        paused = true;
      } else if (what.equals("lifecycle/resumed/unpaused")) {
        paused = false;
      } else if (e.event().type().equals(LibvirtEvent.MIGRATION_ITERATION)) {
        assertThat(paused).as("a migration-iteration outside a create's pause").isTrue();
        iterations++;
      }
    }
    assertThat(iterations).as("savevm reports its iterations").isPositive();
  }

  @Test
  void aDisklessTinyGuestCannotBeSnapshottedInternallyRunningOrNot() {
    String name = name("diskless");
    String uuid = UUID.randomUUID().toString();
    Host.defineTiny(name, uuid, 40);
    names.put(uuid, name);
    try {
      assertRefused(() -> source().create(uuid, snapshotXml("s", "")), Kind.INVALID_CONFIG,
          "nothing selected for snapshot");
      Host.virsh("start", name);
      assertRefused(() -> source().create(uuid, snapshotXml("s", "")), Kind.INVALID_CONFIG,
          "require all disks to be selected");
      assertThat(source().list(uuid)).isEmpty();
    } finally {
      removeDomain(uuid);
    }
  }

  /** {@code xml} with a qcow2 disk at {@code disk} added to its devices. */
  private static String withDisk(String xml, Path disk) {
    String device = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + disk
        + "'/><target dev='vda' bus='virtio'/></disk>";
    assertThat(xml).contains("<devices>");
    return xml.replace("<devices>", "<devices>" + device);
  }

  private static Path tempDir(String name) {
    try {
      return Files.createTempDirectory(name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
