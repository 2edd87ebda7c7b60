package io.virtrev.daemon.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.virtrev.api.Domain;
import io.virtrev.api.DomainList;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSpec;
import io.virtrev.api.DomainStatus;
import io.virtrev.api.Json;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.ListMeta;
import io.virtrev.api.Revision;
import io.virtrev.bench.jmh.JmhFixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a list of {@link #DOMAINS} domains costs to encode as kubectl's Table ({@code DomainTable.list},
 * includeObject=Metadata, kubectl's default) against the plain JSON list ({@code Json.bytes} of the
 * DomainList, what the list route serializes once per snapshot): warm (the sizing of each XML already
 * known, as for every list after the first of a domain's definition) and cold (every definition a new
 * string: each row parses its XML; its allocation figure includes building the fresh domains). Lives in {@code io.virtrev.daemon.http} (in the bench module) because
 * {@code DomainTable} is package-private. Run by {@code io.virtrev.bench.jmh.JmhBenches}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JmhTableList {
  static final int DOMAINS = 1_000;
  private static final DomainTable.Options KUBECTL =
      new DomainTable.Options(Representation.TABLE_V1, DomainTable.Include.METADATA);

  @Param({"tiny", "realistic"})
  public String fixture;

  private static final ObjectMapper UNMARKED = JsonMapper.builder().addModule(new JavaTimeModule())
      .serializationInclusion(JsonInclude.Include.NON_NULL).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .build();

  private List<Domain> items;
  private ListMeta meta;

  /** Only for the cold benchmark (a state's invocation setup runs, and allocates, for its users only). */
  @State(Scope.Thread)
  public static class Fresh {
    List<Domain> domains;

    /** Before each call: the same domains with definitions no earlier call has seen. */
    @Setup(Level.Invocation)
    public void freshDefinitions(JmhTableList bench) {
      domains = bench.domains(true);
    }
  }

  @Setup
  public void setup() {
    items = domains(false);
    meta = new ListMeta(Revision.of(5000), "bench-store", Revision.of(1));
    if (tableList().length == 0 || jsonList().length == 0) {
      throw new IllegalStateException("empty encoding");
    }
  }

  List<Domain> domains(boolean copies) {
    List<Domain> out = new ArrayList<>(DOMAINS);
    LibvirtEvent started = new LibvirtEvent(LibvirtEvent.LIFECYCLE, "started", "booted",
        Instant.parse("2026-01-01T00:00:00Z"));
    String config = JmhFixtures.config(fixture);
    String live = JmhFixtures.live(fixture);
    for (int i = 0; i < DOMAINS; i++) {
      String name = String.format("vm-%04d", i);
      String xml = config.replaceFirst("<name>[^<]*</name>", "<name>" + name + "</name>");
      out.add(Domain.of(new DomainMeta(name, JmhFixtures.UUID, Revision.of(1000 + i), 1, Revision.of(1000 + i),
              java.time.Instant.parse("2026-01-01T00:00:00Z")),
          new DomainSpec(copies ? JmhFixtures.copy(xml) : xml, true, false),
          new DomainStatus("running", "booted", i + 1, live, started, java.util.List.of(started), null, null)));
    }
    return out;
  }

  /** Baseline: the plain JSON list. */
  @Benchmark
  public byte[] jsonList() {
    return Json.bytes(DomainList.of(meta, items));
  }

  /**
   * The same list serialized by a mapper configured as {@link Json}'s but without its edit-base marker
   * module: {@code jsonList} against this is what the marker costs on the list path.
   */
  @Benchmark
  public byte[] jsonListUnmarked() throws Exception {
    return UNMARKED.writeValueAsBytes(DomainList.of(meta, items));
  }

  /** The Table kubectl asks for, every definition's sizing already known. */
  @Benchmark
  public byte[] tableList() {
    return DomainTable.list(KUBECTL, meta.resourceVersion(), null, null, items);
  }

  /** The Table with every definition new: each row parses its XML once. */
  @Benchmark
  public byte[] tableListCold(Fresh fresh) {
    return DomainTable.list(KUBECTL, meta.resourceVersion(), null, null, fresh.domains);
  }
}
