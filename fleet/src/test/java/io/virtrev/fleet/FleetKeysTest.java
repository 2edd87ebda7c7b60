package io.virtrev.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetKeysTest {
  @Test
  void objectKeysRoundTripAndRefuseOthers() {
    String k = FleetKeys.object("domains", "host-1", "u1");
    assertThat(k).isEqualTo("/virtrev/v1/objects/domains/host-1/u1");
    assertThat(FleetKeys.parse(k)).isEqualTo(new FleetKeys.ObjectKey("domains", "host-1", "u1"));
    assertThat(FleetKeys.parse(FleetKeys.progress("host-1"))).isNull();
    assertThat(FleetKeys.parse("/virtrev/v1/objects/domains/Bad.Host/u1")).isNull();
    assertThat(k).startsWith(FleetKeys.kindOnHost("domains", "host-1")).startsWith(FleetKeys.kind("domains"));
  }

  @Test
  void hostNamesAreDnsLabels() {
    assertThat(FleetKeys.validHost("a")).isTrue();
    assertThat(FleetKeys.validHost("h-01")).isTrue();
    assertThat(FleetKeys.validHost("a.b")).isFalse();
    assertThat(FleetKeys.validHost("-a")).isFalse();
    assertThat(FleetKeys.validHost("A")).isFalse();
    assertThat(FleetKeys.validHost("a".repeat(64))).isFalse();
    assertThatThrownBy(() -> FleetKeys.registration("x.y")).hasMessageContaining("not a DNS label");
  }

  @Test
  void fleetUidsDifferPerHostForOneLibvirtUuid() {
    String u = "6695eb01-f6a4-8304-79aa-97f2502e193f";
    assertThat(FleetKeys.fleetUid("a", "domains", u)).isNotEqualTo(FleetKeys.fleetUid("b", "domains", u))
        .isEqualTo(FleetKeys.fleetUid("a", "domains", u));
    assertThat(FleetKeys.fleetName("a", "vm.1")).isEqualTo("a.vm.1");
    assertThat(FleetKeys.splitName("a.vm.1")).isEqualTo(new FleetKeys.FleetName("a", "vm.1"));
    assertThat(FleetKeys.splitName("vm")).isNull();
    assertThat(FleetKeys.splitName("a.")).isNull();
    assertThat(FleetKeys.splitName(".vm")).isNull();
    assertThat(FleetKeys.splitName("Bad.vm")).isNull();
    assertThat(FleetKeys.splitName(null)).isNull();
  }
}
