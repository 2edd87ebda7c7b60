package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.SnapshotSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException.Kind;
import io.virtrev.fixtures.FakeSnapshotSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The snapshot contract against the fake (which must behave as libvirt does for the contract to mean
 * anything), and the fake's own misbehaviours: dropped events, silent changes, a lost connection.
 */
class FakeSnapshotSourceContractTest extends SnapshotSourceContract {
  private final FakeSnapshotSource fake = new FakeSnapshotSource();
  private final RecordingListener listener = new RecordingListener();

  FakeSnapshotSourceContractTest() {
    fake.listen(listener);
  }

  @Override
  SnapshotSource source() {
    return fake;
  }

  @Override
  List<SourceEvent> events() {
    return listener.events;
  }

  @Override
  Duration eventWait() {
    return Duration.ofSeconds(1);
  }

  @Override
  String newRunningDomain(String name) {
    String uuid = UUID.randomUUID().toString();
    fake.addDomain(uuid, name, true);
    return uuid;
  }

  @Override
  void stopDomain(String uuid) {
    fake.setRunning(uuid, false);
  }

  @Override
  void removeDomain(String uuid) {
    fake.removeDomain(uuid);
  }

  @Test
  void aShutOffDomainsSnapshotIsShutOffAndEmitsNothingAndARevertToItLeavesTheDomainShutOff() {
    String uuid = UUID.randomUUID().toString();
    String name = name("off");
    fake.addDomain(uuid, name, false);
    SnapshotObservation off = fake.create(uuid, snapshotXml("off", ""));
    assertThat(off.state()).isEqualTo("shutoff");
    assertThat(lifecycleSince(uuid, 0)).isEmpty();

    fake.setRunning(uuid, true);
    fake.revert(uuid, "off");
    assertThat(fake.running(uuid)).isFalse();
    awaitLifecycle(uuid, name, 0, "stopped/from_snapshot", "defined/from_snapshot");
  }

  @Test
  void droppedEventsAndSilentChangesChangeStateWithoutAnEvent() {
    String name = name("drop");
    String uuid = newRunningDomain(name);
    fake.dropEvents(true);
    fake.create(uuid, snapshotXml("s1", ""));
    fake.dropEvents(false);
    assertThat(fake.current(uuid).map(SnapshotObservation::name)).contains("s1");

    fake.changeSilently(uuid, "s1", "edited");
    assertThat(fake.get(uuid, "s1").orElseThrow().xml()).contains("<description>edited</description>");

    fake.create(uuid, snapshotXml("s2", ""));
    awaitLifecycle(uuid, name, 0, "suspended/paused", "resumed/unpaused");
  }

  @Test
  void aLostConnectionFailsEveryCallUntilItComesBackAndTheListenerHearsBoth() {
    String uuid = newRunningDomain(name("conn"));
    fake.create(uuid, snapshotXml("s1", ""));
    int writes = fake.writeCalls();

    fake.disconnect("test");
    assertThat(listener.connection).containsExactly("disconnected");
    assertRefused(fake::listAll, Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.list(uuid), Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.get(uuid, "s1"), Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.current(uuid), Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.create(uuid, snapshotXml("s2", "")), Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.revert(uuid, "s1"), Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.delete(uuid, "s1", false), Kind.CONNECTION, "disconnected");
    fake.changeSilently(uuid, "s1", "edited while away");
    assertThat(fake.writeCalls()).isEqualTo(writes + 3);

    fake.reconnect();
    assertThat(listener.connection).containsExactly("disconnected", "connected");
    assertThat(fake.listAll()).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("s1");
      assertThat(s.xml()).contains("edited while away");
    });
  }

  @Test
  void creationTimesAndUnnamedSnapshotsFollowTheClock() {
    FakeSnapshotSource clocked = new FakeSnapshotSource(
        Clock.fixed(Instant.parse("2026-12-02T01:00:00.700Z"), ZoneOffset.UTC));
    String uuid = UUID.randomUUID().toString();
    clocked.addDomain(uuid, name("clock"), true);
    SnapshotObservation s = clocked.create(uuid, "<domainsnapshot></domainsnapshot>");
    assertThat(s.creationTime()).isEqualTo(Instant.parse("2026-12-02T01:00:00Z"));
    assertThat(s.name()).isEqualTo(Long.toString(Instant.parse("2026-12-02T01:00:00Z").getEpochSecond()));
    assertRefused(() -> clocked.create(uuid, "<domainsnapshot></domainsnapshot>"), Kind.OTHER, "already exists");
  }
}
