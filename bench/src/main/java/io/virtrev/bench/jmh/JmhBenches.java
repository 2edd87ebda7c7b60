package io.virtrev.bench.jmh;

import io.virtrev.versioning.JmhChangeDetection;
import io.virtrev.versioning.JmhWatchLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the in-process microbenchmarks ({@link JmhChangeDetection}, {@link JmhWatchLine}) with JMH's
 * {@link Runner}, each benchmark beside its baseline in the same run, and turns the scores into table rows.
 * JMH forks one JVM per benchmark and parameter with this JVM's {@code java.class.path}, so the generated
 * {@code META-INF/BenchmarkList} (written by the annotation processor into {@code bench/target/classes}) and
 * the project's jars are found there as here.
 */
public final class JmhBenches {
  /** One row of the JMH table: all cells already formatted. */
  public record Row(String benchmark, String score, String unit, String baseline, String ratio, String allocated) {}

  /** The table rows, the raw numbers (for the JSON) and how they were taken (for the notes). */
  public record Result(List<Row> rows, Map<String, Object> raw, String note) {}

  /** Settings of one run: quick = 1 fork, 1 × 1 s warmup, 2 × 1 s measurement; full = 1 fork, 3 × 2 s, 5 × 2 s. */
  record Settings(int forks, int warmups, int warmupSeconds, int measurements, int measurementSeconds) {
    static Settings of(boolean quick) {
      return quick ? new Settings(1, 1, 1, 2, 1) : new Settings(1, 3, 2, 5, 2);
    }
  }

  /** The benchmarks in table order (short name: class without "Jmh" + method) and what each measures. */
  private static final Map<String, String> WHAT = new LinkedHashMap<>();
  /** Benchmark to its baseline (same class, same fixture). */
  private static final Map<String, String> BASELINE = new LinkedHashMap<>();

  static {
    WHAT.put("ChangeDetection.stringEquals", "`String.equals` of the config XML and a byte-identical copy");
    WHAT.put("ChangeDetection.canonEquivalent", "`XmlCanon.equivalent` of the config XML and its reformatted re-read (true), both new: two parses");
    WHAT.put("ChangeDetection.canonEquivalentStoredKnown", "the same as the store compares: the stored document's digest remembered, the re-read new: one parse");
    WHAT.put("ChangeDetection.naiveDetect", "`String.equals` of config and live XML, byte-identical copies");
    WHAT.put("ChangeDetection.detect", "`ChangeDetector.detect` of a running domain's reformatted re-read (null: no change), the re-read new");
    WHAT.put("WatchLine.serializeLine", "`StoredEvent.of`: the shared watch line, once per commit (`Json.bytes` of the domain + framing)");
    WHAT.put("WatchLine.wrapShared", "per watcher, shared: `Unpooled.wrappedBuffer(line, \"\\n\")`");
    WHAT.put("WatchLine.serializePerWatcher", "per watcher, not shared: `Json.bytes` of the domain + framing, wrapped");
    WHAT.put("TableList.jsonList", "list of 1,000 domains as the plain JSON DomainList (`Json.bytes`)");
    WHAT.put("TableList.jsonListUnmarked", "the same JSON list without the edit-base marker in `spec.xml` (what the marker costs)");
    WHAT.put("TableList.tableList", "the same list as kubectl's Table (`DomainTable.list`, includeObject=Metadata), sizing of each XML known");
    WHAT.put("TableList.tableListCold", "the same Table, every definition new: each row parses its XML");
    BASELINE.put("ChangeDetection.canonEquivalent", "ChangeDetection.stringEquals");
    BASELINE.put("ChangeDetection.canonEquivalentStoredKnown", "ChangeDetection.stringEquals");
    BASELINE.put("ChangeDetection.detect", "ChangeDetection.naiveDetect");
    BASELINE.put("WatchLine.serializeLine", "WatchLine.serializePerWatcher");
    BASELINE.put("WatchLine.wrapShared", "WatchLine.serializePerWatcher");
    BASELINE.put("TableList.jsonList", "TableList.jsonListUnmarked");
    BASELINE.put("TableList.tableList", "TableList.jsonList");
    BASELINE.put("TableList.tableListCold", "TableList.jsonList");
  }

  private static final String[] FIXTURES = {"tiny", "realistic"};
  /** Watchers of the computed "one event to N watchers" rows. */
  private static final int WATCHERS = 1_000;

  private JmhBenches() {}

  /** One measured benchmark and parameter. */
  private record Score(String name, String fixture, double score, double error, String unit, long samples,
      double min, double max, List<Double> iterations, double allocBytesPerOp) {}

