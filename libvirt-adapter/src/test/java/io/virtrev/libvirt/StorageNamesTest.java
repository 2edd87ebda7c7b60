package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.LibvirtEvent;
import org.junit.jupiter.api.Test;

/** libvirt 9.0's storage enums (libvirt-storage.h) by number, and what a newer libvirt's numbers become. */
class StorageNamesTest {
  @Test
  void poolLifecycleEventsByNumber() {
    String[] names = {"defined", "undefined", "started", "stopped", "created", "deleted"};
    for (int i = 0; i < names.length; i++) {
      LibvirtEvent e = StoragePoolEventNames.lifecycle(i);
      assertThat(e.type() + "/" + e.event() + "/" + e.detail()).isEqualTo("lifecycle/" + names[i] + "/null");
    }
    assertThat(StoragePoolEventNames.lifecycle(6).event()).isEqualTo("unknown-6");
    assertThat(StoragePoolEventNames.refresh().type()).isEqualTo("refresh");
  }

  @Test
  void poolStatesAndVolumeTypesByNumber() {
    assertThat(new String[] {StoragePools.stateName(0), StoragePools.stateName(1), StoragePools.stateName(2),
        StoragePools.stateName(3), StoragePools.stateName(4), StoragePools.stateName(5)})
        .containsExactly("inactive", "building", "running", "degraded", "inaccessible", "unknown-5");
    assertThat(new String[] {StorageVolumes.typeName(0), StorageVolumes.typeName(1), StorageVolumes.typeName(2),
        StorageVolumes.typeName(3), StorageVolumes.typeName(4), StorageVolumes.typeName(5),
        StorageVolumes.typeName(-1)})
        .containsExactly("file", "block", "dir", "network", "netdir", "ploop", "unknown--1");
  }

  @Test
  void missingPoolsAndVolumesAreNotFound() {
    assertThat(LibvirtErrors.kind(LibvirtErrors.NO_STORAGE_POOL, () -> true))
        .isEqualTo(io.virtrev.api.source.SourceException.Kind.NOT_FOUND);
    assertThat(LibvirtErrors.kind(LibvirtErrors.NO_STORAGE_VOL, () -> true))
        .isEqualTo(io.virtrev.api.source.SourceException.Kind.NOT_FOUND);
    assertThat(LibvirtErrors.kind(LibvirtErrors.STORAGE_VOL_EXIST, () -> true))
        .isEqualTo(io.virtrev.api.source.SourceException.Kind.OTHER);
  }
}
