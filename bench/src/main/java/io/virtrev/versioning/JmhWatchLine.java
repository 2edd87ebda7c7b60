package io.virtrev.versioning;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSpec;
import io.virtrev.api.DomainStatus;
import io.virtrev.api.Json;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import io.virtrev.bench.jmh.JmhFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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
 * What a watch event costs to encode: the shared line built once per commit ({@link StoredEvent#of}, i.e.
 * {@code Json.bytes} of the domain plus the framing), and per watcher either wrapping that shared line
 * ({@code Unpooled.wrappedBuffer(line, "\n")}, what the daemon's JSON-lines watch does) or, without sharing,
 * serializing the domain again (the framing {@code WatchFormat.event} uses when it has no line). Lives in
 * {@code io.virtrev.versioning} (in the bench module) because {@code StoredEvent.of} is package-private.
 * Run by {@code io.virtrev.bench.jmh.JmhBenches}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JmhWatchLine {
  private static final byte[] NEWLINE = {'\n'};
  private static final byte[] TAIL = "}\n".getBytes(StandardCharsets.US_ASCII);

  @Param({"tiny", "realistic"})
  public String fixture;

  private Domain previous;
  private Domain object;
  private Instant time;
  private byte[] line;

  @Setup
  public void setup() {
    String name = "bench-" + fixture;
    LibvirtEvent started = new LibvirtEvent(LibvirtEvent.LIFECYCLE, "started", "booted", Instant.parse("2026-01-01T00:00:00Z"));
    LibvirtEvent suspended = new LibvirtEvent(LibvirtEvent.LIFECYCLE, "suspended", "paused", Instant.parse("2026-01-01T00:01:00Z"));
    DomainSpec spec = new DomainSpec(JmhFixtures.config(fixture), true, true);
    previous = Domain.of(new DomainMeta(name, JmhFixtures.UUID, Revision.of(41), 3, Revision.of(5), null), spec,
        new DomainStatus("running", "booted", 7, JmhFixtures.live(fixture), started, java.util.List.of(started), null, null));
    object = Domain.of(new DomainMeta(name, JmhFixtures.UUID, Revision.of(42), 3, Revision.of(5), null), spec,
        new DomainStatus("paused", "user", 7, JmhFixtures.live(fixture), suspended, java.util.List.of(suspended), null, null));
    time = Instant.parse("2026-01-01T00:01:00.001Z");
    line = serializeLine().line();
    byte[] shared = ByteBufUtil.getBytes(wrapShared());
    byte[] own = ByteBufUtil.getBytes(serializePerWatcher());
    if (!Arrays.equals(shared, own)) {
      throw new IllegalStateException("fixture " + fixture + ": the shared and the per-watcher lines differ");
    }
  }

  /** Once per commit: the StoredEvent with its ready watch line (Json.bytes of the domain + framing). */
  @Benchmark
  public StoredEvent serializeLine() {
    return StoredEvent.of(WatchEvent.MODIFIED, object, previous, time);
  }

  /** Per watcher, with sharing: wrap the shared line and a newline (no copy). */
  @Benchmark
  public ByteBuf wrapShared() {
    return Unpooled.wrappedBuffer(line, NEWLINE);
  }

  /** Baseline, per watcher without sharing: serialize the domain and frame it as a JSON line. */
  @Benchmark
  public ByteBuf serializePerWatcher() {
    byte[] head = ("{\"type\":\"" + WatchEvent.MODIFIED + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
    return Unpooled.wrappedBuffer(head, Json.bytes(object), TAIL);
  }
}
