package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.versioning.StoreConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's store limits, from flags, the environment and the config file; and their docs. */
class VirtrevdCommandTest {
  @TempDir Path dir;

  /** Parses as {@link Main} does, with {@code env} as the environment. */
  private static DaemonConfig parse(Map<String, String> env, String... args) {
    VirtrevdCommand command = new VirtrevdCommand();
    CommandLine cmd = new CommandLine(command).registerConverter(Duration.class, new DurationConverter());
    Settings settings = Settings.load(args, env);
    settings.checkKeys(cmd.getCommandSpec());
    cmd.setDefaultValueProvider(settings);
    cmd.parseArgs(args);
    return command.config();
  }

  @Test
  void theMemoryLimitsOfWatchersDefaultToTheStoresDefaults() {
    StoreConfig s = parse(Map.of()).store();
    assertThat(s.eventLogCapacity()).isEqualTo(StoreConfig.DEFAULT_EVENT_LOG_CAPACITY);
    assertThat(s.eventLogBytes()).isEqualTo(StoreConfig.DEFAULT_EVENT_LOG_BYTES).isEqualTo(64L << 20);
    assertThat(s.historyCacheBytes()).isEqualTo(StoreConfig.DEFAULT_HISTORY_CACHE_BYTES);
  }

  @Test
  void theMemoryLimitsOfWatchersComeFromFlagsEnvironmentOrFile() throws Exception {
    StoreConfig flags = parse(Map.of(), "--event-log-bytes", "4096", "--history-cache-bytes", "0",
        "--event-log-capacity", "10").store();
    assertThat(flags.eventLogBytes()).isEqualTo(4096);
    assertThat(flags.historyCacheBytes()).isZero();
    assertThat(flags.eventLogCapacity()).isEqualTo(10);

    StoreConfig env = parse(Map.of("VIRTREV_EVENT_LOG_BYTES", "8192", "VIRTREV_HISTORY_CACHE_BYTES", "1024")).store();
    assertThat(env.eventLogBytes()).isEqualTo(8192);
    assertThat(env.historyCacheBytes()).isEqualTo(1024);

    Path file = Files.writeString(dir.resolve("virtrevd.properties"), "event-log-bytes = 12345\n");
    assertThat(parse(Map.of(), "--config", file.toString()).store().eventLogBytes()).isEqualTo(12345);

    assertThatThrownBy(() -> parse(Map.of(), "--event-log-bytes", "0"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--event-log-bytes");
    assertThatThrownBy(() -> parse(Map.of(), "--history-cache-bytes", "-1"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--history-cache-bytes");
  }

  @Test
  void connectionLimitsComeFromFlagsWithSafeDefaults() {
    assertThat(parse(Map.of()).http().connections()).isEqualTo(ConnectionLimits.defaults());
    ConnectionLimits c = parse(Map.of(), "--max-connections", "100", "--max-connections-per-address", "20",
        "--connection-reserve", "2", "--header-timeout", "2s", "--idle-timeout", "1m",
        "--max-pipelined-requests", "4").http().connections();
    assertThat(c).isEqualTo(new ConnectionLimits(100, 20, 2, Duration.ofSeconds(2), Duration.ofMinutes(1), 4));
    assertThatThrownBy(() -> parse(Map.of(), "--max-pipelined-requests", "0"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("maxPipelined < 1: 0");
    assertThatThrownBy(() -> parse(Map.of(), "--header-timeout", "0s"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("headerTimeout must be positive");
  }

  @Test
  void theRetryBackoffIsBoundedByRetryMaxDelay() {
    assertThat(parse(Map.of()).reconciler().maxRetryDelay())
        .isEqualTo(io.virtrev.versioning.ReconcilerConfig.DEFAULT_MAX_RETRY_DELAY).isEqualTo(Duration.ofSeconds(30));
    assertThat(parse(Map.of(), "--retry-max-delay", "2s").reconciler().maxRetryDelay())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(parse(Map.of("VIRTREV_RETRY_MAX_DELAY", "5m")).reconciler().maxRetryDelay())
        .isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> parse(Map.of(), "--retry-max-delay", "100ms"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--retry-max-delay")
        .hasMessageContaining("PT0.1S");
  }

  /** docs/configuration.md lists every setting with its flag, environment variable and default. */
  @Test
  void theConfigurationDocumentListsEverySettingWithItsDefault() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    CommandLine cmd = new CommandLine(new VirtrevdCommand()).registerConverter(Duration.class, new DurationConverter());
    for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) {
      String flag = o.longestName();
      if (flag.equals("--help") || flag.equals("--version")) {
        continue;
      }
      String env = "VIRTREV_" + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
      String row = "| `" + flag + "` | `" + env + "` | "
          + (o.defaultValue() == null ? "(none)" : "`" + o.defaultValue() + "`") + " |";
      assertThat(doc).as("the row of %s", flag).contains(row);
    }
  }

  /** --insecure, --metrics and --metrics-auth are switches; =true/=false and the environment or file still work. */
  @Test
  void booleanOptionsAreSwitches() throws Exception {
    assertThat(parse(Map.of()).access().insecure()).isFalse();
    AccessConfig on = parse(Map.of(), "--insecure", "--metrics-auth").access();
    assertThat(on.insecure()).isTrue();
    assertThat(on.metricsNeedAuth()).isTrue();
    assertThat(on.metrics()).isTrue();
    AccessConfig explicit = parse(Map.of(), "--insecure=false", "--metrics=false", "--metrics-auth=true").access();
    assertThat(explicit.insecure()).isFalse();
    assertThat(explicit.metrics()).isFalse();
    assertThat(explicit.metricsNeedAuth()).isTrue();
    assertThat(parse(Map.of(), "--insecure", "true").access().insecure()).isTrue();
    assertThat(parse(Map.of(), "--metrics", "false").access().metrics()).isFalse();
    AccessConfig env = parse(Map.of("VIRTREV_INSECURE", "true", "VIRTREV_METRICS", "false")).access();
    assertThat(env.insecure()).isTrue();
    assertThat(env.metrics()).isFalse();
    Path file = Files.writeString(dir.resolve("b.properties"), "insecure = true\nmetrics-auth = true\nmetrics = false\n");
    AccessConfig fromFile = parse(Map.of(), "--config", file.toString()).access();
    assertThat(fromFile.insecure()).isTrue();
    assertThat(fromFile.metricsNeedAuth()).isTrue();
    assertThat(fromFile.metrics()).isFalse();
  }

  @Test
  void theRefusedSummaryIntervalIsASetting() {
    assertThat(parse(Map.of()).access().auditRefusedInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(parse(Map.of(), "--audit-refused-interval", "5s").access().auditRefusedInterval())
        .isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> parse(Map.of(), "--audit-refused-interval", "0s"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--audit-refused-interval");
  }

  /** Runs the real command line in-process; exit code, stdout, stderr. */
  private record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String stdin, String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    HashTokenCommand hash = cmd.getSubcommands().get("hash-token").getCommand();
    hash.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    int exit = Main.run(cmd, args, env);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void aBadSettingPrintsTheErrorAndAHintNotTheUsage() {
    Run r = run(Map.of("VIRTREV_RESYNC_PERIOD", "banana"), "");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("banana").contains("Try 'virtrevd --help' for more information.")
        .doesNotContain("Usage:").doesNotContain("(default: banana)");
    assertThat(r.err().lines().count()).isEqualTo(2);
    Run flag = run(Map.of(), "", "--listen", "nonsense");
    assertThat(flag.exit()).isEqualTo(2);
    assertThat(flag.err()).contains("--listen must be HOST:PORT, got 'nonsense'").doesNotContain("Usage:");
    Run sockets = run(Map.of(), "", "--unix-socket", "/tmp/h-ops.sock", "--unix-socket-ro", "/tmp/h-ops.sock");
    assertThat(sockets.exit()).isEqualTo(2);
    assertThat(sockets.err()).contains("same path: /tmp/h-ops.sock").doesNotContain("\tat ");
  }

  @Test
  void hashTokenRefusesNamesAndRolesTheTokensFileCannotReadBack() throws Exception {
    Run comment = run(Map.of(), "secret\n", "hash-token", "#x", "write");
    assertThat(comment.exit()).isEqualTo(2);
    assertThat(comment.out()).isEmpty();
    assertThat(comment.err()).contains("NAME '#x'").contains("'#'");
    Run blank = run(Map.of(), "secret\n", "hash-token", "a b", "write");
    assertThat(blank.exit()).isEqualTo(2);
    Run admin = run(Map.of(), "secret\n", "hash-token", "x", "admin");
    assertThat(admin.exit()).isEqualTo(2);
    assertThat(admin.err()).contains("unknown role 'admin': use read, write or gateway").doesNotContain("\tat ")
        .doesNotContain("Exception");

    Run ok = run(Map.of(), "secret\n", "hash-token", "platform", "WRITE");
    assertThat(ok.exit()).as(ok.err()).isZero();
    Path tokens = Files.writeString(dir.resolve("tokens"), ok.out());
    assertThat(io.virtrev.daemon.security.TokenFile.load(tokens).lookup("secret"))
        .hasValueSatisfying(id -> assertThat(id.toString()).isEqualTo("token:platform"));
  }
}
