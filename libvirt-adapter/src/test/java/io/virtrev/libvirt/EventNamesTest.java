package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.LibvirtEvent;
import org.junit.jupiter.api.Test;

class EventNamesTest {

  @Test
  void lifecycleNamesFollowLibvirt9Enums() {
    assertThat(name(0, 0)).isEqualTo("defined/added");
    assertThat(name(0, 1)).isEqualTo("defined/updated");
    assertThat(name(1, 0)).isEqualTo("undefined/removed");
    assertThat(name(2, 0)).isEqualTo("started/booted");
    assertThat(name(2, 3)).isEqualTo("started/from_snapshot");
    assertThat(name(3, 0)).isEqualTo("suspended/paused");
    assertThat(name(3, 8)).isEqualTo("suspended/postcopy_failed");
    assertThat(name(4, 0)).isEqualTo("resumed/unpaused");
    assertThat(name(4, 4)).isEqualTo("resumed/postcopy_failed");
    assertThat(name(5, 1)).isEqualTo("stopped/destroyed");
    assertThat(name(5, 6)).isEqualTo("stopped/from_snapshot");
    assertThat(name(6, 0)).isEqualTo("shutdown/finished");
    assertThat(name(6, 1)).isEqualTo("shutdown/guest");
    assertThat(name(6, 2)).isEqualTo("shutdown/host");
    assertThat(name(7, 1)).isEqualTo("pmsuspended/disk");
    assertThat(name(8, 1)).isEqualTo("crashed/crashloaded");
  }

  @Test
  void numbersNewerThanTheTablesAreNamedNotRejected() {
    assertThat(name(6, 3)).isEqualTo("shutdown/unknown-3");
    assertThat(name(9, 0)).isEqualTo("unknown-9/unknown-0");
    assertThat(name(-1, -1)).isEqualTo("unknown--1/unknown--1");
    assertThat(EventNames.lifecycle(2, 0).type()).isEqualTo(LibvirtEvent.LIFECYCLE);
  }

  private static String name(int event, int detail) {
    LibvirtEvent e = EventNames.lifecycle(event, detail);
    return e.event() + "/" + e.detail();
  }
}
