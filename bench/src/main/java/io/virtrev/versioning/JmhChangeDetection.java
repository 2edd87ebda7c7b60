package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSpec;
import io.virtrev.api.DomainStatus;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Revision;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.bench.jmh.JmhFixtures;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a re-read that changed nothing costs (every libvirt echo and every resync): the store's
 * {@link ChangeDetector} / {@link XmlCanon} deciding "no change" for XML that differs from the stored one
 * only in attribute order, quoting and indentation, against a plain {@code String.equals} of byte-identical
 * XML. Lives in {@code io.virtrev.versioning} (in the bench module) because {@code ChangeDetector} is
 * package-private. Run by {@code io.virtrev.bench.jmh.JmhBenches}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JmhChangeDetection {
  @Param({"tiny", "realistic"})
  public String fixture;

  private Domain current;
  /** The running domain re-read: same meaning, different text (config and live XML). */
  private DomainObservation reread;
  /** The running domain re-read byte for byte (copies: String.equals has to scan them). */
  private DomainObservation identical;
  private Revision next;

  @Setup
  public void setup() {
    String config = JmhFixtures.config(fixture);
    String live = JmhFixtures.live(fixture);
    String name = "bench-" + fixture;
    LibvirtEvent started = new LibvirtEvent(LibvirtEvent.LIFECYCLE, "started", "booted", Instant.parse("2026-01-01T00:00:00Z"));
    current = Domain.of(new DomainMeta(name, JmhFixtures.UUID, Revision.of(41), 3, Revision.of(5), null),
        new DomainSpec(config, true, true), new DomainStatus("running", "booted", 7, live, started, java.util.List.of(started), null, null));
    reread = new DomainObservation(JmhFixtures.UUID, name, JmhFixtures.reread(config), JmhFixtures.reread(live), true,
        true, "running", "booted", 7);
    identical = new DomainObservation(JmhFixtures.UUID, name, JmhFixtures.copy(config), JmhFixtures.copy(live), true,
        true, "running", "booted", 7);
    next = Revision.of(42);
    if (config.equals(reread.configXml()) || live.equals(reread.liveXml())) {
      throw new IllegalStateException("the re-read fixture is textually identical: the benchmark would take the fast path");
    }
    if (!canonEquivalent() || detect() != null || !naiveDetect()) {
      throw new IllegalStateException("fixture " + fixture + ": the re-read is not seen as unchanged");
    }
  }

  /** Baseline: one String.equals of the stored config XML and a byte-identical copy. */
  @Benchmark
  public boolean stringEquals() {
    return current.spec().xml().equals(identical.configXml());
  }

  /**
   * XmlCanon.equivalent of the stored config XML and its reformatted re-read, both seen for the first
   * time (two parses, two canonical forms): digests are forgotten before each call.
   */
  @Benchmark
  public boolean canonEquivalent() {
    XmlCanon.forget(current.spec().xml());
    XmlCanon.forget(reread.configXml());
    return XmlCanon.equivalent(current.spec().xml(), reread.configXml());
  }

  /**
   * As the store compares: the stored document's digest is remembered from when it was stored, the
   * re-read is new (one parse).
   */
  @Benchmark
  public boolean canonEquivalentStoredKnown() {
    XmlCanon.forget(reread.configXml());
    return XmlCanon.equivalent(current.spec().xml(), reread.configXml());
  }

  /** Baseline: a detector that compares config and live XML with String.equals (byte-identical re-read). */
  @Benchmark
  public boolean naiveDetect() {
    return current.spec().xml().equals(identical.configXml())
        && Objects.equals(current.status().liveXml(), identical.liveXml());
  }

  /** ChangeDetector.detect of the running domain's reformatted re-read, no events (a resync): null, no change. */
  @Benchmark
  public ChangeDetector.Change detect() {
    XmlCanon.forget(reread.configXml()); // each re-read is a new document; the stored one is known
    XmlCanon.forget(reread.liveXml());
    return ChangeDetector.detect(current, reread, Cause.NONE, next, java.time.Instant.EPOCH);
  }
}
