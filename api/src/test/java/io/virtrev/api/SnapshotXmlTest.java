package io.virtrev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What SnapshotXml reads from libvirt's snapshot XML (the layout virsh snapshot-dumpxml shows on libvirt 9.0). */
class SnapshotXmlTest {
  /** As libvirt 9.0 wrote it for a running QEMU guest (shortened inside <domain>). */
  private static final String LIBVIRT = """
      <domainsnapshot>
        <name>run2</name>
        <description>second</description>
        <state>running</state>
        <parent>
          <name>run1</name>
        </parent>
        <creationTime>1796173616</creationTime>
        <memory snapshot='internal'/>
        <disks>
          <disk name='vda' snapshot='internal'/>
        </disks>
        <domain type='qemu'>
          <name>i13-snap-m2</name>
          <uuid>8e169b51-202a-4836-9b35-3f34753facba</uuid>
          <description>not the snapshot's</description>
        </domain>
        <active>1</active>
      </domainsnapshot>
      """;

  @Test
  void readsNameStateCreationTimeAndParentBeforeTheEmbeddedDomain() {
    assertThat(SnapshotXml.read(LIBVIRT))
        .isEqualTo(new SnapshotXml.Fields("run2", "running", Instant.ofEpochSecond(1796173616L), "run1"));
  }

  @Test
  void aRootHasNoParentAndTheDomainsOwnNameIsNotTheSnapshots() {
    String root = LIBVIRT.replaceAll("(?s)<parent>.*?</parent>", "").replace("<name>run2</name>", "");
    assertThat(SnapshotXml.read(root)).isEqualTo(
        new SnapshotXml.Fields(null, "running", Instant.ofEpochSecond(1796173616L), null));
  }

  @Test
  void somethingElseIsRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> SnapshotXml.read("<domain><name>x</name></domain>")).hasMessageContaining("<domain>");
    assertThatThrownBy(() -> SnapshotXml.read("<domainsnapshot><name>x</name")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> SnapshotXml.read("<domainsnapshot><creationTime>soon</creationTime></domainsnapshot>"))
        .hasMessageContaining("'soon'");
    assertThatThrownBy(() -> SnapshotXml.read(null)).hasMessageContaining("no snapshot XML");
  }
}
