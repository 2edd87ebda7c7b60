package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link NetworkSource} contract, run against every implementation: the fake
 * ({@code FakeNetworkSourceContractTest}) and the real libvirtd ({@code QemuNetworkContractTest}). Not
 * against libvirt's test driver: its networks behave otherwise (one XML per network, no transient
 * networks by undefine, a destroy of an inactive network succeeds); {@code TestDriverNetworkSourceTest}
 * checks what the adapter needs from it. What each write leaves, the events it emits
 * (exactly, in order, per network), and that refused input changes nothing.
 *
 * <p>Networks are isolated (no {@code <forward>}), without DNS (so no dnsmasq is needed), with a unique
 * name, bridge and /30 subnet each; every network a test defines is destroyed and undefined after it.
 * "No event" is proven without waiting for nothing: a later write's event must follow directly.
 */
abstract class NetworkSourceContract {
  /** The port under test. */
  abstract NetworkSource source();

  /** Every event the port's listener received so far, in arrival order. */
  abstract List<SourceEvent> events();

  /** How long an event may take to arrive. */
  abstract Duration eventWait();

  private final String run = UUID.randomUUID().toString().substring(0, 6);
  private final List<String> defined = new ArrayList<>();

  @AfterEach
  void removeDefinedNetworks() {
    for (String uuid : defined) {
      quietly(() -> source().destroy(uuid));
      quietly(() -> source().undefine(uuid));
    }
  }

  // ---- define, get, list, redefine ----

  @Test
  void defineReturnsWhatGetAndListAllReadAndARedefineChangesTheConfig() {
    String name = name("def");
    String uuid = UUID.randomUUID().toString();
    NetworkObservation n = define(xml(name, uuid, bridge(), ""));

    assertThat(n.uuid()).isEqualTo(uuid);
    assertThat(n.name()).isEqualTo(name);
    assertThat(n.configXml()).contains("<name>" + name + "</name>").contains("<uuid>" + uuid + "</uuid>");
    assertThat(n.active()).isFalse();
    assertThat(n.liveXml()).isNull();
    assertThat(n.persistent()).isTrue();
    assertThat(n.autostart()).isFalse();
    assertThat(source().get(uuid)).contains(n);
    assertThat(source().listAll()).contains(n);

    NetworkObservation changed = source().define(xml(name, uuid, bridgeOf(n), "<mtu size='1400'/>"));
    assertThat(changed.configXml()).contains("<mtu size='1400'/>");
    assertThat(changed.uuid()).isEqualTo(uuid);
    assertThat(source().get(uuid)).contains(changed);
    awaitEvents(uuid, name, "defined", "defined");
  }

  @Test
  void defineWithoutAUuidGetsOneFromTheHypervisor() {
    String name = name("nouuid");
    NetworkObservation n = define(xml(name, null, bridge(), ""));
    assertThat(UUID.fromString(n.uuid()).toString()).isEqualTo(n.uuid());
    assertThat(n.configXml()).contains("<uuid>" + n.uuid() + "</uuid>");
    assertThat(source().get(n.uuid())).contains(n);
    awaitEvents(n.uuid(), name, "defined");
  }

  // ---- start, destroy, a redefine while active ----

  @Test
  void startAndDestroyChangeActivityAndARedefineWhileActiveChangesOnlyTheConfig() {
    String name = name("life");
    String uuid = UUID.randomUUID().toString();
    NetworkObservation n = define(xml(name, uuid, bridge(), ""));

    source().start(uuid);
    NetworkObservation running = source().get(uuid).orElseThrow();
    assertThat(running.active()).isTrue();
    assertThat(running.persistent()).isTrue();
    assertThat(running.liveXml()).contains("<name>" + name + "</name>").doesNotContain("mtu");
    assertThat(source().listAll()).contains(running);
    assertRefused(() -> source().start(uuid), Kind.OPERATION_INVALID, "already active");

    source().define(xml(name, uuid, bridgeOf(n), "<mtu size='1400'/>"));
    NetworkObservation redefined = source().get(uuid).orElseThrow();
    assertThat(redefined.active()).isTrue();
    assertThat(redefined.liveXml()).as("the running network keeps its definition until restarted")
        .doesNotContain("mtu");
    assertThat(redefined.configXml()).contains("<mtu size='1400'/>");

    source().destroy(uuid);
    NetworkObservation stopped = source().get(uuid).orElseThrow();
    assertThat(stopped.active()).isFalse();
    assertThat(stopped.liveXml()).isNull();
    assertThat(stopped.persistent()).isTrue();
    assertThat(stopped.configXml()).as("the redefinition is what remains").contains("<mtu size='1400'/>");
    assertRefused(() -> source().destroy(uuid), Kind.OPERATION_INVALID, "not active");
    awaitEvents(uuid, name, "defined", "started", "defined", "stopped");
  }

