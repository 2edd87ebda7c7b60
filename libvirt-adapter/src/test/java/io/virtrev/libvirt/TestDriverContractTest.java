package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The source against libvirt's in-process test driver. Two connections to {@code test:///default}
 * in one JVM share the driver's state and events, so the test mutates through its own plain
 * libvirt-java connection and observes through the source.
 */
class TestDriverContractTest {
  private static final String URI = "test:///default";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static Connect mutator;
  private static LibvirtDomainSource source;
  private static RecordingListener listener;
  private final List<String> defined = new ArrayList<>();

  @BeforeAll
  static void connect() throws LibvirtException {
    EventLoop.ensureStarted();
    mutator = new Connect(URI);
    source = new LibvirtDomainSource(LibvirtSourceConfig.defaults(URI));
    listener = new RecordingListener();
    source.start(listener);
    await().atMost(WAIT).until(source::isConnected);
    await().atMost(WAIT).until(() -> listener.connectedCount() == 1);
  }

  @AfterAll
  static void disconnect() throws LibvirtException {
    source.close();
    mutator.close();
  }

  @AfterEach
  void removeDefined() {
    for (String uuid : defined) {
      try {
        Domain domain = mutator.domainLookupByUUIDString(uuid);
        try {
          if (domain.isActive() == 1) {
            domain.destroy();
          }
          if (domain.isPersistent() == 1) {
            domain.undefine();
          }
        } finally {
          domain.free();
        }
      } catch (LibvirtException e) {
        // already gone
      }
    }
  }

  @Test
  void listAllSeesTheDriversDefaultDomain() {
    List<DomainObservation> all = source.listAll();

    DomainObservation test = all.stream().filter(o -> o.name().equals("test")).findFirst().orElseThrow();
    assertThat(test.uuid()).isEqualTo(test.uuid().toLowerCase());
    assertThat(test.state()).isEqualTo("running");
    assertThat(test.reason()).isNotBlank();
    assertThat(test.id()).isNotNull();
    assertThat(test.liveXml()).contains("<name>test</name>");
    assertThat(test.configXml()).contains("<name>test</name>");
    assertThat(test.persistent()).isTrue();
    assertThat(source.get(test.uuid())).contains(test);
    assertThat(source.describe()).isEqualTo(URI);
  }

  @Test
  void aListingInStepsReadsWhatGetReadsIncludingPersistenceAndAutostart() throws LibvirtException {
    String base = UUID.randomUUID().toString().substring(0, 8);
    String off = UUID.randomUUID().toString();
    String auto = UUID.randomUUID().toString();
    String transientOne = UUID.randomUUID().toString();
    String gone = UUID.randomUUID().toString();
    defined.addAll(List.of(off, auto, transientOne, gone));
    mutator.domainDefineXML(testDomainXml("vrt-list-off-" + base, off)).free();
    Domain a = mutator.domainDefineXML(testDomainXml("vrt-list-auto-" + base, auto));
    a.setAutostart(true);
    a.free();
    mutator.domainCreateXML(testDomainXml("vrt-list-transient-" + base, transientOne), 0).free();
    Domain g = mutator.domainDefineXML(testDomainXml("vrt-list-gone-" + base, gone));

    List<DomainObservation> stepped = new ArrayList<>();
    int steps = 0;
    try (var listing = source.listing()) {
      g.undefine(); // after the listing opened: its step skips it
      g.free();
      while (listing.hasNext()) {
        stepped.addAll(listing.next(2));
        steps++;
      }
      assertThat(listing.next(1)).isEmpty();
    }
    assertThat(steps).isGreaterThan(1);
    assertThat(stepped).extracting(DomainObservation::uuid).doesNotContain(gone).contains(off, auto, transientOne);
    for (DomainObservation o : stepped) {
      assertThat(o).as(o.name()).isEqualTo(source.get(o.uuid()).orElseThrow());
    }
    DomainObservation t = stepped.stream().filter(o -> o.uuid().equals(transientOne)).findFirst().orElseThrow();
    assertThat(t.persistent()).isFalse();
    assertThat(t.state()).isEqualTo("running");
    assertThat(t.liveXml()).contains(transientOne);
    assertThat(stepped.stream().filter(o -> o.uuid().equals(auto)).findFirst().orElseThrow().autostart()).isTrue();
    assertThat(stepped.stream().filter(o -> o.uuid().equals(off)).findFirst().orElseThrow())
        .satisfies(o -> {
          assertThat(o.autostart()).isFalse();
          assertThat(o.persistent()).isTrue();
          assertThat(o.liveXml()).isNull();
        });
    assertThat(source.listAll()).containsExactlyInAnyOrderElementsOf(stepped);
  }

