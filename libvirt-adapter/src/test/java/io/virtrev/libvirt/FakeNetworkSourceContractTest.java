package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException.Kind;
import io.virtrev.fixtures.FakeNetworkSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The network contract against the fake (which must behave as libvirt does for the contract to mean
 * anything), and the fake's own misbehaviours: dropped events, silent changes, a lost connection.
 */
class FakeNetworkSourceContractTest extends NetworkSourceContract {
  private final FakeNetworkSource fake = new FakeNetworkSource();
  private final RecordingListener listener = new RecordingListener();

  FakeNetworkSourceContractTest() {
    fake.listen(listener);
  }

  @Override
  NetworkSource source() {
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

  @Test
  void droppedEventsAndSilentChangesChangeStateWithoutAnEvent() {
    String name = name("drop");
    String uuid = define(xml(name, null, bridge(), "")).uuid();
    fake.dropEvents(true);
    fake.start(uuid);
    fake.dropEvents(false);
    assertThat(fake.get(uuid).orElseThrow().active()).isTrue();

    String changed = fake.get(uuid).orElseThrow().configXml().replace("<dns", "<mtu size='1400'/><dns");
    fake.changeSilently(uuid, changed);
    assertThat(fake.get(uuid).orElseThrow().configXml()).isEqualTo(changed);

    fake.destroy(uuid);
    awaitEvents(uuid, name, "defined", "stopped");
  }

  @Test
  void aLostConnectionFailsEveryCallUntilItComesBackAndTheListenerHearsBoth() {
    String name = name("conn");
    String uuid = define(xml(name, null, bridge(), "")).uuid();
    int writes = fake.writeCalls();

    fake.disconnect("test");
    assertThat(listener.connection).containsExactly("disconnected");
    assertRefused(fake::listAll, Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.get(uuid), Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.start(uuid), Kind.CONNECTION, "disconnected");
    assertRefused(() -> fake.define(xml(name("other"), null, bridge(), "")), Kind.CONNECTION, "disconnected");
    fake.changeSilently(uuid, fake.all().get(0).configXml().replace("<dns", "<mtu size='1400'/><dns"));
    assertThat(fake.writeCalls()).isEqualTo(writes + 2);

    fake.reconnect();
    assertThat(listener.connection).containsExactly("disconnected", "connected");
    NetworkObservation n = fake.get(uuid).orElseThrow();
    assertThat(n.active()).isFalse();
    assertThat(n.configXml()).contains("<mtu size='1400'/>");
    assertThat(fake.listAll()).extracting(NetworkObservation::name).containsExactly(name);
    awaitEvents(uuid, name, "defined");
  }
}