  // ---- autostart ----

  @Test
  void autostartIsSetAndClearedWithoutAnEvent() {
    String name = name("auto");
    String uuid = define(xml(name, null, bridge(), "")).uuid();

    source().setAutostart(uuid, true);
    assertThat(source().get(uuid).orElseThrow().autostart()).isTrue();
    assertThat(source().listAll()).filteredOn(o -> o.uuid().equals(uuid)).singleElement()
        .satisfies(o -> assertThat(o.autostart()).isTrue());
    source().setAutostart(uuid, false);
    assertThat(source().get(uuid).orElseThrow().autostart()).isFalse();
    source().setAutostart(uuid, true);

    source().start(uuid); // its event follows "defined" directly: autostart emitted none
    awaitEvents(uuid, name, "defined", "started");
    assertThat(source().get(uuid).orElseThrow().autostart()).isTrue();
  }

  // ---- undefine ----

  @Test
  void undefineOfAnInactiveNetworkRemovesIt() {
    String name = name("undef");
    String uuid = define(xml(name, null, bridge(), "")).uuid();

    source().undefine(uuid);
    assertThat(source().get(uuid)).isEmpty();
    assertThat(source().listAll()).noneMatch(o -> o.uuid().equals(uuid) || o.name().equals(name));
    awaitEvents(uuid, name, "defined", "undefined");
    for (Runnable write : List.<Runnable>of(() -> source().undefine(uuid), () -> source().start(uuid),
        () -> source().destroy(uuid), () -> source().setAutostart(uuid, true))) {
      assertRefused(write, Kind.NOT_FOUND, uuid);
    }
  }

  @Test
  void undefineOfAnActiveNetworkLeavesItTransientUntilItIsDestroyed() {
    String name = name("trans");
    String uuid = define(xml(name, null, bridge(), "")).uuid();
    source().start(uuid);

    source().undefine(uuid);
    NetworkObservation transientOne = source().get(uuid).orElseThrow();
    assertThat(transientOne.active()).isTrue();
    assertThat(transientOne.persistent()).isFalse();
    assertThat(transientOne.liveXml()).contains("<name>" + name + "</name>");
    assertRefused(() -> source().undefine(uuid), Kind.OPERATION_INVALID, "transient");
    assertRefused(() -> source().setAutostart(uuid, true), Kind.OPERATION_INVALID, "transient");

    source().destroy(uuid);
    assertThat(source().get(uuid)).isEmpty();
    assertThat(source().listAll()).noneMatch(o -> o.uuid().equals(uuid));
    awaitEvents(uuid, name, "defined", "started", "undefined", "stopped");
  }

  @Test
  void aStringThatIsNotAUuidNamesNoNetwork() {
    assertThat(source().get("not-a-uuid")).isEmpty();
    assertThat(source().get(UUID.randomUUID().toString())).isEmpty();
    assertRefused(() -> source().start("not-a-uuid"), Kind.NOT_FOUND, "not-a-uuid");
    assertRefused(() -> source().undefine("not-a-uuid"), Kind.NOT_FOUND, "not-a-uuid");
  }

  // ---- bad input changes nothing ----

