package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.versioning.StoreConfig;
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
}
