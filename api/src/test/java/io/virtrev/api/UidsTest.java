package io.virtrev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.api.source.StorageVolumeObservation;
import org.junit.jupiter.api.Test;

class UidsTest {
  private static final String POOL = "0b0c4b1e-8a49-4f5e-9a55-3c6d2a1f7e10";

  /** Expected values computed outside Java (Python: MD5 of the string, version 3, IETF variant). */
  @Test
  void theUidIsTheVersion3UuidOfKindOwnerAndName() {
    assertThat(Uids.storageVolume(POOL, "v1")).isEqualTo("9754d135-85dd-3391-8c2d-c57ecc029352");
    assertThat(Uids.domainSnapshot(POOL, "s1")).isEqualTo("fb410736-e39f-375a-9fb0-30327de0ff9e");
  }

  @Test
  void ownerNameAndKindAllCount() {
    String other = "0b0c4b1e-8a49-4f5e-9a55-3c6d2a1f7e11";
    assertThat(Uids.storageVolume(POOL, "v1"))
        .isNotEqualTo(Uids.storageVolume(other, "v1"))
        .isNotEqualTo(Uids.storageVolume(POOL, "v2"))
        .isNotEqualTo(Uids.domainSnapshot(POOL, "v1"));
    assertThatThrownBy(() -> Uids.storageVolume(null, "v1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null/v1");
  }

  @Test
  void aVolumeObservationsUidIsTheHelpers() {
    StorageVolumeObservation v = new StorageVolumeObservation(POOL, "p", "v1", "/d/v1", "/d/v1", "<volume/>",
        "file", 1, 1);
    assertThat(v.uid()).isEqualTo("9754d135-85dd-3391-8c2d-c57ecc029352");
  }
}