  @Test
  void malformedOrSchemaInvalidXmlIsRefusedAndChangesNothing() {
    String name = name("bad");
    String uuid = UUID.randomUUID().toString();
    String good = xml(name, uuid, bridge(), "");

    assertRefused(() -> source().define("<network><name>" + name + "</name>"), Kind.INVALID_XML, "");
    SourceException schema = catchThrowableOfType(() -> source().define(good.replace("</name>", "</name><bogus/>")),
        SourceException.class);
    assertThat(schema).as("an unknown element, validated").isNotNull();
    assertThat(schema.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(schema.code()).isEqualTo(92);
    assertThat(schema.getMessage()).contains("network.rng").contains("bogus");
    assertThat(source().get(uuid)).isEmpty();
    assertThat(source().listAll()).noneMatch(o -> o.name().equals(name));

    NetworkObservation n = define(good);
    assertRefused(() -> source().define(good.replace("</name>", "</name><bogus/>")), Kind.INVALID_XML, "bogus");
    assertRefused(() -> source().define(xml(name, UUID.randomUUID().toString(), bridge(), "")), Kind.OTHER,
        "already exists with uuid " + uuid);
    assertRefused(() -> source().define(xml(name("other"), uuid, bridge(), "")), Kind.OTHER,
        "already defined with uuid " + uuid);
    assertThat(source().get(uuid)).contains(n);

    source().start(uuid); // directly after "defined": the refused defines emitted nothing
    awaitEvents(uuid, name, "defined", "started");
  }

  @Test
  void withoutValidationUnknownElementsAreDroppedSilently() {
    String name = name("lax");
    NetworkObservation n = define(xml(name, null, bridge(), "<bogus/>"), false);
    assertThat(n.configXml()).doesNotContain("bogus").contains("<name>" + name + "</name>");
    assertThat(source().get(n.uuid())).contains(n);
  }

  @Test
  void validateChecksLikeDefineWithoutDefining() {
    String name = name("dry");
    String uuid = UUID.randomUUID().toString();
    String good = xml(name, uuid, bridge(), "");
    String bogus = good.replace("</name>", "</name><bogus/>");

    source().validate(good, true);
    source().validate(bogus, false);
    SourceException schema = catchThrowableOfType(() -> source().validate(bogus, true), SourceException.class);
    assertThat(schema).isNotNull();
    assertThat(schema.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(schema.code()).isEqualTo(92);
    assertThat(schema.getMessage()).contains("network.rng").contains("bogus");
    SourceException malformed = catchThrowableOfType(
        () -> source().validate("<network><name>" + name + "</name>", false), SourceException.class);
    assertThat(malformed).isNotNull();
    assertThat(malformed.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(malformed.code()).isEqualTo(27);
    assertThat(source().get(uuid)).isEmpty();
    assertThat(source().listAll()).noneMatch(o -> o.name().equals(name));
  }

  // ---- helpers ----

  /** A unique network name of this run. */
  final String name(String suffix) {
    return "i13-net-" + run + "-" + suffix;
  }

  /** A unique bridge name (at most 15 characters, as Linux allows). */
  static String bridge() {
    return "vrtn" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An isolated network without DNS on a random /30 of 10.213.0.0/16; {@code uuid} null for none. */
  static String xml(String name, String uuid, String bridge, String extra) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String net = "10.213." + r.nextInt(256) + ".";
    int base = r.nextInt(64) * 4;
    return "<network>\n  <name>" + name + "</name>\n"
        + (uuid == null ? "" : "  <uuid>" + uuid + "</uuid>\n")
        + "  <bridge name='" + bridge + "'/>\n" + extra
        + "  <dns enable='no'/>\n"
        + "  <ip address='" + net + (base + 1) + "' netmask='255.255.255.252'/>\n"
        + "</network>\n";
  }

  /** The bridge a definition names (so a redefine keeps it). */
  static String bridgeOf(NetworkObservation n) {
    String bridge = io.virtrev.api.NetworkXml.bridge(n.configXml());
    assertThat(bridge).as("bridge of " + n.name()).isNotNull();
    return bridge;
  }

  final NetworkObservation define(String xml) {
    return define(xml, true);
  }

  final NetworkObservation define(String xml, boolean validate) {
    NetworkObservation n = source().define(xml, validate);
    defined.add(n.uuid());
    return n;
  }

  /** Waits until the network events for {@code uuid} are exactly {@code names}, all lifecycle, named {@code name}. */
  final void awaitEvents(String uuid, String name, String... names) {
    await().atMost(eventWait()).untilAsserted(() -> assertThat(eventsFor(uuid)).containsExactly(names));
    assertThat(events()).filteredOn(e -> e.uid().equals(uuid)).allSatisfy(e -> {
      assertThat(e.kind()).isEqualTo(SourceEvent.NETWORKS);
      assertThat(e.name()).isEqualTo(name);
      assertThat(e.event().type()).isEqualTo(LibvirtEvent.LIFECYCLE);
      assertThat(e.event().detail()).isNull();
      assertThat(e.event().time()).isNotNull();
    });
  }

  private List<String> eventsFor(String uuid) {
    return events().stream().filter(e -> e.uid().equals(uuid)).map(e -> e.event().event()).toList();
  }

  static void assertRefused(Runnable write, Kind kind, String messagePart) {
    assertThatThrownBy(write::run).isInstanceOfSatisfying(SourceException.class, e -> {
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (SourceException e) {
      // already gone, or not active
    }
  }

}
