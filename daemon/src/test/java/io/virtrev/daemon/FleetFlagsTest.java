package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The host's fleet flags ({@code --fleet-etcd} and company), from flags, the environment and the file. */
class FleetFlagsTest {
  @TempDir Path dir;

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
  void withoutFleetEtcdThereIsNoFleetAndOtherFleetFlagsAreRefused() {
    assertThat(parse(Map.of()).fleet()).isNull();
    assertThatThrownBy(() -> parse(Map.of(), "--host-name", "a"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("need --fleet-etcd");
  }

  @Test
  void fleetSettingsComeFromFlagsEnvironmentOrFile() throws Exception {
    FleetConfig f = parse(Map.of(), "--fleet-etcd", "http://127.0.0.1:2379, http://127.0.0.1:2381", "--host-name",
        "kvm-01", "--fleet-lease-ttl", "5s", "--fleet-api-url", "https://kvm-01.example:8474").fleet();
    assertThat(f.etcd().endpoints()).containsExactly("http://127.0.0.1:2379", "http://127.0.0.1:2381");
    assertThat(f.hostName()).isEqualTo("kvm-01");
    assertThat(f.leaseTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(f.apiUrl(false, "127.0.0.1", 1)).isEqualTo("https://kvm-01.example:8474");

    FleetConfig env = parse(Map.of("VIRTREV_FLEET_ETCD", "http://e:1", "VIRTREV_HOST_NAME", "b")).fleet();
    assertThat(env.hostName()).isEqualTo("b");
    assertThat(env.leaseTtl()).as("default").isEqualTo(Duration.ofSeconds(15));
    assertThat(env.apiUrl(true, "127.0.0.1", 8474)).as("derived: https with TLS, the bound port")
        .isEqualTo("https://127.0.0.1:8474");
    assertThat(env.apiUrl(false, "::1", 9)).isEqualTo("http://[::1]:9");

    Path file = Files.writeString(dir.resolve("v.properties"), "fleet-etcd = http://e:1\nhost-name = c\n");
    assertThat(parse(Map.of(), "--config", file.toString()).fleet().hostName()).isEqualTo("c");
  }

  @Test
  void badFleetSettingsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> parse(Map.of(), "--fleet-etcd", "http://e:1", "--host-name", "Kvm.01"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--host-name")
        .hasMessageContaining("is not a DNS label");
    assertThatThrownBy(() -> parse(Map.of(), "--fleet-etcd", "e:1", "--host-name", "a"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("http://HOST:PORT");
    assertThatThrownBy(() -> parse(Map.of(), "--fleet-etcd", "http://e:1", "--host-name", "a", "--fleet-etcd-ca",
        "/ca.pem")).isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("https");
    assertThatThrownBy(() -> parse(Map.of(), "--fleet-etcd", "http://e:1", "--host-name", "a", "--fleet-lease-ttl",
        "500ms")).isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--fleet-lease-ttl");
    assertThatThrownBy(() -> parse(Map.of(), "--fleet-etcd", "http://e:1", "--host-name", "a", "--fleet-api-url",
        "kvm:8474")).isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--fleet-api-url");
  }

  @Test
  void theDefaultHostNameIsTheMachinesUpToTheFirstDotLowerCased() {
    String h = FleetConfig.defaultHostName();
    assertThat(h).doesNotContain(".").isEqualTo(h.toLowerCase(java.util.Locale.ROOT)).isNotEmpty();
  }
}
