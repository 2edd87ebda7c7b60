package io.virtrev.libvirt;

import io.virtrev.fixtures.DomainXml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.DomainObservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source against the real libvirtd ({@code qemu:///system}) with tiny TCG domains, mutated with
 * virsh from outside the JVM. Skipped when libvirtd does not answer, unless
 * {@code VIRTREV_REQUIRE_LIBVIRTD=true} (system property or environment), which makes it fail.
 * Every domain it defines is named {@code vrt-test-*} and removed after each test, pass or fail.
 */
class QemuLibvirtdTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static LibvirtDomainSource source;
  private static RecordingListener listener;
  private final List<String> defined = new ArrayList<>();

  @BeforeAll
  static void requireLibvirtd() {
    if (!Host.libvirtdAnswers()) {
      String message = "libvirtd does not answer on " + Host.URI;
      if (required()) {
        Assertions.fail(message + " and VIRTREV_REQUIRE_LIBVIRTD=true");
      }
      Assumptions.abort(message + " (set VIRTREV_REQUIRE_LIBVIRTD=true to fail instead)");
    }
    source = new LibvirtDomainSource(LibvirtSourceConfig.defaults(Host.URI)
        .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
    listener = new RecordingListener();
    source.start(listener);
  }

  @AfterAll
  static void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  @BeforeEach
  void awaitConnected() {
    await().atMost(WAIT).until(source::isConnected);
  }

  @AfterEach
  void removeDefinedDomains() {
    for (String name : defined) {
      Host.virshQuietly("destroy", name);
      Host.virshQuietly("undefine", name);
    }
  }

  @Test
  void eventsConfigChangesDevicesAndMetadata() {
    String uuid = UUID.randomUUID().toString();
    String name = define(uuid);
    awaitEvent(uuid, "lifecycle/defined/added");
    assertThat(source.get(uuid).orElseThrow().state()).isEqualTo("shutoff");

    // setmem --config changes the stored XML and emits no event: only a read shows it
    int before = listener.eventsFor(uuid).size();
    Host.virsh("setmem", name, "24576", "--config");
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
        .until(() -> listener.eventsFor(uuid).size() == before);
    assertThat(source.get(uuid).orElseThrow().configXml())
        .contains("<currentMemory unit='KiB'>24576</currentMemory>");

    Host.virsh("desc", name, "--config", "x");
    awaitEvent(uuid, "metadata-change/null/description");
    assertThat(source.get(uuid).orElseThrow().configXml()).contains("<description>x</description>");

    Host.virsh("start", name);
    awaitEvent(uuid, "lifecycle/started/booted");
    DomainObservation running = source.get(uuid).orElseThrow();
    assertThat(running.state() + "/" + running.reason()).isEqualTo("running/booted");
    assertThat(running.id()).isNotNull();
    assertThat(running.liveXml()).contains("<alias name=");
    assertThat(running.configXml()).doesNotContain("<alias name=");

    Host.virsh("attach-device", name, tabletXml().toString(), "--live");
    await().atMost(WAIT).untilAsserted(() -> assertThat(listener.eventsFor(uuid))
        .anyMatch(e -> e.matches("device-added/null/input\\d+")));
    String alias = listener.eventsFor(uuid).stream().filter(e -> e.startsWith("device-added/"))
        .findFirst().orElseThrow().substring("device-added/null/".length());
    Host.virsh("detach-device", name, tabletXml().toString(), "--live");
    awaitEvent(uuid, "device-removed/null/" + alias);

    Host.virsh("destroy", name);
    awaitEvent(uuid, "lifecycle/stopped/destroyed");
    DomainObservation off = source.get(uuid).orElseThrow();
    assertThat(off.state() + "/" + off.reason()).isEqualTo("shutoff/destroyed");
    assertThat(off.id()).isNull();
    assertThat(off.liveXml()).isNull();

    Host.virsh("undefine", name);
    awaitEvent(uuid, "lifecycle/undefined/removed");
    assertThat(source.get(uuid)).isEmpty();
    assertThat(source.listAll()).noneMatch(o -> o.uuid().equals(uuid));
  }

  @Test
  void reconnectsAfterLibvirtdRestartAndReadsAgain() {
    String uuid = UUID.randomUUID().toString();
    String name = define(uuid);
    Host.virsh("start", name);
    awaitEvent(uuid, "lifecycle/started/booted");
    long connectedBefore = listener.connectedCount();
    long disconnectedBefore = listener.disconnectedCount();

    long restartStart = System.nanoTime();
    Host.Result restart = Host.run(120, Host.libvirtdScript().toString(), "restart");
    long restartMillis = (System.nanoTime() - restartStart) / 1_000_000;
    assertThat(restart.exit()).as(restart.output()).isZero();

    await().atMost(WAIT).until(() -> listener.disconnectedCount() == disconnectedBefore + 1);
    long awaitStart = System.nanoTime();
    await().atMost(WAIT).until(() -> listener.connectedCount() == connectedBefore + 1);
    System.out.printf("libvirtd restart script took %d ms; reconnected %d ms after it returned%n",
        restartMillis, (System.nanoTime() - awaitStart) / 1_000_000);
    List<String> transitions = listener.connection;
    assertThat(transitions.subList(transitions.size() - 2, transitions.size()))
        .containsExactly("disconnected", "connected");
    assertThat(source.isConnected()).isTrue();

    // QEMU survived the restart, reads work on the new connection, events are registered again
    DomainObservation running = source.get(uuid).orElseThrow();
    assertThat(running.state()).isEqualTo("running");
    assertThat(source.listAll()).anyMatch(o -> o.uuid().equals(uuid));
    Host.virsh("destroy", name);
    awaitEvent(uuid, "lifecycle/stopped/destroyed");
  }

  private String define(String uuid) {
    String name = "vrt-test-" + uuid.substring(0, 8);
    defined.add(name);
    String xml = DomainXml.tiny(name, uuid, 32);
    Host.virsh("define", Host.writeTemp(name, xml).toString());
    return name;
  }

  private static java.nio.file.Path tabletXml() {
    return Host.writeTemp("vrt-tablet", "<input type='tablet' bus='usb'/>");
  }

  private static void awaitEvent(String uuid, String expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(listener.eventsFor(uuid)).contains(expected));
  }

  private static boolean required() {
    String value = System.getProperty("VIRTREV_REQUIRE_LIBVIRTD", System.getenv("VIRTREV_REQUIRE_LIBVIRTD"));
    return "true".equalsIgnoreCase(value);
  }
}
