package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.DomainSnapshotSpec;
import io.virtrev.api.DomainSnapshotStatus;
import io.virtrev.api.Json;
import io.virtrev.api.Network;
import io.virtrev.api.NetworkSpec;
import io.virtrev.api.NetworkStatus;
import io.virtrev.api.Revision;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StoragePoolSpec;
import io.virtrev.api.StoragePoolStatus;
import io.virtrev.api.StorageVolume;
import io.virtrev.api.StorageVolumeSpec;
import io.virtrev.api.StorageVolumeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KindTableTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final DomainTable.Options METADATA =
      new DomainTable.Options(Representation.TABLE_V1, DomainTable.Include.METADATA);

  static DomainMeta meta(String name, String uuid, long rv) {
    return new DomainMeta(name, uuid, Revision.of(rv), 1, Revision.of(rv), NOW.minusSeconds(330));
  }

  static Network network() {
    return Network.of(meta("net1", "11111111-1111-1111-1111-111111111111", 7),
        new NetworkSpec("<network/>", true), new NetworkStatus(true, true, "virbr7", "<network/>", null, null, null, null));
  }

  static StoragePool pool() {
    return StoragePool.of(meta("pool1", "22222222-2222-2222-2222-222222222222", 8), new StoragePoolSpec("<pool/>", false),
        new StoragePoolStatus("running", 51_474_120_704L, 10L << 30, 0, true, "<pool/>", null, null, null, null));
  }

  static StorageVolume volume() {
    return StorageVolume.of(meta("v.qcow2", "33333333-3333-3333-3333-333333333333", 9), new StorageVolumeSpec("<volume/>"),
        new StorageVolumeStatus("pool1", "22222222-2222-2222-2222-222222222222", "/p/v.qcow2", "/p/v.qcow2", "file",
            1L << 20, 196_608, null, null, null, null));
  }

  static DomainSnapshot snapshot() {
    return DomainSnapshot.of(meta("s2", "44444444-4444-4444-4444-444444444444", 10),
        new DomainSnapshotSpec("<domainsnapshot/>"), new DomainSnapshotStatus("vm1",
            "55555555-5555-5555-5555-555555555555", "s1", true, "running", Instant.parse("2026-12-02T09:00:00Z"),
            null, null, null, null));
  }

  @Test
  void eachKindHasTheColumnsItsBriefNamesThenWideOnes() {
    assertThat(names(KindTable.NETWORKS, 0)).containsExactly("Name", "Active", "Autostart", "Persistent", "Bridge", "Age");
    assertThat(names(KindTable.NETWORKS, 1)).containsExactly("UUID");
    assertThat(names(KindTable.STORAGE_POOLS, 0))
        .containsExactly("Name", "State", "Capacity", "Allocation", "Available", "Autostart", "Age");
    assertThat(names(KindTable.STORAGE_POOLS, 1)).containsExactly("Persistent", "UUID");
    assertThat(names(KindTable.STORAGE_VOLUMES, 0))
        .containsExactly("Name", "Pool", "Type", "Capacity", "Allocation", "Path", "Age");
    assertThat(names(KindTable.DOMAIN_SNAPSHOTS, 0))
        .containsExactly("Name", "Domain", "State", "Current", "Parent", "Age");
  }

  @Test
  void cellsComeFromTheObjectInColumnOrder() {
    assertThat(KindTable.NETWORKS.cells(network(), NOW))
        .containsExactly("net1", true, true, true, "virbr7", "5m30s", "11111111-1111-1111-1111-111111111111");
    assertThat(KindTable.STORAGE_POOLS.cells(pool(), NOW))
        .containsExactly("pool1", "running", "47.9Gi", "10Gi", "0", false, "5m30s", true,
            "22222222-2222-2222-2222-222222222222");
    assertThat(KindTable.STORAGE_VOLUMES.cells(volume(), NOW))
        .containsExactly("v.qcow2", "pool1", "file", "1Mi", "192Ki", "/p/v.qcow2", "5m30s", "/p/v.qcow2");
    assertThat(KindTable.DOMAIN_SNAPSHOTS.cells(snapshot(), NOW))
        .containsExactly("s2", "vm1", "running", true, "s1", "5m30s", "2026-12-02T09:00:00Z");
  }

  @Test
  void aSizeIsExactWhenShortElseOneDecimalOfTheLargestBinaryUnit() {
    assertThat(KindTable.size(0)).isEqualTo("0");
    assertThat(KindTable.size(512)).isEqualTo("512");
    assertThat(KindTable.size(10L << 30)).isEqualTo("10Gi");
    assertThat(KindTable.size(1536L << 20)).isEqualTo("1536Mi");
    assertThat(KindTable.size(51_474_120_704L)).isEqualTo("47.9Gi");
    assertThat(KindTable.size(123_456)).isEqualTo("120.6Ki");
    assertThat(KindTable.size(99_999)).isEqualTo("97.7Ki");
    assertThat(KindTable.size(Long.MAX_VALUE)).isEqualTo("8.0Ei");
  }

  @Test
  void aTableCarriesTheListMetadataTheColumnsAndOneRowPerObjectWithItsMetadata() throws Exception {
    JsonNode t = Json.mapper().readTree(KindTable.STORAGE_POOLS.list(METADATA, Revision.of(12), "tok", 3L,
        List.of(pool()), NOW));
    assertThat(t.path("kind").asText()).isEqualTo("Table");
    assertThat(t.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(t.path("metadata").path("resourceVersion").asText()).isEqualTo("12");
    assertThat(t.path("metadata").path("continue").asText()).isEqualTo("tok");
    assertThat(t.path("metadata").path("remainingItemCount").asLong()).isEqualTo(3);
    assertThat(t.path("columnDefinitions")).hasSize(9);
    assertThat(t.path("columnDefinitions").get(2).path("name").asText()).isEqualTo("Capacity");
    JsonNode row = t.path("rows").get(0);
    assertThat(row.path("cells").get(2).asText()).isEqualTo("47.9Gi");
    assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(row.path("object").path("metadata").path("uid").asText()).isEqualTo("22222222-2222-2222-2222-222222222222");

    JsonNode one = Json.mapper().readTree(KindTable.NETWORKS.one(
        new DomainTable.Options(Representation.TABLE_V1, DomainTable.Include.OBJECT), network(), false));
    assertThat(one.path("metadata").path("resourceVersion").asText()).isEqualTo("7");
    assertThat(one.has("columnDefinitions")).isFalse();
    assertThat(one.path("rows").get(0).path("object").path("kind").asText()).isEqualTo("Network");
    assertThat(one.path("rows").get(0).path("cells").get(4).asText()).isEqualTo("virbr7");
  }

  private static List<String> names(KindTable<?> t, int priority) {
    List<String> out = new ArrayList<>();
    t.columns().stream().filter(c -> c.priority() == priority).forEach(c -> out.add(c.name()));
    return out;
  }
}