  public static Result run(boolean quick) throws RunnerException {
    Settings s = Settings.of(quick);
    // JMH refuses to start while another JMH run on the machine holds /tmp/jmh.lock; a benchmark run must not
    // fail because someone else is measuring too (the figures are noisy then, which the report says anyway).
    if (System.getProperty("jmh.ignoreLock") == null) {
      System.setProperty("jmh.ignoreLock", "true");
    }
    Options opts = new OptionsBuilder()
        .include("^" + Pattern.quote(JmhChangeDetection.class.getName()) + "\\.")
        .include("^" + Pattern.quote(JmhWatchLine.class.getName()) + "\\.")
        .include("^" + Pattern.quote(io.virtrev.daemon.http.JmhTableList.class.getName()) + "\\.")
        .param("fixture", FIXTURES)
        .forks(s.forks())
        .threads(1)
        .warmupIterations(s.warmups())
        .warmupTime(TimeValue.seconds(s.warmupSeconds()))
        .measurementIterations(s.measurements())
        .measurementTime(TimeValue.seconds(s.measurementSeconds()))
        .jvmArgs("-Xms1g", "-Xmx1g")
        .addProfiler(GCProfiler.class)
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(opts).run();

    Map<String, Score> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      Score sc = score(r);
      scores.put(sc.name() + "/" + sc.fixture(), sc);
    }
    List<String> missing = new ArrayList<>();
    for (String f : FIXTURES) {
      for (String name : WHAT.keySet()) {
        if (!scores.containsKey(name + "/" + f)) {
          missing.add(name + " (" + f + ")");
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("JMH returned no result for " + missing);
    }

    List<Row> rows = new ArrayList<>();
    for (String f : FIXTURES) {
      for (String name : WHAT.keySet()) {
        Score sc = scores.get(name + "/" + f);
        String base = BASELINE.get(name);
        Score b = base == null ? null : scores.get(base + "/" + f);
        double scale = scale(sc.score());
        String score = Double.isNaN(sc.error())
            ? num(sc.score() / scale) + " (" + sc.samples() + " iterations: " + num(sc.min() / scale) + " – "
                + num(sc.max() / scale) + ")"
            : num(sc.score() / scale) + " ± " + num(sc.error() / scale);
        rows.add(new Row("`" + name + "` (" + f + "): " + WHAT.get(name), score, unit(scale, sc.unit()),
            b == null ? "—" : "`" + base + "`: " + time(b.score(), b.unit()),
            b == null ? "" : ratio(sc.score(), b.score()),
            Double.isNaN(sc.allocBytesPerOp()) ? "n/a" : num(sc.allocBytesPerOp()) + " B"));
      }
      // What sharing saves for one event sent to many watchers, from the scores above.
      Score line = scores.get("WatchLine.serializeLine/" + f);
      Score wrap = scores.get("WatchLine.wrapShared/" + f);
      Score own = scores.get("WatchLine.serializePerWatcher/" + f);
      double shared = line.score() + WATCHERS * wrap.score();
      double unshared = WATCHERS * own.score();
      rows.add(new Row("one event to " + WATCHERS + " watchers (" + f + "), computed: `serializeLine` + " + WATCHERS
          + " × `wrapShared`", "≈ " + num(shared / scale(shared)), unit(scale(shared), "ns/event"),
          "" + WATCHERS + " × `serializePerWatcher`: " + time(unshared, "ns/event"), ratio(shared, unshared),
          num((line.allocBytesPerOp() + WATCHERS * wrap.allocBytesPerOp()) / 1024) + " KiB (vs "
              + num(WATCHERS * own.allocBytesPerOp() / 1024) + " KiB)"));
    }

    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("settings", Map.of("forks", s.forks(), "warmupIterations", s.warmups(), "warmupSeconds", s.warmupSeconds(),
        "measurementIterations", s.measurements(), "measurementSeconds", s.measurementSeconds(), "mode", "avgt",
        "jvmArgs", List.of("-Xms1g", "-Xmx1g")));
    raw.put("fixtures", fixtureSizes());
    List<Map<String, Object>> list = new ArrayList<>();
    scores.values().stream().sorted(Comparator.comparing(Score::name).thenComparing(Score::fixture)).forEach(sc -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("benchmark", sc.name());
      m.put("fixture", sc.fixture());
      m.put("baseline", BASELINE.get(sc.name()));
      m.put("score", sc.score());
      m.put("scoreError", Double.isNaN(sc.error()) ? null : sc.error());
      m.put("unit", sc.unit());
      m.put("samples", sc.samples());
      m.put("min", sc.min());
      m.put("max", sc.max());
      m.put("iterations", sc.iterations());
      m.put("allocBytesPerOp", Double.isNaN(sc.allocBytesPerOp()) ? null : sc.allocBytesPerOp());
      list.add(m);
    });
    raw.put("results", list);

    Map<String, Object> sizes = fixtureSizes();
    String note = String.format(Locale.ROOT, "In-process microbenchmarks: JMH %s via `org.openjdk.jmh.runner.Runner` "
        + "from BenchMain, each benchmark and fixture in its own forked JVM (same classpath, -Xms1g -Xmx1g): "
        + "%d fork, %d × %d s warmup, %d × %d s measurement, average time per operation, one thread; allocation per "
        + "operation from JMH's GC profiler (`gc.alloc.rate.norm`). score ± error is JMH's 99.9%% confidence "
        + "interval (with fewer than 3 iterations JMH gives none: the table shows the range instead); the "
        + "table shows times in ns, µs or ms, the JSON always in ns. Ratio: time against the baseline measured in the same run. "
        + "Fixtures: `tiny` = `fixtures/tiny-domain.xml` (config %s B, live %s B), `realistic` = a KVM guest as "
        + "`virsh dumpxml` prints it (config %s B, live %s B; live = config + id, seclabel, aliases). The "
        + "re-read says the same in other text: every tag's attributes reversed and double-quoted, indentation "
        + "doubled, so `XmlCanon` cannot take its `String.equals` fast path. The benchmark classes sit in "
        + "`io.virtrev.versioning` and `io.virtrev.daemon.http` in the bench module (`ChangeDetector`, "
        + "`StoredEvent.of` and `DomainTable` are package-private).",
        version(), s.forks(), s.warmups(), s.warmupSeconds(), s.measurements(), s.measurementSeconds(),
        sizes.get("tiny.config"), sizes.get("tiny.live"), sizes.get("realistic.config"), sizes.get("realistic.live"));
    return new Result(rows, raw, note);
  }

