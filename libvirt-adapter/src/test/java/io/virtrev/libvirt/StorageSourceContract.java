package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceException.Kind;
import io.virtrev.api.source.StoragePoolObservation;
import io.virtrev.api.source.StorageSource;
import io.virtrev.api.source.StorageVolumeObservation;
import io.virtrev.fixtures.StorageXml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link StorageSource} contract, run against every implementation: the fake, the real libvirtd and
 * libvirt's test driver. Pools are {@code dir} pools with unique names and targets; volumes are 1 MiB.
 * Events are checked per pool as the exact sequence the listener saw, so an operation that must emit
 * nothing (autostart, every volume operation, a refused write) fails the test if it emits anything.
 */
abstract class StorageSourceContract {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final long MIB = StorageXml.MIB;

  private final List<String> pools = new ArrayList<>();

  /** The source under test, connected. */
  abstract StorageSource source();

  /** "type/event/detail" of every event the source delivered for the pool {@code uuid}, in order. */
  abstract List<String> poolEvents(String uuid);

  /** A fresh, unique, not yet existing directory path for a pool's target. */
  abstract String newTarget(String name);

  /** A unique pool name. */
  abstract String poolName(String suffix);

  /** Whether starting a pool whose target directory does not exist fails (the test driver has no files). */
  boolean startNeedsBuild() {
    return true;
  }

  /** Whether volumes can be resized (the test driver has no virStorageVolResize). */
  boolean resizes() {
    return true;
  }

  /**
   * Whether the persistent definition of a running pool redefined meanwhile can be read and takes effect when
   * the pool stops (the test driver refuses {@code VIR_STORAGE_XML_INACTIVE}, and its destroy keeps the old
   * definition).
   */
  boolean readsPendingDefinition() {
    return true;
  }

  /**
   * Whether refusals carry the messages and codes of libvirtd's storage driver (the test driver words them its
   * own way, e.g. "storage pool is not active" without the name, and reports an existing volume as
   * OPERATION_FAILED rather than STORAGE_VOL_EXIST).
   */
  boolean storageDriverErrors() {
    return true;
  }

  /** Removes what this test left: every volume, the pool, its target. Best effort. */
  @AfterEach
  void removePools() {
    for (String uuid : pools) {
      quietly(() -> source().listVolumes(uuid).forEach(v -> source().deleteVolume(uuid, v.name())));
      quietly(() -> source().destroy(uuid));
      quietly(() -> source().undefinePool(uuid));
    }
    removeTargets();
  }

  /** Deletes the target directories made by {@link #newTarget}. */
  abstract void removeTargets();

  // ---- pools ----

