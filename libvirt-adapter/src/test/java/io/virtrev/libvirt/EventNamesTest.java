package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.LibvirtEvent;
import java.util.List;
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

  /** Each family's event and detail, named after libvirt 9.0's enums (libvirt-domain.h). */
  @Test
  void everyFamilyCarriesItsEnumAndWhatItConcerns() {
    assertThat(show(EventNames.bare(LibvirtEvent.REBOOT))).isEqualTo("reboot/null/null");
    assertThat(show(EventNames.bare(LibvirtEvent.PMSUSPEND_DISK))).isEqualTo("pmsuspend-disk/null/null");
    assertThat(show(EventNames.rtcChange(-3600))).isEqualTo("rtc-change/null/-3600");
    assertThat(show(EventNames.watchdog(1))).isEqualTo("watchdog/pause/null");
    assertThat(show(EventNames.watchdog(6))).isEqualTo("watchdog/injectnmi/null");
    assertThat(show(EventNames.ioError("virtio-disk0", 2))).isEqualTo("io-error/report/virtio-disk0");
    assertThat(show(EventNames.ioErrorReason("virtio-disk0", 1, "enospc")))
        .isEqualTo("io-error-reason/pause/enospc virtio-disk0");
    assertThat(show(EventNames.ioErrorReason("virtio-disk0", 1, ""))).isEqualTo("io-error-reason/pause/virtio-disk0");
    assertThat(show(EventNames.graphics(0, "127.0.0.1", "50412"))).isEqualTo("graphics/connect/127.0.0.1:50412");
    assertThat(show(EventNames.graphics(2, "/run/vnc.sock", null))).isEqualTo("graphics/disconnect//run/vnc.sock");
    assertThat(show(EventNames.blockJob(LibvirtEvent.BLOCK_JOB_2, "vda", 2, 3))).isEqualTo("block-job-2/ready/copy vda");
    assertThat(show(EventNames.blockJob(LibvirtEvent.BLOCK_JOB, "/var/a b.qcow2", 4, 0)))
        .isEqualTo("block-job/completed/active_commit /var/a b.qcow2");
    assertThat(show(EventNames.diskChange("ide0-1-0", 1))).isEqualTo("disk-change/drop_missing_on_start/ide0-1-0");
    assertThat(show(EventNames.trayChange("ide0-1-0", 0))).isEqualTo("tray-change/open/ide0-1-0");
    assertThat(show(EventNames.trayChange("ide0-1-0", 1))).isEqualTo("tray-change/close/ide0-1-0");
    assertThat(show(EventNames.balloonChange(-1L))).as("unsigned long long").isEqualTo("balloon-change/null/18446744073709551615");
    assertThat(show(EventNames.device(LibvirtEvent.DEVICE_REMOVAL_FAILED, "input2")))
        .isEqualTo("device-removal-failed/null/input2");
    assertThat(show(EventNames.tunable(List.of("cputune.cpu_shares", "cputune.vcpu_quota"))))
        .isEqualTo("tunable/null/cputune.cpu_shares,cputune.vcpu_quota");
    assertThat(show(EventNames.agentLifecycle(1, 1))).isEqualTo("agent-lifecycle/connected/domain_started");
    assertThat(show(EventNames.agentLifecycle(2, 2))).isEqualTo("agent-lifecycle/disconnected/channel");
    assertThat(show(EventNames.agentLifecycle(0, 3))).isEqualTo("agent-lifecycle/unknown-0/unknown-3");
    assertThat(show(EventNames.migrationIteration(7))).isEqualTo("migration-iteration/null/7");
    assertThat(show(EventNames.jobCompleted(5))).isEqualTo("job-completed/null/migration_out");
    assertThat(show(EventNames.jobCompleted(10))).isEqualTo("job-completed/null/snapshot_delete");
    assertThat(show(EventNames.jobCompleted(null))).isEqualTo("job-completed/null/null");
    assertThat(show(EventNames.metadataChange(2))).isEqualTo("metadata-change/null/element");
    assertThat(show(EventNames.blockThreshold("vda[1]"))).isEqualTo("block-threshold/null/vda[1]");
    assertThat(show(EventNames.memoryFailure(1, 3))).isEqualTo("memory-failure/reset/guest");
  }

  private static String show(LibvirtEvent e) {
    return e.type() + "/" + e.event() + "/" + e.detail();
  }

  private static String name(int event, int detail) {
    LibvirtEvent e = EventNames.lifecycle(event, detail);
    return e.event() + "/" + e.detail();
  }
}