  @Test
  void lifecycleEventsAndStatesFollowEachChange() throws LibvirtException {
    String uuid = UUID.randomUUID().toString();
    String name = "vrt-test-" + uuid.substring(0, 8);
    defined.add(uuid);

    Domain domain = mutator.domainDefineXML(testDomainXml(name, uuid));
    try {
      awaitEvent(uuid, "lifecycle/defined/added");
      DomainObservation off = source.get(uuid).orElseThrow();
      assertThat(off.name()).isEqualTo(name);
      assertThat(off.state()).isEqualTo("shutoff");
      assertThat(off.liveXml()).isNull();
      assertThat(off.id()).isNull();
      assertThat(off.persistent()).isTrue();
      assertThat(off.autostart()).isFalse();

      domain.create();
      awaitEvent(uuid, "lifecycle/started/booted");
      assertState(uuid, "running", "booted");
      assertThat(source.get(uuid).orElseThrow().id()).isNotNull();
      assertThat(source.get(uuid).orElseThrow().liveXml()).contains(uuid);

      domain.suspend();
      awaitEvent(uuid, "lifecycle/suspended/paused");
      assertState(uuid, "paused", "user");

      domain.resume();
      awaitEvent(uuid, "lifecycle/resumed/unpaused");
      assertState(uuid, "running", "unpaused");

      domain.destroy();
      awaitEvent(uuid, "lifecycle/stopped/destroyed");
      assertState(uuid, "shutoff", "destroyed");

      domain.undefine();
      awaitEvent(uuid, "lifecycle/undefined/removed");
      assertThat(source.get(uuid)).isEmpty();
      assertThat(source.listAll()).noneMatch(o -> o.uuid().equals(uuid));
    } finally {
      domain.free();
    }
    assertThat(listener.events).filteredOn(e -> e.uuid().equals(uuid)).allMatch(e -> name.equals(e.name()));
    assertThat(listener.threads).containsOnly(EventLoop.THREAD_NAME);
  }

  @Test
  void transientDomainIsListedAndNotPersistent() throws LibvirtException {
    String uuid = UUID.randomUUID().toString();
    defined.add(uuid);
    Domain domain = mutator.domainCreateXML(testDomainXml("vrt-test-" + uuid.substring(0, 8), uuid), 0);
    try {
      awaitEvent(uuid, "lifecycle/started/booted");
      DomainObservation running = source.listAll().stream()
          .filter(o -> o.uuid().equals(uuid)).findFirst().orElseThrow();
      assertThat(running.persistent()).isFalse();
      assertThat(running.state()).isEqualTo("running");

      domain.destroy();
      awaitEvent(uuid, "lifecycle/stopped/destroyed");
      assertThat(source.get(uuid)).isEmpty();
    } finally {
      domain.free();
    }
  }

  @Test
  void metadataChangeArrivesThroughJna() throws LibvirtException {
    String uuid = UUID.randomUUID().toString();
    defined.add(uuid);
    Domain domain = mutator.domainDefineXML(testDomainXml("vrt-test-" + uuid.substring(0, 8), uuid));
    try {
      domain.setMetadata(0 /* DESCRIPTION */, "hello", null, null, 0);
      awaitEvent(uuid, "metadata-change/null/description");
      assertThat(source.get(uuid).orElseThrow().configXml()).contains("<description>hello</description>");
    } finally {
      domain.free();
    }
  }

  @Test
  void unknownOrMalformedUuidIsEmpty() {
    assertThat(source.get(UUID.randomUUID().toString())).isEmpty();
    assertThat(source.get("not-a-uuid")).isEqualTo(Optional.empty());
  }

