package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.NetworkXml;
import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.fixtures.Host;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The network contract against the real libvirtd ({@code qemu:///system}): bridges really created and
 * removed (starting a network needs Debian's {@code iptables}, which scripts/libvirtd.sh installs). Skipped
 * when libvirtd does not answer, unless {@code VIRTREV_REQUIRE_LIBVIRTD=true}. Also: what virsh does
 * behind the source's back reaches it as events.
 */
class QemuNetworkContractTest extends NetworkSourceContract {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @RegisterExtension
  static final QemuSession QEMU = new QemuSession(WAIT);

  @Override
  NetworkSource source() {
    return QEMU.source().networks();
  }

  @Override
  List<SourceEvent> events() {
    return QEMU.listener().events;
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
