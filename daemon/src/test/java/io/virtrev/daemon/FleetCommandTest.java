package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code virtrevd fleet}: its etcd flags, the host's HTTP and security flags it inherits, and what it refuses. */
class FleetCommandTest {
  @TempDir Path dir;

  /** Parses {@code args} (starting with {@code fleet}) as {@link Main} does; the fleet command's config. */
  private static FleetGateway.Config parse(Map<String, String> env, String... args) {
    CommandLine cmd = Main.commandLine();
    Settings settings = Settings.load(args, env);
    settings.checkKeys(cmd.getCommandSpec());
    cmd.setDefaultValueProvider(settings);
    CommandLine.ParseResult r = cmd.parseArgs(args);
    FleetCommand fleet = (FleetCommand) r.subcommand().commandSpec().userObject();
    return fleet.config();
  }

  @Test
  void etcdEndpointsAndTheHostsHttpAndSecurityFlags() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "");
    FleetGateway.Config c = parse(Map.of(), "fleet", "--etcd", "http://10.0.0.1:2379, http://10.0.0.2:2379",
        "--listen", "127.0.0.1:9000", "--tokens-file", tokens.toString(), "--watch-bookmark-interval", "5s",
        "--max-watchers", "7", "--etcd-timeout", "2s", "--watch-queue-events", "50", "--metrics=false");
    assertThat(c.etcd().endpoints()).containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2379");
    assertThat(c.etcd().callTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.listenHost()).isEqualTo("127.0.0.1");
    assertThat(c.listenPort()).isEqualTo(9000);
    assertThat(c.access().tokensFile()).isEqualTo(tokens);
    assertThat(c.access().metrics()).isFalse();
    assertThat(c.http().bookmarkInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.http().maxWatchers()).isEqualTo(7);
    assertThat(c.watchQueue()).isEqualTo(50);

    FleetGateway.Config env = parse(Map.of("VIRTREV_ETCD", "http://127.0.0.1:2379", "VIRTREV_LISTEN", "127.0.0.1:9001"),
        "fleet");
    assertThat(env.etcd().endpoints()).containsExactly("http://127.0.0.1:2379");
    assertThat(env.listenPort()).isEqualTo(9001);
    Path file = Files.writeString(dir.resolve("fleet.properties"), "etcd = http://127.0.0.1:2380\netcd-timeout = 3s\n");
    FleetGateway.Config fromFile = parse(Map.of(), "fleet", "--config", file.toString());
    assertThat(fromFile.etcd().endpoints()).containsExactly("http://127.0.0.1:2380");
    assertThat(fromFile.etcd().callTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void badFleetSettingsAreUsageErrors() {
    assertThatThrownBy(() -> parse(Map.of(), "fleet")).isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--etcd");
    assertThatThrownBy(() -> parse(Map.of(), "fleet", "--etcd", "localhost:2379"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("http://HOST:PORT");
    assertThatThrownBy(() -> parse(Map.of(), "fleet", "--etcd", "http://127.0.0.1:2379", "--etcd-ca", "/ca.pem"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("https://");
    assertThatThrownBy(() -> parse(Map.of(), "fleet", "--etcd", "http://127.0.0.1:2379", "--watch-queue-events", "0"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--watch-queue-events");
    assertThatThrownBy(() -> parse(Map.of(), "fleet", "--etcd", "http://127.0.0.1:2379", "--data-dir", "/x"))
        .as("a host-only flag").isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--data-dir");
  }

  @Test
  void theExitCodeOfAUsageErrorIs2AndHelpListsTheInheritedFlags() {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    cmd.setOut(new PrintWriter(out, true));
    assertThat(Main.run(cmd, new String[] {"fleet"}, Map.of())).isEqualTo(2);
    assertThat(err.toString()).contains("--etcd");
    assertThat(Main.run(cmd, new String[] {"fleet", "--help"}, Map.of())).isZero();
    for (String flag : List.of("--etcd", "--etcd-ca", "--listen", "--tokens-file", "--tls-client-dn",
        "--watch-bookmark-interval")) {
      assertThat(out.toString()).contains(flag);
    }
    assertThat(out.toString()).doesNotContain("--data-dir").doesNotContain("--connect=");
  }
}
