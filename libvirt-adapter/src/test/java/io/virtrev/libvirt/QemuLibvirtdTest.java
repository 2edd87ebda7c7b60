package io.virtrev.libvirt;

import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.DomainObservation;
import io.virtrev.api.source.LifecycleAction;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceException.Kind;
import io.virtrev.api.source.UndefineOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
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
  /** Directories of disk images, removed after the domains. */
  private final List<java.nio.file.Path> files = new ArrayList<>();

  @BeforeAll
  static void requireLibvirtd() {
    Host.requireLibvirtd();
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
    for (java.nio.file.Path dir : files) {
      try (var paths = java.nio.file.Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException e) {
        // left in the temp dir
      }
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

  /**
   * Every write through the source on a real QEMU guest, with the states it leaves and the lifecycle
   * events libvirt 9.0 emits for it (names from libvirt's enums, not libvirt-java's).
   */
  @Test
  void writesThroughTheSourceAndTheirEvents() {
    String uuid = UUID.randomUUID().toString();
    String name = track(uuid);

    DomainObservation off = source.define(DomainXml.tiny(name, uuid, 32));
    assertThat(off.uuid() + "/" + off.name() + "/" + off.state()).isEqualTo(uuid + "/" + name + "/shutoff");
    assertThat(off.persistent()).isTrue();
    assertThat(off.configXml()).contains("<memory unit='KiB'>32768</memory>");
    awaitEvent(uuid, "lifecycle/defined/added");
    DomainObservation bigger = source.define(DomainXml.tiny(name, uuid, 40));
    assertThat(bigger.configXml()).contains("<memory unit='KiB'>40960</memory>");
    awaitEvent(uuid, "lifecycle/defined/updated");

    source.perform(uuid, LifecycleAction.START);
    assertState(uuid, "running/booted");
    awaitEvents(uuid, "lifecycle/resumed/unpaused", "lifecycle/started/booted");

    SourceException twice = catchThrowableOfType(SourceException.class,
        () -> source.perform(uuid, LifecycleAction.START));
    assertThat(twice.kind()).isEqualTo(Kind.OPERATION_INVALID);
    assertThat(twice.code()).isEqualTo(LibvirtErrors.OPERATION_INVALID);
    assertThat(twice.getMessage()).isEqualTo("Requested operation is not valid: domain is already running");

    source.perform(uuid, LifecycleAction.SUSPEND);
    assertState(uuid, "paused/user");
    awaitEvent(uuid, "lifecycle/suspended/paused");

    source.perform(uuid, LifecycleAction.RESUME);
    assertState(uuid, "running/unpaused");
    awaitEvents(uuid, "lifecycle/suspended/paused", "lifecycle/resumed/unpaused");

    int beforeReset = listener.eventsFor(uuid).size();
    source.perform(uuid, LifecycleAction.RESET);
    assertThat(source.get(uuid).orElseThrow().state()).isEqualTo("running");
    await().atMost(WAIT).untilAsserted(() -> assertThat(listener.eventsFor(uuid).subList(
        beforeReset, listener.eventsFor(uuid).size())).contains("reboot/null/null"));

    // no guest OS answers ACPI: libvirt accepts the request and nothing happens
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(15),
        () -> source.perform(uuid, LifecycleAction.SHUTDOWN));
    assertThat(source.get(uuid).orElseThrow().state()).isEqualTo("running");

    int beforeDestroy = listener.eventsFor(uuid).size();
    source.perform(uuid, LifecycleAction.DESTROY);
    assertState(uuid, "shutoff/destroyed");
    // libvirt 9.0 reports destroy as shutdown/host ("Finished after host request" in virsh), then
    // stopped/destroyed
    await().atMost(WAIT).untilAsserted(() -> assertThat(listener.eventsFor(uuid).subList(
        beforeDestroy, listener.eventsFor(uuid).size()))
        .containsExactly("lifecycle/shutdown/host", "lifecycle/stopped/destroyed"));

    source.undefine(uuid, UndefineOptions.NONE);
    assertThat(source.get(uuid)).isEmpty();
    awaitEvent(uuid, "lifecycle/undefined/removed");
    SourceException gone = catchThrowableOfType(SourceException.class,
        () -> source.undefine(uuid, UndefineOptions.NONE));
    assertThat(gone.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(gone.code()).isEqualTo(LibvirtErrors.NO_DOMAIN);
    assertThat(gone.getMessage()).isEqualTo("Domain not found: no domain with matching uuid '" + uuid + "'");
    System.out.println("events for " + name + ": " + listener.eventsFor(uuid));
  }

  /**
   * The events of live changes on a running TCG guest, with their details, as libvirt 9.0 emits them:
   * change-media on an empty cdrom (tray-change), a block copy and its pivot (block-job, block-job-2),
   * schedinfo --live (tunable, with the parameter's name), a VNC client (graphics, with its address).
   * setvcpus --live changes the live XML and emits nothing; setmem --live on a guest without a balloon
   * driver changes nothing and emits nothing.
   */
  @Test
  void liveChangesAndTheirEvents() throws Exception {
    String uuid = UUID.randomUUID().toString();
    String name = track(uuid);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vrt-live-");
    files.add(dir);
    java.nio.file.Path disk = dir.resolve("disk.raw");
    java.nio.file.Path media = dir.resolve("media.iso");
    java.nio.file.Path copy = dir.resolve("copy.raw");
    try (var f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(1 << 20);
    }
    try (var f = new java.io.RandomAccessFile(media.toFile(), "rw")) {
      f.setLength(1 << 20);
    }
    source.define(DomainXml.liveChangeable(name, uuid, disk));
    assertThat(source.get(uuid).orElseThrow().configXml()).contains("<memballoon model='virtio'>");
    Host.virsh("start", name);
    awaitEvent(uuid, "lifecycle/started/booted");

    Host.virsh("change-media", name, "hdc", media.toString(), "--insert", "--live");
    awaitEvents(uuid, "tray-change/open/ide0-1-0", "tray-change/close/ide0-1-0");
    assertThat(source.get(uuid).orElseThrow().liveXml()).contains("<source file='" + media + "'");

    Host.virsh("blockcopy", name, "vda", copy.toString(), "--format", "raw", "--wait", "--pivot", "--transient-job");
    awaitEvents(uuid, "block-job-2/ready/copy vda", "block-job-2/completed/copy vda");
    awaitEvents(uuid, "block-job/ready/copy " + disk, "block-job/completed/copy " + copy);
    assertThat(source.get(uuid).orElseThrow().liveXml()).contains("<source file='" + copy + "'");

    Host.Result schedinfo = Host.virshQuietly("schedinfo", name, "--live", "cpu_shares=512");
    org.junit.jupiter.api.Assumptions.assumeFalse(schedinfo.exit() != 0 && schedinfo.output().contains("cgroup"),
        "no cpu cgroup controller for libvirt here: " + schedinfo.output());
    assertThat(schedinfo.exit()).as(schedinfo.output()).isZero();
    awaitEvent(uuid, "tunable/null/cputune.cpu_shares");
    assertThat(source.get(uuid).orElseThrow().liveXml()).contains("<shares>512</shares>");

    int port = Integer.parseInt(Host.virsh("vncdisplay", name).strip().replaceFirst(".*:", "")) + 5900;
    String clientAddress;
    try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
      clientAddress = "127.0.0.1:" + client.getLocalPort();
      awaitEvent(uuid, "graphics/connect/" + clientAddress);
    }
    awaitEvent(uuid, "graphics/disconnect/" + clientAddress);

    int before = listener.eventsFor(uuid).size();
    String liveBefore = source.get(uuid).orElseThrow().liveXml();
    Host.virsh("setmem", name, "49152", "--live");
    Host.virsh("setvcpus", name, "2", "--live");
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> listener.eventsFor(uuid).size() == before);
    String liveAfter = source.get(uuid).orElseThrow().liveXml();
    assertThat(liveBefore).contains("<vcpu placement='static' current='1'>2</vcpu>")
        .contains("<currentMemory unit='KiB'>65536</currentMemory>");
    assertThat(liveAfter).as("setvcpus --live: a change without an event")
        .contains("<vcpu placement='static'>2</vcpu>")
        .as("setmem --live: no balloon driver in the guest, nothing changes")
        .contains("<currentMemory unit='KiB'>65536</currentMemory>");
  }

  @Test
  void defineRejectsUnknownElementsAndMalformedXmlAndDefinesNothing() {
    String uuid = UUID.randomUUID().toString();
    String name = track(uuid);
    String bogus = DomainXml.tiny(name, uuid, 32).replace("</devices>", "<bogus/></devices>");
    assertThat(bogus).contains("<bogus/></devices>");

    SourceException invalid = catchThrowableOfType(SourceException.class, () -> source.define(bogus));
    assertThat(invalid.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(invalid.code()).isEqualTo(LibvirtErrors.XML_INVALID_SCHEMA);
    assertThat(invalid.getMessage()).startsWith("XML document failed to validate against schema");
    assertThat(source.get(uuid)).isEmpty();
    assertThat(Host.run(10, "virsh", "-q", "-c", Host.URI, "dominfo", name).exit()).isNotZero();

    SourceException malformed = catchThrowableOfType(SourceException.class,
        () -> source.define(DomainXml.tiny(name, uuid, 32).replace("</domain>", "")));
    assertThat(malformed.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(malformed.code()).isIn(LibvirtErrors.XML_ERROR, LibvirtErrors.XML_DETAIL);
    assertThat(malformed.getMessage()).contains("Premature end of data");
    assertThat(source.get(uuid)).isEmpty();

    // a name clash is OPERATION_FAILED: OTHER, with libvirt's code and message
    source.define(DomainXml.tiny(name, uuid, 32));
    String otherUuid = UUID.randomUUID().toString();
    SourceException clash = catchThrowableOfType(SourceException.class,
        () -> source.define(DomainXml.tiny(name, otherUuid, 32)));
    assertThat(clash.kind()).isEqualTo(Kind.OTHER);
    assertThat(clash.code()).isEqualTo(LibvirtErrors.OPERATION_FAILED);
    assertThat(clash.getMessage())
        .isEqualTo("operation failed: domain '" + name + "' already exists with uuid " + uuid);
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
    Host.Result restart = Host.run(120, Host.script("libvirtd.sh").toString(), "restart");
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

  /**
   * Over one connection to libvirtd, a re-read has its calls in flight together: the four after the
   * state (run on the caller) may start only once all four wait (a {@link GatedExecutor}), which a read
   * issuing them in turn would never reach. What it reads is what the same calls in turn and virsh read.
   */
  @Test
  void aReadsCallsAreInFlightTogetherOnOneConnectionAndReadWhatVirshReads() throws Exception {
    String uuid = UUID.randomUUID().toString();
    String name = define(uuid);
    Host.virsh("start", name);
    Host.virsh("autostart", name);
    NativeConnect connect = new NativeConnect(Host.URI);
    try {
      GatedExecutor four = new GatedExecutor(4);
      DomainObservation read = DomainReader.lookupAndRead(connect, uuid, ParallelCalls.on(four));
      assertThat(four.failures()).isEmpty();
      assertThat(four.submitted()).isEqualTo(4);
      assertThat(read).isEqualTo(DomainReader.lookupAndRead(connect, uuid, ParallelCalls.on(Runnable::run)));
      assertThat(read.state() + "/" + read.reason()).isEqualTo("running/booted");
      assertThat(read.persistent()).isTrue();
      assertThat(read.autostart()).isTrue();
      assertThat(read.id()).isEqualTo(Integer.valueOf(Host.virsh("domid", name).trim()));
      assertThat(read.liveXml()).isEqualToIgnoringWhitespace(Host.virsh("dumpxml", name));
      assertThat(read.configXml()).isEqualToIgnoringWhitespace(Host.virsh("dumpxml", "--inactive", name));
    } finally {
      connect.close();
    }
  }

  /** Reads elide secrets; only secureConfigXml has them. A 9-character VNC password is INVALID_CONFIG (67). */
  @Test
  void secretsOnlyInTheSecureReadAndUnsupportedConfigurationIsInvalidConfig() {
    String uuid = UUID.randomUUID().toString();
    String name = track(uuid);
    String graphics = "<graphics type='vnc' port='-1' passwd='%s'/><serial type='null'/>";
    SourceException tooLong = catchThrowableOfType(SourceException.class, () -> source.define(
        DomainXml.tiny(name, uuid, 32).replace("<serial type='null'/>", String.format(graphics, "123456789"))));
    assertThat(tooLong.kind()).isEqualTo(Kind.INVALID_CONFIG);
    assertThat(tooLong.code()).isEqualTo(LibvirtErrors.CONFIG_UNSUPPORTED);
    assertThat(tooLong.getMessage()).startsWith("unsupported configuration: VNC password");

    DomainObservation defined = source.define(
        DomainXml.tiny(name, uuid, 32).replace("<serial type='null'/>", String.format(graphics, "s3cret-1")));
    assertThat(defined.configXml()).contains("<graphics type='vnc'").doesNotContain("s3cret-1");
    assertThat(source.get(uuid).orElseThrow().configXml()).doesNotContain("s3cret-1");
    assertThat(source.secureConfigXml(uuid).orElseThrow()).contains("passwd='s3cret-1'");
    assertThat(source.secureConfigXml(UUID.randomUUID().toString())).isEmpty();
  }

  private String define(String uuid) {
    String name = track(uuid);
    String xml = DomainXml.tiny(name, uuid, 32);
    Host.virsh("define", Host.writeTemp(name, xml).toString());
    return name;
  }

  /** The name for {@code uuid}, registered for removal after the test before anything defines it. */
  private String track(String uuid) {
    String name = "vrt-test-" + uuid.substring(0, 8);
    defined.add(name);
    return name;
  }

  private static void assertState(String uuid, String stateAndReason) {
    DomainObservation o = source.get(uuid).orElseThrow();
    assertThat(o.state() + "/" + o.reason()).isEqualTo(stateAndReason);
  }

  /** Waits until {@code expected} appear, in this order (others may come in between). */
  private static void awaitEvents(String uuid, String... expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(listener.eventsFor(uuid)).containsSubsequence(expected));
  }

  private static java.nio.file.Path tabletXml() {
    return Host.writeTemp("vrt-tablet", "<input type='tablet' bus='usb'/>");
  }

  private static void awaitEvent(String uuid, String expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(listener.eventsFor(uuid)).contains(expected));
  }
}
