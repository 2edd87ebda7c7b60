package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.SnapshotXml;
import io.virtrev.api.Uids;
import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.SnapshotSource;
import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link SnapshotSource} contract, run against every implementation: the fake
 * ({@code FakeSnapshotSourceContractTest}) and the real libvirtd ({@code QemuSnapshotContractTest}). What
 * each write leaves (parent and current tracking included), the domain lifecycle events it causes (exactly,
 * in order: libvirt has no snapshot events), and that refused input changes nothing.
 *
 * <p>Every test works on running domains of its own ({@link #newRunningDomain}), removed afterwards with
 * their snapshots: on libvirtd, internal snapshots of a running tiny QEMU guest with a small qcow2 disk,
 * the one kind libvirt 9.0 can create, revert to and delete there without {@code qemu-img} in libvirtd's
 * path. "No event" is proven without waiting for nothing: a later write's events must follow directly.
 */
abstract class SnapshotSourceContract {
  /** The port under test. */
  abstract SnapshotSource source();

  /** Every event the listener of the port's connection received so far, in arrival order. */
  abstract List<SourceEvent> events();

  /** How long an event may take to arrive. */
  abstract Duration eventWait();

  /**
   * A new running domain named {@code name} that can be snapshotted, whose own start events (if any) have
   * arrived; returns its uuid. {@link #removeDomain} removes it after the test.
   */
  abstract String newRunningDomain(String name);

  /** Stops (destroys) the running domain; its own stop events (if any) have arrived when this returns. */
  abstract void stopDomain(String uuid);

  /** Removes the domain and its snapshots; quietly. */
  abstract void removeDomain(String uuid);

  private final String run = UUID.randomUUID().toString().substring(0, 6);
  private final List<String> domains = new ArrayList<>();

  @AfterEach
  void removeDomains() {
    domains.forEach(this::removeDomain);
  }

  // ---- create, get, list, current ----

  @Test
  void createReturnsWhatGetAndTheListsReadAndTheNewSnapshotIsCurrentWithThePreviousAsParent() {
    String domainName = name("create");
    String uuid = domain(domainName);
    int mark = events().size();
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    SnapshotObservation s1 = source().create(uuid, snapshotXml("s1", "<description>first</description>"));
    Instant after = Instant.now();
    assertThat(s1.domainUuid()).isEqualTo(uuid);
    assertThat(s1.domainName()).isEqualTo(domainName);
    assertThat(s1.name()).isEqualTo("s1");
    assertThat(s1.uid()).isEqualTo(Uids.domainSnapshot(uuid, "s1"));
    assertThat(s1.parent()).isNull();
    assertThat(s1.current()).isTrue();
    assertThat(s1.state()).isEqualTo("running");
    assertThat(s1.creationTime()).isBetween(before, after);
    assertThat(s1.xml()).contains("<name>s1</name>").contains("<description>first</description>");
    assertThat(SnapshotXml.read(s1.xml()))
        .isEqualTo(new SnapshotXml.Fields("s1", "running", s1.creationTime(), null));
    assertThat(source().get(uuid, "s1")).contains(s1);
    assertThat(source().list(uuid)).containsExactly(s1);
    assertThat(source().current(uuid)).contains(s1);
    assertThat(source().listAll()).contains(s1);

    SnapshotObservation s2 = source().create(uuid, snapshotXml("s2", ""));
    assertThat(s2.parent()).isEqualTo("s1");
    assertThat(s2.current()).isTrue();
    assertThat(SnapshotXml.read(s2.xml()).parent()).isEqualTo("s1");
    SnapshotObservation s1Now = source().get(uuid, "s1").orElseThrow();
    assertThat(s1Now.current()).isFalse();
    assertThat(s1Now.xml()).isEqualTo(s1.xml());
    assertThat(source().list(uuid)).containsExactlyInAnyOrder(s1Now, s2);
    assertThat(source().listAll()).contains(s1Now, s2).doesNotContain(s1);
    assertThat(source().current(uuid)).contains(s2);
    awaitLifecycle(uuid, domainName, mark, "suspended/paused", "resumed/unpaused", "suspended/paused",
        "resumed/unpaused");
  }

  @Test
  void aSnapshotWithoutANameIsNamedAfterItsCreationSecond() {
    String uuid = domain(name("noname"));
    SnapshotObservation s = source().create(uuid, "<domainsnapshot><description>unnamed</description></domainsnapshot>");
    assertThat(s.name()).isEqualTo(Long.toString(s.creationTime().getEpochSecond()));
    assertThat(source().get(uuid, s.name())).contains(s);
  }

  // ---- revert ----

  @Test
  void revertMakesTheSnapshotCurrentTheParentOfTheNextAndEmitsTheDomainsLifecycleEvents() {
    String domainName = name("revert");
    String uuid = domain(domainName);
    int start = events().size();
    source().create(uuid, snapshotXml("s1", ""));
    source().create(uuid, snapshotXml("s2", ""));
    int mark = afterCreates(uuid, domainName, start, 2);

    source().revert(uuid, "s1");
    assertThat(source().current(uuid).map(SnapshotObservation::name)).contains("s1");
    assertThat(source().get(uuid, "s2").orElseThrow().current()).isFalse();
    awaitLifecycle(uuid, domainName, mark, "stopped/from_snapshot", "started/from_snapshot",
        "resumed/from_snapshot", "defined/from_snapshot");

    SnapshotObservation s3 = source().create(uuid, snapshotXml("s3", ""));
    assertThat(s3.parent()).as("a branch off the reverted-to snapshot").isEqualTo("s1");
    assertThat(source().get(uuid, "s2").orElseThrow().parent()).isEqualTo("s1");
    assertThat(source().list(uuid)).extracting(SnapshotObservation::name).containsExactlyInAnyOrder("s1", "s2", "s3");
  }

  @Test
  void revertOfAShutOffDomainToARunningSnapshotStartsIt() {
    String domainName = name("revoff");
    String uuid = domain(domainName);
    int start = events().size();
    source().create(uuid, snapshotXml("s1", ""));
    afterCreates(uuid, domainName, start, 1);
    stopDomain(uuid);
    int mark = events().size();

    source().revert(uuid, "s1");
    assertThat(source().current(uuid).map(SnapshotObservation::name)).contains("s1");
    awaitLifecycle(uuid, domainName, mark, "started/from_snapshot", "resumed/from_snapshot",
        "defined/from_snapshot");
  }

  // ---- delete ----

  @Test
  void deleteWithoutChildrenReparentsThemAndACurrentOnesParentBecomesCurrentWithoutAnyEvent() {
    String domainName = name("delete");
    String uuid = domain(domainName);
    int start = events().size();
    source().create(uuid, snapshotXml("s1", ""));
    source().create(uuid, snapshotXml("s2", ""));
    source().create(uuid, snapshotXml("s3", ""));
    int mark = afterCreates(uuid, domainName, start, 3);

    source().delete(uuid, "s2", false);
    assertThat(source().get(uuid, "s2")).isEmpty();
    SnapshotObservation s3 = source().get(uuid, "s3").orElseThrow();
    assertThat(s3.parent()).isEqualTo("s1");
    assertThat(SnapshotXml.read(s3.xml()).parent()).isEqualTo("s1");
    assertThat(s3.current()).isTrue();

    source().delete(uuid, "s3", false);
    assertThat(source().current(uuid).map(SnapshotObservation::name)).as("the deleted current one's parent")
        .contains("s1");
    source().delete(uuid, "s1", false);
    assertThat(source().current(uuid)).as("a deleted root leaves no current snapshot").isEmpty();
    assertThat(source().list(uuid)).isEmpty();
    assertThat(source().listAll()).noneMatch(o -> o.domainUuid().equals(uuid));

    SnapshotObservation s4 = source().create(uuid, snapshotXml("s4", ""));
    assertThat(s4.parent()).isNull();
    awaitLifecycle(uuid, domainName, mark, "suspended/paused", "resumed/unpaused");
  }

  @Test
  void deleteWithChildrenRemovesTheWholeSubtreeAndItsParentBecomesCurrent() {
    String uuid = domain(name("children"));
    source().create(uuid, snapshotXml("a", ""));
    source().create(uuid, snapshotXml("b", ""));
    source().create(uuid, snapshotXml("c", ""));

    source().delete(uuid, "b", true);
    assertThat(source().list(uuid)).extracting(SnapshotObservation::name).containsExactly("a");
    assertThat(source().get(uuid, "c")).isEmpty();
    assertThat(source().current(uuid).map(SnapshotObservation::name)).contains("a");
    assertRefused(() -> source().delete(uuid, "c", false), Kind.NOT_FOUND, "'c'");
  }

  // ---- refused input changes nothing ----

  @Test
  void badXmlAndATakenNameAreRefusedWithNothingChanged() {
    String domainName = name("bad");
    String uuid = domain(domainName);
    int start = events().size();
    SnapshotObservation s1 = source().create(uuid, snapshotXml("s1", ""));
    int mark = afterCreates(uuid, domainName, start, 1);

    assertRefused(() -> source().create(uuid, "<domainsnapshot><name>x</name"), Kind.INVALID_XML, "");
    SourceException schema = refused(() -> source().create(uuid, snapshotXml("x", "<bogus/>"), true),
        Kind.INVALID_XML, "bogus");
    assertThat(schema.code()).isEqualTo(92);
    SourceException taken = refused(() -> source().create(uuid, snapshotXml("s1", "")), Kind.OTHER,
        "already exists");
    assertThat(taken.code()).isEqualTo(9);
    assertThat(source().list(uuid)).containsExactly(s1);
    assertThat(source().current(uuid)).contains(s1);

    SnapshotObservation lax = source().create(uuid, snapshotXml("lax", "<bogus/>"), false);
    assertThat(lax.xml()).as("without validation an unknown element is dropped").doesNotContain("bogus");
    awaitLifecycle(uuid, domainName, mark, "suspended/paused", "resumed/unpaused");
  }

  @Test
  void validateChecksWhatCreateChecksWithoutCreatingAnything() {
    String uuid = domain(name("validate"));
    source().validate(snapshotXml("ok", "<description>fine</description>"), true);
    source().validate(snapshotXml("lax", "<bogus/>"), false);
    assertThat(refused(() -> source().validate(snapshotXml("x", "<bogus/>"), true), Kind.INVALID_XML, "bogus")
        .code()).isEqualTo(92);
    assertThat(refused(() -> source().validate("<domainsnapshot><name>x</name", false), Kind.INVALID_XML, "")
        .code()).isEqualTo(27);
    assertThat(source().list(uuid)).isEmpty();
  }

  // ---- not found ----

  @Test
  void anUnknownDomainOrSnapshotIsNotFound() {
    String unknown = UUID.randomUUID().toString();
    assertThat(source().get(unknown, "s1")).isEmpty();
    assertThat(source().get("not-a-uuid", "s1")).isEmpty();
    assertRefused(() -> source().list(unknown), Kind.NOT_FOUND, unknown);
    assertRefused(() -> source().list("not-a-uuid"), Kind.NOT_FOUND, "not-a-uuid");
    assertRefused(() -> source().current(unknown), Kind.NOT_FOUND, unknown);
    assertRefused(() -> source().create(unknown, snapshotXml("s1", "")), Kind.NOT_FOUND, unknown);
    assertRefused(() -> source().revert(unknown, "s1"), Kind.NOT_FOUND, unknown);
    assertRefused(() -> source().delete(unknown, "s1", false), Kind.NOT_FOUND, unknown);
    assertRefused(() -> source().delete("not-a-uuid", "s1", true), Kind.NOT_FOUND, "not-a-uuid");

    String uuid = domain(name("nosnap"));
    assertThat(source().get(uuid, "nope")).isEmpty();
    assertThat(source().current(uuid)).isEmpty();
    assertThat(source().list(uuid)).isEmpty();
    assertRefused(() -> source().revert(uuid, "nope"), Kind.NOT_FOUND, "'nope'");
    assertRefused(() -> source().delete(uuid, "nope", true), Kind.NOT_FOUND, "'nope'");
  }

  // ---- helpers ----

  final String name(String suffix) {
    return "i13-snap-" + run + "-" + suffix;
  }

  /** A new running domain, removed after the test. */
  final String domain(String name) {
    String uuid = newRunningDomain(name);
    domains.add(uuid);
    return uuid;
  }

  static String snapshotXml(String name, String extra) {
    return "<domainsnapshot><name>" + name + "</name>" + extra + "</domainsnapshot>";
  }

  /** "event/detail" of the lifecycle events for {@code uuid} received since {@code mark}. */
  final List<String> lifecycleSince(String uuid, int mark) {
    List<SourceEvent> all = events();
    return all.subList(Math.min(mark, all.size()), all.size()).stream()
        .filter(e -> e.uid().equals(uuid) && e.event().type().equals(LibvirtEvent.LIFECYCLE))
        .map(e -> e.event().event() + "/" + e.event().detail())
        .collect(Collectors.toList());
  }

  /** Waits until exactly these lifecycle events (domain kind, this domain's name) arrived since {@code mark}. */
  final void awaitLifecycle(String uuid, String domainName, int mark, String... expected) {
    await().atMost(eventWait()).untilAsserted(() -> assertThat(lifecycleSince(uuid, mark)).containsExactly(expected));
    List<SourceEvent> all = events();
    assertThat(all.subList(mark, all.size())).filteredOn(e -> e.uid().equals(uuid)).allSatisfy(e -> {
      assertThat(e.kind()).as("libvirt has no snapshot events: only the domain's").isEqualTo(SourceEvent.DOMAINS);
      assertThat(e.name()).isEqualTo(domainName);
    });
  }

  /**
   * Waits for the events of {@code creates} snapshot creates of a running domain since {@code mark}, and
   * returns the mark after them: what follows it was caused by what the test does next.
   */
  final int afterCreates(String uuid, String domainName, int mark, int creates) {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < creates; i++) {
      expected.add("suspended/paused");
      expected.add("resumed/unpaused");
    }
    awaitLifecycle(uuid, domainName, mark, expected.toArray(String[]::new));
    return events().size();
  }

  static void assertRefused(Runnable call, Kind kind, String messagePart) {
    refused(call, kind, messagePart);
  }

  static SourceException refused(Runnable call, Kind kind, String messagePart) {
    SourceException[] caught = new SourceException[1];
    assertThatThrownBy(call::run).isInstanceOfSatisfying(SourceException.class, e -> {
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
      assertThat(e.getMessage()).contains(messagePart);
      caught[0] = e;
    });
    return caught[0];
  }
}
