package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.source.SourceException.Kind;
import io.virtrev.api.source.StorageSource;
import io.virtrev.fixtures.FakeStorageSource;
import io.virtrev.fixtures.StorageXml;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The storage contract against the fake, and the fake's own misbehaviours. */
class FakeStorageSourceTest extends StorageSourceContract {
  private final FakeStorageSource fake = new FakeStorageSource();
  private final RecordingListener listener = new RecordingListener();

  FakeStorageSourceTest() {
    fake.listen(listener);
  }

  @Override
  StorageSource source() {
    return fake;
  }

  @Override
  List<String> poolEvents(String uuid) {
    return poolEventsOf(listener.events, uuid);
  }

  @Override
  String newTarget(String name) {
    return "/fake/" + name;
  }

  @Override
  String poolName(String suffix) {
    return "fake-" + suffix;
  }

  @Override
  void removeTargets() {}

  @Test
  void droppedEventsAndSilentChangesAreSeenOnlyByReading() {
    String uuid = track();
    fake.definePool(StorageXml.dirPool("p", uuid, "/fake/p"));
    fake.dropEvents(true);
    fake.build(uuid);
    fake.start(uuid);
    assertThat(fake.getPool(uuid).orElseThrow().state()).isEqualTo("running");
    fake.dropEvents(false);
    fake.setConfigSilently(uuid, StorageXml.dirPool("p", uuid, "/fake/p").replace("dir", "dir'><!--x--"));
    fake.addVolumeSilently(uuid, "v9", MIB);
    assertThat(fake.getPool(uuid).orElseThrow().configXml()).contains("<!--x--");
    assertThat(fake.getVolume(uuid, "v9").orElseThrow().capacity()).isEqualTo(MIB);
    assertThat(fake.getPool(uuid).orElseThrow().allocation()).isEqualTo(MIB);
    fake.refresh(uuid);
    assertThat(poolEvents(uuid)).containsExactly("lifecycle/defined/null", "refresh/null/null");
    assertThat(fake.writeCalls()).isEqualTo(4);
  }

  @Test
  void aLostConnectionFailsReadsAndWritesAndDropsEventsUntilItComesBack() {
    String uuid = track();
    fake.definePool(StorageXml.dirPool("p", uuid, "/fake/p"));
    fake.disconnect("libvirtd restarted");
    assertThat(listener.connection).containsExactly("disconnected");
    assertThat(failure(fake::listPools).kind()).isEqualTo(Kind.CONNECTION);
    assertThat(failure(() -> fake.getPool(uuid)).kind()).isEqualTo(Kind.CONNECTION);
    assertThat(failure(() -> fake.build(uuid)).kind()).isEqualTo(Kind.CONNECTION);
    assertThat(failure(() -> fake.definePool(StorageXml.dirPool("q", track(), "/fake/q"))).kind())
        .isEqualTo(Kind.CONNECTION);
    fake.reconnect();
    assertThat(listener.connection).containsExactly("disconnected", "connected");
    assertThat(fake.listPools()).hasSize(1);
    fake.build(uuid);
    assertThat(poolEvents(uuid)).containsExactly("lifecycle/defined/null", "lifecycle/created/null");
  }
}
