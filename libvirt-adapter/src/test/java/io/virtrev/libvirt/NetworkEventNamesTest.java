package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.LibvirtEvent;
import org.junit.jupiter.api.Test;

class NetworkEventNamesTest {

  @Test
  void networkLifecycleNamesFollowLibvirt9AndCarryNoDetail() {
    assertThat(name(0, 0)).isEqualTo("lifecycle/defined/null");
    assertThat(name(1, 0)).isEqualTo("lifecycle/undefined/null");
    assertThat(name(2, 0)).isEqualTo("lifecycle/started/null");
    assertThat(name(3, 0)).isEqualTo("lifecycle/stopped/null");
  }

  @Test
  void numbersNewerThanLibvirt9AreNamedNotRejected() {
    assertThat(name(4, 0)).isEqualTo("lifecycle/unknown-4/null");
    assertThat(name(2, 1)).isEqualTo("lifecycle/started/unknown-1");
  }

  private static String name(int event, int detail) {
    LibvirtEvent e = EventNames.networkLifecycle(event, detail);
    assertThat(e.time()).isNotNull();
    return e.type() + "/" + e.event() + "/" + e.detail();
  }
}
