package io.virtrev.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.source.SourceEvent;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageModelTest {
  private static final DomainMeta META = new DomainMeta("p1", "0b0c4b1e-8a49-4f5e-9a55-3c6d2a1f7e10",
      Revision.of(7), 1, Revision.of(5), Instant.parse("2026-12-02T00:00:00Z"));
  private static final LibvirtEvent STARTED =
      new LibvirtEvent("lifecycle", "started", null, Instant.parse("2026-12-02T00:00:01Z"));

  /** OpenAPI's descriptions come from these annotations: a component without one is an undocumented field. */
  @Test
  void everyComponentOfTheWireRecordsIsDescribed() {
    for (Class<?> type : List.of(StoragePool.class, StoragePoolSpec.class, StoragePoolStatus.class,
        StoragePoolList.class, StorageVolume.class, StorageVolumeSpec.class, StorageVolumeStatus.class,
        StorageVolumeList.class, ApiRequest.class)) {
      for (RecordComponent c : type.getRecordComponents()) {
        JsonPropertyDescription d = c.getAccessor().getAnnotation(JsonPropertyDescription.class);
        JsonPropertyDescription onField = fieldAnnotation(type, c.getName());
        assertThat(d != null || onField != null).as(type.getSimpleName() + "." + c.getName()).isTrue();
      }
    }
  }

  @Test
  void aPoolRoundTripsAndOmitsWhatIsAbsent() throws Exception {
    StoragePool pool = StoragePool.of(META, new StoragePoolSpec("<pool type='dir'/>", true),
        new StoragePoolStatus("inactive", 0, 0, 0, true, null, STARTED, List.of(STARTED), 3,
            new ApiRequest("POST", "/apis/virtrev.io/v1/storagepools/p1/start", null)));
    JsonNode json = Json.mapper().readTree(Json.bytes(pool));
    assertThat(json.at("/apiVersion").asText()).isEqualTo("virtrev.io/v1");
    assertThat(json.at("/kind").asText()).isEqualTo("StoragePool");
    assertThat(json.at("/metadata/uid").asText()).isEqualTo(META.uuid());
    assertThat(json.at("/spec/autostart").asBoolean()).isTrue();
    assertThat(json.at("/status").has("liveXml")).isFalse();
    assertThat(json.at("/status/request").has("user")).isFalse();
    assertThat(json.at("/status/events/0/event").asText()).isEqualTo("started");
    assertThat(json.at("/status/eventsOmitted").asInt()).isEqualTo(3);
    assertThat(Json.read(Json.bytes(pool), StoragePool.class)).isEqualTo(pool);
  }

  @Test
  void aVolumeNamesItsPoolAndOmitsNoEvents() throws Exception {
    StorageVolume volume = StorageVolume.of(META, new StorageVolumeSpec("<volume/>"),
        new StorageVolumeStatus("p1", META.uuid(), "/d/v1", "/d/v1", "file", 1048576, 4096, null, List.of(), 0,
            new ApiRequest("POST", "/apis/virtrev.io/v1/storagepools/p1/volumes", "alice")));
    byte[] bytes = Json.bytes(volume);
    JsonNode json = Json.mapper().readTree(bytes);
    assertThat(json.at("/kind").asText()).isEqualTo("StorageVolume");
    assertThat(json.at("/status/pool").asText()).isEqualTo("p1");
    assertThat(json.at("/status/poolUuid").asText()).isEqualTo(META.uuid());
    assertThat(json.at("/status/capacity").asLong()).isEqualTo(1048576);
    assertThat(json.at("/status").has("events")).as(new String(bytes, StandardCharsets.UTF_8)).isFalse();
    assertThat(json.at("/status").has("eventsOmitted")).isFalse();
    assertThat(volume.status().events()).isNull();
    assertThat(Json.read(bytes, StorageVolume.class)).isEqualTo(volume);
    assertThat(StorageVolumeList.of(null, List.of(volume))
        .kind()).isEqualTo("StorageVolumeList");
    assertThat(StoragePoolList.of(null, List.of()).kind()).isEqualTo("StoragePoolList");
  }

  @Test
  void theThreeArgumentSourceEventIsADomainEvent() {
    assertThat(new SourceEvent("u", "n", STARTED).kind()).isEqualTo("domains");
    assertThat(new SourceEvent(SourceEvent.STORAGE_POOLS, "u", "n", STARTED).kind()).isEqualTo("storagepools");
    assertThat(io.virtrev.api.source.StorageSource.POOLS).isEqualTo("storagepools");
  }

  private static JsonPropertyDescription fieldAnnotation(Class<?> type, String name) {
    try {
      return type.getDeclaredField(name).getAnnotation(JsonPropertyDescription.class);
    } catch (NoSuchFieldException e) {
      return null;
    }
  }
}
