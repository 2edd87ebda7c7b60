package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.NetworkXml;
import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.fixtures.Host;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network contract against the real libvirtd ({@code qemu:///system}): bridges really created and
 * removed (starting a network needs Debian's {@code iptables}, which scripts/libvirtd.sh installs). Skipped
 * when libvirtd does not answer, unless {@code VIRTREV_REQUIRE_LIBVIRTD=true}. Also: what virsh does
 * behind the source's back reaches it as events.
 */
class QemuNetworkContractTest extends NetworkSourceContract {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static LibvirtDomainSource domains;
  private static RecordingListener listener;

  @BeforeAll
  static void connect() {
    Host.requireLibvirtd();
    domains = new LibvirtDomainSource(LibvirtSourceConfig.defaults(Host.URI)
        .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
    listener = new RecordingListener();
    domains.start(listener);
  }

  @AfterAll
  static void disconnect() {
    if (domains != null) {
      domains.close();
    }
  }

  @BeforeEach
  void awaitConnected() {
    await().atMost(WAIT).until(domains::isConnected);
  }

  @Override
  NetworkSource source() {
    return domains.networks();
  }

  @Override
  List<SourceEvent> events() {
    return listener.events;
  }

  @Override
  Duration eventWait() {
    return WAIT;
  }

  @Test
  void aStartedNetworkHasItsBridgeOnTheHostAndVirshChangesArriveAsEvents() {
    String name = name("virsh");
    String uuid = UUID.randomUUID().toString();
    String bridge = bridge();
    Host.virsh("net-define", Host.writeTemp(name, xml(name, uuid, bridge, "")).toString());
    try {
      Host.virsh("net-start", name);
      NetworkObservation running = source().get(uuid).orElseThrow();
      assertThat(NetworkXml.bridge(running.liveXml())).isEqualTo(bridge);
      assertThat(Host.run(10, "ip", "link", "show", bridge).exit()).as("bridge " + bridge + " exists").isZero();
      Host.virsh("net-destroy", name);
      assertThat(Host.run(10, "ip", "link", "show", bridge).exit()).as("bridge " + bridge + " is gone").isNotZero();
      Host.virsh("net-undefine", name);
      awaitEvents(uuid, name, "defined", "started", "stopped", "undefined");
      assertThat(source().get(uuid)).isEmpty();
    } finally {
      Host.virshQuietly("net-destroy", name);
      Host.virshQuietly("net-undefine", name);
    }
  }
}