  @Test
  void libvirtErrorsMapToKindsWithLibvirtsCodeAndMessage() {
    LibvirtException malformed =
        catchThrowableOfType(LibvirtException.class, () -> mutator.domainDefineXML("<domain"));
    SourceException xml = LibvirtErrors.map(malformed, () -> true);
    assertThat(xml.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(xml.code()).isIn(LibvirtErrors.XML_ERROR, LibvirtErrors.XML_DETAIL);
    assertThat(xml.getMessage()).isEqualTo(malformed.getError().getMessage()).isNotBlank();

    LibvirtException missing = catchThrowableOfType(LibvirtException.class,
        () -> mutator.domainLookupByUUIDString(UUID.randomUUID().toString()));
    assertThat(LibvirtErrors.map(missing, () -> true).kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void destroyingAnInactiveDomainIsOperationInvalid() throws LibvirtException {
    String uuid = UUID.randomUUID().toString();
    defined.add(uuid);
    Domain domain = mutator.domainDefineXML(testDomainXml("vrt-test-" + uuid.substring(0, 8), uuid));
    try {
      LibvirtException invalid = catchThrowableOfType(LibvirtException.class, domain::destroy);
      SourceException mapped = LibvirtErrors.map(invalid, () -> true);
      assertThat(mapped.kind()).isEqualTo(Kind.OPERATION_INVALID);
      assertThat(mapped.code()).isEqualTo(LibvirtErrors.OPERATION_INVALID);

      // the test driver reports suspending an inactive domain as INTERNAL_ERROR: not a connection
      // error while the connection is alive
      LibvirtException internal = catchThrowableOfType(LibvirtException.class, domain::suspend);
      assertThat(LibvirtErrors.map(internal, () -> true).kind()).isEqualTo(Kind.OTHER);
      assertThat(LibvirtErrors.map(internal, () -> false).kind()).isEqualTo(Kind.CONNECTION);
    } finally {
      domain.free();
    }
  }

  @Test
  void defineReturnsTheReadBackAndRedefiningTheUuidChangesIt() {
    String uuid = UUID.randomUUID().toString();
    String name = "vrt-test-" + uuid.substring(0, 8);
    defined.add(uuid);

    DomainObservation first = source.define(testDomainXml(name, uuid));
    assertThat(first.uuid()).isEqualTo(uuid);
    assertThat(first.name()).isEqualTo(name);
    assertThat(first.state() + "/" + first.persistent()).isEqualTo("shutoff/true");
    assertThat(first.configXml()).contains("<memory unit='KiB'>8192</memory>");
    assertThat(source.get(uuid)).contains(first);
    awaitEvent(uuid, "lifecycle/defined/added");

    DomainObservation second = source.define(testDomainXml(name, uuid).replace(">8192<", ">16384<"));
    assertThat(second.uuid()).isEqualTo(uuid);
    assertThat(second.configXml()).contains("<memory unit='KiB'>16384</memory>");
    assertThat(source.get(uuid)).contains(second);
    awaitEvent(uuid, "lifecycle/defined/updated");
  }

  @Test
  void defineValidatesAgainstTheSchemaAndDefinesNothingOnFailure() {
    String uuid = UUID.randomUUID().toString();
    defined.add(uuid);
    String bogus = testDomainXml("vrt-test-" + uuid.substring(0, 8), uuid)
        .replace("</os>", "</os><devices><bogus/></devices>");

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.define(bogus));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(e.code()).isEqualTo(LibvirtErrors.XML_INVALID_SCHEMA);
    assertThat(e.getMessage()).startsWith("XML document failed to validate against schema");
    assertThat(source.get(uuid)).isEmpty();
  }

  /** The dry run's check agrees with libvirt's validating define, and defines nothing either way. */
  @Test
  void validateAgreesWithLibvirtsValidatingDefineWithoutDefining() {
    String uuid = UUID.randomUUID().toString();
    defined.add(uuid);
    String good = testDomainXml("vrt-test-" + uuid.substring(0, 8), uuid);
    String bogus = good.replace("</os>", "</os><devices><bogus/></devices>");
    source.validate(good, true);
    assertThat(source.get(uuid)).as("validate defines nothing").isEmpty();
    SourceException checked = catchThrowableOfType(SourceException.class, () -> source.validate(bogus, true));
    SourceException defining = catchThrowableOfType(SourceException.class, () -> source.define(bogus));
    assertThat(checked.kind()).isEqualTo(defining.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(checked.code()).isEqualTo(defining.code()).isEqualTo(LibvirtErrors.XML_INVALID_SCHEMA);
    source.validate(bogus, false); // as define without validation, which drops the element
    assertThat(catchThrowableOfType(SourceException.class, () -> source.validate("<domain", false)).kind())
        .isEqualTo(Kind.INVALID_XML);
    assertThat(source.get(uuid)).isEmpty();
    assertThat(source.define(good).uuid()).as("what validate accepted, libvirt defines").isEqualTo(uuid);
  }

  @Test
  void malformedXmlIsInvalidXmlWithLibvirtsMessage() {
    LibvirtException direct =
        catchThrowableOfType(LibvirtException.class, () -> mutator.domainDefineXML("<domain"));

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.define("<domain"));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(e.code()).isIn(LibvirtErrors.XML_ERROR, LibvirtErrors.XML_DETAIL);
    assertThat(e.getMessage()).isEqualTo(direct.getError().getMessage()).contains("Couldn't find end of Start Tag");
  }

  @Test
  void aNameClashIsOtherWithLibvirtsCodeAndMessage() {
    String uuid = UUID.randomUUID().toString();
    String name = "vrt-test-" + uuid.substring(0, 8);
    defined.add(uuid);
    source.define(testDomainXml(name, uuid));

    String otherUuid = UUID.randomUUID().toString();
    defined.add(otherUuid);
    SourceException e = catchThrowableOfType(SourceException.class,
        () -> source.define(testDomainXml(name, otherUuid)));
    assertThat(e.kind()).isEqualTo(Kind.OTHER);
    assertThat(e.code()).isEqualTo(LibvirtErrors.OPERATION_FAILED);
    assertThat(e.getMessage()).isEqualTo(
        "operation failed: domain '" + name + "' already exists with uuid " + uuid);
    assertThat(source.get(otherUuid)).isEmpty();
  }

  @Test
  void actionsAndUndefineThroughTheSource() {
    String uuid = UUID.randomUUID().toString();
    defined.add(uuid);
    source.define(testDomainXml("vrt-test-" + uuid.substring(0, 8), uuid));

    source.perform(uuid, LifecycleAction.START);
    assertState(uuid, "running", "booted");
    awaitEvent(uuid, "lifecycle/started/booted");
    source.perform(uuid, LifecycleAction.SUSPEND);
    assertState(uuid, "paused", "user");
    awaitEvent(uuid, "lifecycle/suspended/paused");
    source.perform(uuid, LifecycleAction.RESUME);
    assertState(uuid, "running", "unpaused");
    awaitEvent(uuid, "lifecycle/resumed/unpaused");
    source.perform(uuid, LifecycleAction.DESTROY);
    assertState(uuid, "shutoff", "destroyed");
    awaitEvent(uuid, "lifecycle/stopped/destroyed");

    SourceException invalid = catchThrowableOfType(SourceException.class,
        () -> source.perform(uuid, LifecycleAction.DESTROY));
    assertThat(invalid.kind()).isEqualTo(Kind.OPERATION_INVALID);
    assertThat(invalid.code()).isEqualTo(LibvirtErrors.OPERATION_INVALID);
    assertThat(invalid.getMessage()).isEqualTo("Requested operation is not valid: domain is not running");

    source.undefine(uuid, UndefineOptions.NONE);
    assertThat(source.get(uuid)).isEmpty();
    awaitEvent(uuid, "lifecycle/undefined/removed");
  }

  @Test
  void writesOnAnUnknownDomainAreNotFound() {
    String unknown = UUID.randomUUID().toString();
    for (ThrowingCallable write : List.<ThrowingCallable>of(
        () -> source.undefine(unknown, UndefineOptions.NONE),
        () -> source.perform(unknown, LifecycleAction.START),
        () -> source.undefine("not-a-uuid", UndefineOptions.NONE),
        () -> source.perform("not-a-uuid", LifecycleAction.DESTROY))) {
      assertThatThrownBy(write).isInstanceOfSatisfying(SourceException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }
    SourceException e = catchThrowableOfType(SourceException.class,
        () -> source.undefine(unknown, UndefineOptions.NONE));
    assertThat(e.code()).isEqualTo(LibvirtErrors.NO_DOMAIN);
  }

  @Test
  void readsThroughAClosedOrUnstartedSourceAreConnectionErrors() {
    LibvirtDomainSource other = new LibvirtDomainSource(LibvirtSourceConfig.defaults(URI));
    assertThatThrownBy(other::listAll)
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECTION));

    RecordingListener otherListener = new RecordingListener();
    other.start(otherListener);
    await().atMost(WAIT).until(other::isConnected);
    assertThat(other.listAll()).isNotEmpty();
    other.close();
    other.close();

    assertThat(other.isConnected()).isFalse();
    String uuid = UUID.randomUUID().toString();
    for (ThrowingCallable call : List.<ThrowingCallable>of(
        () -> other.get(uuid),
        () -> other.define(testDomainXml("vrt-test-" + uuid.substring(0, 8), uuid)),
        () -> other.undefine(uuid, UndefineOptions.NONE),
        () -> other.perform(uuid, LifecycleAction.START))) {
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECTION));
    }
    assertThat(source.get(uuid)).isEmpty();
    assertThatThrownBy(() -> other.start(otherListener)).isInstanceOf(IllegalStateException.class);
    assertThat(otherListener.connection).containsExactly("connected");
    // the shared source still works after another connection to the same driver closed
    assertThat(source.listAll()).isNotEmpty();
  }

  private static void awaitEvent(String uuid, String expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(listener.eventsFor(uuid)).contains(expected));
  }

  private static void assertState(String uuid, String state, String reason) {
    DomainObservation o = source.get(uuid).orElseThrow();
    assertThat(o.state() + "/" + o.reason()).isEqualTo(state + "/" + reason);
  }

  static String testDomainXml(String name, String uuid) {
    return "<domain type='test'><name>" + name + "</name><uuid>" + uuid + "</uuid>"
        + "<memory unit='KiB'>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";
  }
}
