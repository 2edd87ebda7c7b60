package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DomainStatesTest {

  @Test
  void namesFollowLibvirtsEnums() {
    assertThat(DomainStates.name(1, 1)).isEqualTo(new DomainStates.State("running", "booted"));
    assertThat(DomainStates.name(1, 5)).isEqualTo(new DomainStates.State("running", "unpaused"));
    assertThat(DomainStates.name(3, 1)).isEqualTo(new DomainStates.State("paused", "user"));
    assertThat(DomainStates.name(5, 0)).isEqualTo(new DomainStates.State("shutoff", "unknown"));
    assertThat(DomainStates.name(5, 1)).isEqualTo(new DomainStates.State("shutoff", "shutdown"));
    assertThat(DomainStates.name(5, 2)).isEqualTo(new DomainStates.State("shutoff", "destroyed"));
    assertThat(DomainStates.name(7, 0)).isEqualTo(new DomainStates.State("pmsuspended", "unknown"));
  }

  @Test
  void numbersBeyondTheTablesAreUnknown() {
    assertThat(DomainStates.name(1, 99)).isEqualTo(new DomainStates.State("running", "unknown"));
    assertThat(DomainStates.name(42, 0)).isEqualTo(new DomainStates.State("unknown", "unknown"));
  }
}
