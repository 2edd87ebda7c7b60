package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * packaging/virtrevd.service: readiness by sd_notify, a non-root user, hardening that leaves libvirt's
 * socket and the data directory reachable, and (where systemd-analyze exists) an exposure of at most 4.0.
 */
class ServiceUnitTest {
  private static final Path UNIT = Path.of("..", "packaging", "virtrevd.service");
  private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for virtrevd\\.service: ([0-9.]+)");

  @Test
  void theUnitWaitsForTheSyncByNotifyRunsUnprivilegedAndIsHardened() throws IOException {
    Map<String, List<String>> unit = parse(Files.readString(UNIT));
    assertThat(unit.get("Type")).containsExactly("notify");
    assertThat(unit.get("NotifyAccess")).containsExactly("main");
    assertThat(unit).doesNotContainKey("ExecStartPost"); // READY=1 replaces polling /readyz
    assertThat(unit.get("UMask")).containsExactly("0077");
    assertThat(unit.get("User")).singleElement().isNotIn("root", "0");
    assertThat(unit.get("SupplementaryGroups")).containsExactly("libvirt");
    assertThat(unit.get("SuccessExitStatus")).containsExactly("143");
    assertThat(words(unit, "Wants")).contains("network-online.target");
    assertThat(words(unit, "After")).contains("network-online.target", "libvirtd.service", "libvirtd.socket",
        "virtqemud.service", "virtqemud.socket", "virtproxyd.socket");
    assertThat(unit).as("a hard dependency on one of libvirtd / virtqemud breaks the other setup")
        .doesNotContainKeys("Requires", "BindsTo", "Requisite");
    assertThat(unit.get("StateDirectory")).containsExactly("virtrev");
    assertThat(unit.get("LogsDirectory")).as("the sample config's audit-log under /var/log/virtrev must be writable")
        .containsExactly("virtrev");
    assertThat(unit.get("RuntimeDirectory")).containsExactly("virtrev");
    for (String key : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
        "ProtectKernelModules", "ProtectControlGroups", "RestrictNamespaces", "RestrictSUIDSGID", "LockPersonality")) {
      assertThat(unit.get(key)).as(key).containsExactly("true");
    }
    assertThat(unit.get("ProtectSystem")).containsExactly("strict");
    assertThat(unit.get("CapabilityBoundingSet")).containsExactly("");
    assertThat(words(unit, "RestrictAddressFamilies")).containsExactlyInAnyOrder("AF_UNIX", "AF_INET", "AF_INET6");
    assertThat(unit.get("SystemCallFilter")).contains("@system-service");
    assertThat(unit.get("SystemCallArchitectures")).containsExactly("native");
    assertThat(unit).as("the JIT needs writable executable memory").doesNotContainKey("MemoryDenyWriteExecute");
  }

  @Test
  void systemdAnalyzeRatesTheExposureAtMostFour() {
    assumeTrue(Host.run(5, "sh", "-c", "command -v systemd-analyze").exit() == 0, "no systemd-analyze here");
    Host.Result r = Host.run(60, "systemd-analyze", "security", "--offline=true", "--no-pager",
        UNIT.toAbsolutePath().normalize().toString());
    Matcher m = EXPOSURE.matcher(r.output());
    assertThat(m.find()).as("systemd-analyze security output:\n" + r.output()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as("overall exposure:\n" + r.output()).isLessThanOrEqualTo(4.0);
  }

  /** Every key=value of the unit (all sections), values in order; comments and headers skipped. */
  private static Map<String, List<String>> parse(String text) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : text.lines().map(String::strip).toList()) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("[")) {
        continue;
      }
      int eq = line.indexOf('=');
      out.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
    }
    return out;
  }

  private static List<String> words(Map<String, List<String>> unit, String key) {
    return unit.getOrDefault(key, List.of()).stream().flatMap(v -> Arrays.stream(v.split("\\s+"))).toList();
  }
}