  private static Score score(RunResult r) {
    String full = r.getParams().getBenchmark();
    String[] parts = full.split("\\.");
    String name = parts[parts.length - 2].replaceFirst("^Jmh", "") + "." + parts[parts.length - 1];
    org.openjdk.jmh.results.Result<?> primary = r.getPrimaryResult();
    List<Double> iterations = new ArrayList<>();
    for (BenchmarkResult br : r.getBenchmarkResults()) {
      for (IterationResult ir : br.getIterationResults()) {
        iterations.add(ir.getPrimaryResult().getScore());
      }
    }
    double alloc = Double.NaN;
    for (String key : r.getSecondaryResults().keySet()) {
      if (key.endsWith("gc.alloc.rate.norm")) { // older JMH versions prefix it with "·"
        org.openjdk.jmh.results.Result<?> norm = r.getSecondaryResults().get(key);
        alloc = norm.getScore();
      }
    }
    return new Score(name, r.getParams().getParam("fixture"), primary.getScore(), primary.getScoreError(),
        primary.getScoreUnit(), primary.getSampleCount(), primary.getStatistics().getMin(),
        primary.getStatistics().getMax(), iterations, alloc);
  }

  private static Map<String, Object> fixtureSizes() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String f : FIXTURES) {
      m.put(f + ".config", JmhFixtures.config(f).getBytes(StandardCharsets.UTF_8).length);
      m.put(f + ".live", JmhFixtures.live(f).getBytes(StandardCharsets.UTF_8).length);
    }
    return m;
  }

  private static String version() {
    return org.openjdk.jmh.util.Version.getPlainVersion();
  }

  /** The divisor that shows a time in ns as ns, us or ms (every benchmark here measures in ns). */
  private static double scale(double ns) {
    return ns >= 10_000_000 ? 1e6 : ns >= 10_000 ? 1e3 : 1;
  }

  /** "ns/op" shown with {@code scale}: "µs/op", "ms/op". */
  private static String unit(double scale, String unit) {
    if (!unit.startsWith("ns/")) {
      return unit;
    }
    return (scale == 1e6 ? "ms" : scale == 1e3 ? "µs" : "ns") + unit.substring(2);
  }

  private static String time(double ns, String unit) {
    return unit.startsWith("ns/") ? num(ns / scale(ns)) + " " + unit(scale(ns), unit) : num(ns) + " " + unit;
  }

  /** Time against the baseline's time, as "N x slower" or "N x faster" (N >= 1). */
  static String ratio(double score, double baseline) {
    if (!(score > 0) || !(baseline > 0)) {
      return "n/a";
    }
    return score >= baseline ? num(score / baseline) + "x slower" : num(baseline / score) + "x faster";
  }

  static String num(double v) {
    return io.virtrev.bench.Report.num(v);
  }
}
