package io.virtrev.libvirt;

import static io.virtrev.libvirt.NetworkSourceContract.assertRefused;
import static io.virtrev.libvirt.NetworkSourceContract.bridge;
import static io.virtrev.libvirt.NetworkSourceContract.xml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException.Kind;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The network source on libvirt's in-process test driver ({@code test:///default}), through the domain
 * source's connection ({@link LibvirtDomainSource#networks()}): what a daemon started with
 * {@code --connect test:///default} needs. The driver keeps one XML per network and refuses
 * {@code VIR_NETWORK_XML_INACTIVE}; the reader then serves that XML as the persistent one. (The full
 * contract runs on the fake and the real libvirtd: {@link NetworkSourceContract}.)
 */
class TestDriverNetworkSourceTest {
  private static final String URI = "test:///default";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static LibvirtDomainSource domains;
  private static RecordingListener listener;

  @BeforeAll
  static void connect() {
    domains = new LibvirtDomainSource(LibvirtSourceConfig.defaults(URI));
    listener = new RecordingListener();
    domains.start(listener);
    await().atMost(WAIT).until(domains::isConnected);
  }

  @AfterAll
  static void disconnect() {
    domains.close();
  }

  @Test
  void readsTheDriversNetworksThoughItRefusesTheInactiveFlag() {
    NetworkSource networks = domains.networks();
    NetworkObservation dflt = networks.listAll().stream().filter(n -> n.name().equals("default")).findFirst()
        .orElseThrow();
    assertThat(dflt.active()).isTrue();
    assertThat(dflt.persistent()).isTrue();
    assertThat(dflt.liveXml()).contains("<name>default</name>");
    assertThat(dflt.configXml()).isEqualTo(dflt.liveXml());
    assertThat(networks.get(dflt.uuid())).contains(dflt);
  }

  @Test
  void writesGoThroughTheSharedConnectionAndTheirEventsReachItsListenerOnTheEventLoop() {
    NetworkSource networks = domains.networks();
    String name = "i13-net-td-" + UUID.randomUUID().toString().substring(0, 6);
    NetworkObservation n = networks.define(xml(name, null, bridge(), ""));
    try {
      assertThat(n.configXml()).contains("<name>" + name + "</name>");
      assertThat(n.active()).isFalse();
      networks.start(n.uuid());
      assertThat(networks.get(n.uuid()).orElseThrow().active()).isTrue();
      networks.destroy(n.uuid());
      networks.undefine(n.uuid());
      assertThat(networks.get(n.uuid())).isEmpty();
      await().atMost(WAIT).untilAsserted(() -> assertThat(listener.events).filteredOn(e -> e.uid().equals(n.uuid()))
          .extracting(e -> e.kind() + "/" + e.name() + "/" + e.event().event())
          .containsExactly(SourceEvent.NETWORKS + "/" + name + "/defined", SourceEvent.NETWORKS + "/" + name + "/started",
              SourceEvent.NETWORKS + "/" + name + "/stopped", SourceEvent.NETWORKS + "/" + name + "/undefined"));
      assertThat(listener.threads).containsOnly(EventLoop.THREAD_NAME);
    } finally {
      try {
        networks.destroy(n.uuid());
      } catch (RuntimeException e) {
        // not active
      }
      try {
        networks.undefine(n.uuid());
      } catch (RuntimeException e) {
        // already gone
      }
    }
  }

  /**
   * Closing a source deregisters its network callback with the domain ones: a callback left registered
   * would keep firing after close (libvirt keeps the connection alive for it). Two connections to
   * {@code test:///default} in one JVM share the driver's events, so the other source's define must not
   * reach the closed one's listener.
   */
  @Test
  void aClosedSourceHearsNoMoreNetworkEvents() {
    RecordingListener closedListener = new RecordingListener();
    LibvirtDomainSource other = new LibvirtDomainSource(LibvirtSourceConfig.defaults(URI));
    other.start(closedListener);
    await().atMost(WAIT).until(other::isConnected);
    String before = "i13-net-td-b-" + UUID.randomUUID().toString().substring(0, 6);
    String beforeUuid = domains.networks().define(xml(before, null, bridge(), "")).uuid();
    await().atMost(WAIT).until(() -> closedListener.events.stream().anyMatch(e -> e.uid().equals(beforeUuid)));
    other.close();

    String after = "i13-net-td-a-" + UUID.randomUUID().toString().substring(0, 6);
    String afterUuid = domains.networks().define(xml(after, null, bridge(), "")).uuid();
    try {
      await().atMost(WAIT).until(() -> listener.events.stream().anyMatch(e -> e.uid().equals(afterUuid)));
      assertThat(closedListener.events).noneMatch(e -> e.uid().equals(afterUuid));
    } finally {
      domains.networks().undefine(beforeUuid);
      domains.networks().undefine(afterUuid);
    }
  }

  /** A source never started has no connection: its networks fail fast with CONNECTION; validate needs none. */
  @Test
  void withoutAConnectionEveryCallIsAConnectionError() {
    try (LibvirtDomainSource unstarted = new LibvirtDomainSource(LibvirtSourceConfig.defaults(URI))) {
      NetworkSource networks = unstarted.networks();
      String uuid = UUID.randomUUID().toString();
      assertRefused(networks::listAll, Kind.CONNECTION, URI);
      assertRefused(() -> networks.get(uuid), Kind.CONNECTION, URI);
      assertRefused(() -> networks.define(xml("i13-net-x", null, bridge(), "")), Kind.CONNECTION, URI);
      assertRefused(() -> networks.start(uuid), Kind.CONNECTION, URI);
      assertRefused(() -> networks.destroy(uuid), Kind.CONNECTION, URI);
      assertRefused(() -> networks.undefine(uuid), Kind.CONNECTION, URI);
      assertRefused(() -> networks.setAutostart(uuid, true), Kind.CONNECTION, URI);
      networks.validate(xml("i13-net-x", null, bridge(), ""), true);
    }
  }
}