  @Test
  void aPoolsLifecycleWithItsEventsAndStates() {
    String name = poolName("life");
    String uuid = track();
    String target = newTarget(name);

    StoragePoolObservation defined = source().definePool(StorageXml.dirPool(name, uuid, target));
    assertThat(defined.uuid() + "/" + defined.name() + "/" + defined.state()).isEqualTo(uuid + "/" + name + "/inactive");
    assertThat(defined.persistent()).isTrue();
    assertThat(defined.autostart()).isFalse();
    assertThat(defined.liveXml()).isNull();
    assertThat(defined.configXml()).contains("<name>" + name + "</name>", "<uuid>" + uuid + "</uuid>",
        "<path>" + target + "</path>");
    assertThat(source().getPool(uuid)).contains(defined);
    assertThat(source().getPool(uuid.toUpperCase())).contains(defined);
    assertThat(source().listPools()).contains(defined);
    awaitEvents(uuid, "lifecycle/defined/null");

    // redefine with the same uuid: a new target
    String target2 = newTarget(name + "-2");
    StoragePoolObservation redefined = source().definePool(StorageXml.dirPool(name, uuid, target2));
    assertThat(redefined.configXml()).contains("<path>" + target2 + "</path>").doesNotContain(target + "<");
    assertThat(source().getPool(uuid).orElseThrow().configXml()).isEqualTo(redefined.configXml());
    awaitEvents(uuid, "lifecycle/defined/null", "lifecycle/defined/null");

    if (startNeedsBuild()) {
      SourceException unbuilt = failure(() -> source().start(uuid));
      assertThat(unbuilt.kind()).isEqualTo(Kind.OTHER);
      assertThat(unbuilt.getMessage()).isEqualTo("cannot open directory '" + target2 + "': No such file or directory");
      assertThat(source().getPool(uuid).orElseThrow().state()).isEqualTo("inactive");
    }

    source().build(uuid);
    awaitEvents(uuid, "lifecycle/defined/null", "lifecycle/defined/null", "lifecycle/created/null");
    source().start(uuid);
    StoragePoolObservation running = source().getPool(uuid).orElseThrow();
    assertThat(running.state()).isEqualTo("running");
    assertThat(running.active()).isTrue();
    assertThat(running.liveXml()).contains("<path>" + target2 + "</path>");
    assertThat(running.capacity()).isPositive();
    assertThat(running.available()).isPositive().isLessThanOrEqualTo(running.capacity());
    assertThat(running.allocation()).isNotNegative();

    assertOperationInvalid(() -> source().start(uuid), "storage pool '" + name + "' is already active");
    assertOperationInvalid(() -> source().build(uuid), "storage pool '" + name + "' is already active");
    assertOperationInvalid(() -> source().undefinePool(uuid), "storage pool '" + name + "' is still active");
    assertThat(source().getPool(uuid).orElseThrow().state()).isEqualTo("running");

    source().refresh(uuid);
    // redefining a running pool changes its persistent definition only
    String target3 = newTarget(name + "-3");
    StoragePoolObservation pending = source().definePool(StorageXml.dirPool(name, uuid, target3));
    if (readsPendingDefinition()) {
      assertThat(pending.configXml()).contains("<path>" + target3 + "</path>");
    }
    assertThat(pending.liveXml()).contains("<path>" + target2 + "</path>");
    assertThat(pending.state()).isEqualTo("running");
    source().setAutostart(uuid, true);
    assertThat(source().getPool(uuid).orElseThrow().autostart()).isTrue();
    source().setAutostart(uuid, false);
    assertThat(source().getPool(uuid).orElseThrow().autostart()).isFalse();

    source().destroy(uuid);
    StoragePoolObservation stopped = source().getPool(uuid).orElseThrow();
    assertThat(stopped.state()).isEqualTo("inactive");
    assertThat(stopped.liveXml()).isNull();
    if (readsPendingDefinition()) {
      assertThat(stopped.configXml()).contains("<path>" + target3 + "</path>");
    }
    assertOperationInvalid(() -> source().destroy(uuid), "storage pool '" + name + "' is not active");
    assertOperationInvalid(() -> source().refresh(uuid), "storage pool '" + name + "' is not active");

    source().undefinePool(uuid);
    assertThat(source().getPool(uuid)).isEmpty();
    assertThat(source().listPools()).noneMatch(p -> p.uuid().equals(uuid));
    SourceException gone = failure(() -> source().undefinePool(uuid));
    assertThat(gone.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(gone.code()).isEqualTo(LibvirtErrors.NO_STORAGE_POOL);
    assertThat(gone.getMessage()).contains(uuid);

    awaitEvents(uuid, "lifecycle/defined/null", "lifecycle/defined/null", "lifecycle/created/null",
        "lifecycle/started/null", "refresh/null/null", "lifecycle/defined/null", "lifecycle/stopped/null",
        "lifecycle/undefined/null");
  }

  @Test
  void aNameClashAndUnknownPoolsAreRefusedAndChangeNothing() {
    String name = poolName("clash");
    String uuid = track();
    StoragePoolObservation first = source().definePool(StorageXml.dirPool(name, uuid, newTarget(name)));
    String other = track();
    SourceException clash = failure(() -> source().definePool(StorageXml.dirPool(name, other, newTarget(name + "-o"))));
    assertThat(clash.kind()).isEqualTo(Kind.OTHER);
    assertThat(clash.code()).isEqualTo(LibvirtErrors.OPERATION_FAILED);
    assertThat(clash.getMessage()).isEqualTo("operation failed: pool '" + name + "' already exists with uuid " + uuid);
    assertThat(source().getPool(other)).isEmpty();
    assertThat(source().getPool(uuid)).contains(first);

    String unknown = UUID.randomUUID().toString();
    for (ThrowingCallable call : List.<ThrowingCallable>of(() -> source().start(unknown),
        () -> source().destroy(unknown), () -> source().build(unknown), () -> source().refresh(unknown),
        () -> source().setAutostart(unknown, true), () -> source().undefinePool(unknown),
        () -> source().listVolumes(unknown), () -> source().getVolume(unknown, "v"),
        () -> source().createVolume(unknown, StorageXml.volume("v", MIB)), () -> source().deleteVolume(unknown, "v"),
        () -> source().resize(unknown, "v", MIB), () -> source().start("not-a-uuid"))) {
      SourceException e = failure(call);
      assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
      assertThat(e.code()).isEqualTo(LibvirtErrors.NO_STORAGE_POOL);
    }
    assertThat(source().getPool(unknown)).isEmpty();
    assertThat(source().getPool("not-a-uuid")).isEmpty();
    awaitEvents(uuid, "lifecycle/defined/null");
    assertThat(poolEvents(other)).isEmpty();
  }

  @Test
  void badPoolXmlIsRefusedAndChangesNothing() {
    String name = poolName("badxml");
    String uuid = track();
    String good = StorageXml.dirPool(name, uuid, newTarget(name));
    String bogus = good.replace("</target>", "</target>\n  <bogus/>");
    String malformed = good.replace("</pool>", "");
    int before = source().listPools().size();

    for (boolean dryRun : new boolean[] {true, false}) {
      SourceException invalid = failure(() -> {
        if (dryRun) {
          source().validatePool(bogus, true);
        } else {
          source().definePool(bogus);
        }
      });
      assertThat(invalid.kind()).isEqualTo(Kind.INVALID_XML);
      assertThat(invalid.code()).isEqualTo(LibvirtErrors.XML_INVALID_SCHEMA);
      assertThat(invalid.getMessage()).startsWith("XML document failed to validate against schema")
          .contains("storagepool.rng");
      SourceException bad = failure(() -> {
        if (dryRun) {
          source().validatePool(malformed, false);
        } else {
          source().definePool(malformed, false);
        }
      });
      assertThat(bad.kind()).isEqualTo(Kind.INVALID_XML);
      assertThat(bad.code()).isIn(LibvirtErrors.XML_ERROR, LibvirtErrors.XML_DETAIL);
    }
    source().validatePool(good, true);
    source().validatePool(bogus, false);
    assertThat(source().getPool(uuid)).isEmpty();
    assertThat(source().listPools()).hasSize(before);
    assertThat(poolEvents(uuid)).isEmpty();

    // without validation the unknown element is dropped, as libvirt does
    StoragePoolObservation lax = source().definePool(bogus, false);
    assertThat(lax.configXml()).doesNotContain("bogus").contains("<name>" + name + "</name>");
    // a bad redefine of an existing pool leaves it as it was
    failure(() -> source().definePool(bogus));
    failure(() -> source().definePool(malformed));
    assertThat(source().getPool(uuid)).contains(lax);
    awaitEvents(uuid, "lifecycle/defined/null");
  }

  // ---- volumes ----

  @Test
  void volumesCreateGetListResizeDeleteAndEmitNoEvents() {
    String name = poolName("vols");
    String uuid = track();
    String target = newTarget(name);
    source().definePool(StorageXml.dirPool(name, uuid, target));
    source().build(uuid);

    assertOperationInvalid(() -> source().listVolumes(uuid), "storage pool '" + name + "' is not active");
    assertOperationInvalid(() -> source().createVolume(uuid, StorageXml.volume("v1", MIB)),
        "storage pool '" + name + "' is not active");
    source().start(uuid);
    assertThat(source().listVolumes(uuid)).isEmpty();
    awaitEvents(uuid, "lifecycle/defined/null", "lifecycle/created/null", "lifecycle/started/null");

    StorageVolumeObservation v1 = source().createVolume(uuid, StorageXml.volume("v1", MIB));
    assertThat(v1.poolUuid() + "/" + v1.poolName() + "/" + v1.name()).isEqualTo(uuid + "/" + name + "/v1");
    assertThat(v1.type()).isEqualTo("file");
    assertThat(v1.capacity()).isEqualTo(MIB);
    assertThat(v1.allocation()).isBetween(0L, MIB);
    assertThat(v1.path()).isEqualTo(target + "/v1");
    assertThat(v1.key()).isEqualTo(target + "/v1");
    assertThat(v1.xml()).contains("<name>v1</name>", "<capacity unit='bytes'>" + MIB + "</capacity>");
    assertThat(source().getVolume(uuid, "v1")).contains(v1);
    assertThat(source().getVolume(uuid.toUpperCase(), "v1")).contains(v1);
    assertThat(source().listVolumes(uuid)).containsExactly(v1);
    assertThat(source().getVolume(uuid, "nope")).isEmpty();

    SourceException twice = failure(() -> source().createVolume(uuid, StorageXml.volume("v1", 2 * MIB)));
    assertThat(twice.kind()).isEqualTo(Kind.OTHER);
    assertThat(twice.code())
        .isEqualTo(storageDriverErrors() ? LibvirtErrors.STORAGE_VOL_EXIST : LibvirtErrors.OPERATION_FAILED);
    if (storageDriverErrors()) {
      assertThat(twice.getMessage()).isEqualTo("storage volume 'v1' exists already");
    }
    assertThat(source().getVolume(uuid, "v1")).contains(v1);

    StorageVolumeObservation v2 = source().createVolume(uuid, StorageXml.volume("v2", MIB));
    assertThat(source().listVolumes(uuid)).extracting(StorageVolumeObservation::name).containsExactlyInAnyOrder("v1", "v2");
    assertThat(v2.uid()).isNotEqualTo(v1.uid());

    if (resizes()) {
      source().resize(uuid, "v1", 2 * MIB);
      assertThat(source().getVolume(uuid, "v1").orElseThrow().capacity()).isEqualTo(2 * MIB);
      source().resize(uuid, "v1", MIB);
      assertThat(source().getVolume(uuid, "v1").orElseThrow().capacity()).isEqualTo(MIB);
      SourceException noVolume = failure(() -> source().resize(uuid, "nope", MIB));
      assertThat(noVolume.kind()).isEqualTo(Kind.NOT_FOUND);
      assertThat(noVolume.code()).isEqualTo(LibvirtErrors.NO_STORAGE_VOL);
    }

    source().deleteVolume(uuid, "v1");
    assertThat(source().getVolume(uuid, "v1")).isEmpty();
    assertThat(source().listVolumes(uuid)).extracting(StorageVolumeObservation::name).containsExactly("v2");
    SourceException gone = failure(() -> source().deleteVolume(uuid, "v1"));
    assertThat(gone.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(gone.code()).isEqualTo(LibvirtErrors.NO_STORAGE_VOL);
    assertThat(gone.getMessage()).contains("'v1'");
    source().deleteVolume(uuid, "v2");

    // a refresh marks the end: nothing came between started and it
    source().refresh(uuid);
    awaitEvents(uuid, "lifecycle/defined/null", "lifecycle/created/null", "lifecycle/started/null",
        "refresh/null/null");
  }

  @Test
  void badVolumeXmlIsRefusedAndChangesNothing() {
    String name = poolName("badvol");
    String uuid = track();
    source().definePool(StorageXml.dirPool(name, uuid, newTarget(name)));
    source().build(uuid);
    source().start(uuid);
    String good = StorageXml.volume("v1", MIB);
    String bogus = good.replace("</target>", "</target>\n  <bogus/>");
    String malformed = good.replace("</volume>", "");

    SourceException invalid = failure(() -> source().createVolume(uuid, bogus));
    assertThat(invalid.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(invalid.code()).isEqualTo(LibvirtErrors.XML_INVALID_SCHEMA);
    SourceException bad = failure(() -> source().createVolume(uuid, malformed, false));
    assertThat(bad.kind()).isEqualTo(Kind.INVALID_XML);
    assertThat(bad.code()).isIn(LibvirtErrors.XML_ERROR, LibvirtErrors.XML_DETAIL);
    assertThat(source().listVolumes(uuid)).isEmpty();

    SourceException dryInvalid = failure(() -> source().validateVolume(bogus, true));
    assertThat(dryInvalid.code()).isEqualTo(LibvirtErrors.XML_INVALID_SCHEMA);
    assertThat(dryInvalid.getMessage()).contains("storagevol.rng");
    assertThat(failure(() -> source().validateVolume(malformed, false)).code()).isEqualTo(LibvirtErrors.XML_ERROR);
    source().validateVolume(good, true);
    assertThat(source().listVolumes(uuid)).isEmpty();

    StorageVolumeObservation lax = source().createVolume(uuid, bogus, false);
    assertThat(lax.xml()).doesNotContain("bogus");
    assertThat(source().listVolumes(uuid)).containsExactly(lax);
  }

  // ---- helpers ----

  /** A new pool uuid, removed after the test. */
  String track() {
    return track(UUID.randomUUID().toString());
  }

  /** Registers {@code uuid} for removal after the test; returns it. */
  String track(String uuid) {
    pools.add(uuid);
    return uuid;
  }

  /**
   * Waits until the pool's events are exactly {@code expected}. libvirt delivers one connection's events in
   * order, so an unexpected event before the last expected one fails this at once.
   */
  void awaitEvents(String uuid, String... expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(poolEvents(uuid)).containsExactly(expected));
  }

  /** "type/event/detail" of the pool events for {@code uuid} among {@code events}, in order. */
  static List<String> poolEventsOf(List<SourceEvent> events, String uuid) {
    return events.stream()
        .filter(e -> e.kind().equals(StorageSource.POOLS) && e.uuid().equals(uuid))
        .map(e -> e.event().type() + "/" + e.event().event() + "/" + e.event().detail())
        .toList();
  }

  static SourceException failure(ThrowingCallable call) {
    SourceException e = catchThrowableOfType(SourceException.class, call);
    assertThat(e).as("expected a SourceException").isNotNull();
    return e;
  }

  void assertOperationInvalid(ThrowingCallable call, String what) {
    SourceException e = failure(call);
    assertThat(e.kind()).isEqualTo(Kind.OPERATION_INVALID);
    assertThat(e.code()).isEqualTo(LibvirtErrors.OPERATION_INVALID);
    if (storageDriverErrors()) {
      assertThat(e.getMessage()).isEqualTo("Requested operation is not valid: " + what);
    } else {
      assertThat(e.getMessage()).startsWith("Requested operation is not valid: ");
    }
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // already gone
    }
  }
}
