package io.virtrev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.source.SnapshotObservation;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DomainSnapshot wire model, the snapshot uid and the observation: JSON shape, descriptions, invariants. */
class DomainSnapshotModelTest {
  private static final String DOMAIN = "8e169b51-202a-4836-9b35-3f34753facba";
  private static final Instant CREATED = Instant.parse("2026-12-02T01:06:21Z");
  private static final LibvirtEvent DEFINED = new LibvirtEvent("lifecycle", "defined", "from_snapshot",
      Instant.parse("2026-12-02T01:07:05Z"));

  @Test
  void theUidIsTheNameBasedUuidOfKindDomainAndName() {
    // Computed independently (Python: MD5 of the bytes, version 3, IETF variant), as Java's nameUUIDFromBytes.
    assertThat(Uids.domainSnapshot(DOMAIN, "before-upgrade")).isEqualTo("12a118b4-eff2-346b-bb05-d80382b220ff");
    assertThat(Uids.domainSnapshot(DOMAIN, "other")).isNotEqualTo(Uids.domainSnapshot(DOMAIN, "before-upgrade"));
    assertThat(new SnapshotObservation(DOMAIN, "web", "before-upgrade", "<domainsnapshot/>", null, true, "running",
        CREATED).uid()).isEqualTo("12a118b4-eff2-346b-bb05-d80382b220ff");
    assertThatThrownBy(() -> Uids.domainSnapshot(null, "x")).hasMessageContaining("owner uuid");
  }

  @Test
  void aSnapshotIsWrittenAsAKubernetesObjectWithNullsAndNoEventsOmitted() throws Exception {
    String uid = Uids.domainSnapshot(DOMAIN, "s1");
    DomainSnapshot s = DomainSnapshot.of(new DomainMeta("s1", uid, Revision.of(9), 1, Revision.of(9),
            Instant.parse("2026-12-02T01:07:00Z")),
        new DomainSnapshotSpec("<domainsnapshot/>"),
        new DomainSnapshotStatus("web", DOMAIN, null, true, "running", CREATED, null, null, null,
            new ApiRequest("POST", "/apis/virtrev.io/v1/domains/web/snapshots", "alice")));
    JsonNode json = Json.mapper().readTree(Json.bytes(s));

    assertThat(json.path("apiVersion").asText()).isEqualTo("virtrev.io/v1");
    assertThat(json.path("kind").asText()).isEqualTo("DomainSnapshot");
    assertThat(json.at("/metadata/name").asText()).isEqualTo("s1");
    assertThat(json.at("/metadata/uid").asText()).isEqualTo(uid);
    assertThat(json.at("/spec/xml").asText()).isEqualTo("<domainsnapshot/>");
    assertThat(json.path("status").toString()).isEqualTo("{\"domain\":\"web\",\"domainUid\":\"" + DOMAIN + "\","
        + "\"current\":true,\"state\":\"running\",\"creationTime\":\"2026-12-02T01:06:21Z\","
        + "\"request\":{\"method\":\"POST\",\"path\":\"/apis/virtrev.io/v1/domains/web/snapshots\",\"user\":\"alice\"}}");
    assertThat(Json.read(Json.bytes(s), DomainSnapshot.class)).isEqualTo(s);
  }

  @Test
  void eventsAreKeptOldestFirstAndCopied() throws Exception {
    List<LibvirtEvent> events = new java.util.ArrayList<>(List.of(DEFINED));
    DomainSnapshotStatus st = new DomainSnapshotStatus("web", DOMAIN, "s0", false, "running", CREATED, DEFINED,
        events, null, null);
    events.clear();
    assertThat(st.events()).containsExactly(DEFINED);
    assertThat(Json.mapper().readTree(Json.bytes(st)).at("/events/0/detail").asText()).isEqualTo("from_snapshot");
    assertThat(Json.mapper().readTree(Json.bytes(st)).path("parent").asText()).isEqualTo("s0");
    assertThat(new DomainSnapshotStatus("web", DOMAIN, null, false, "running", CREATED, null, null, null, null).events())
        .isEmpty();
  }

  @Test
  void aListCarriesItsKindAndAnImmutableCopyOfItsItems() {
    DomainSnapshotList l = DomainSnapshotList.of(new ListMeta(Revision.of(3), "store", Revision.of(1)), List.of());
    assertThat(l.kind()).isEqualTo("DomainSnapshotList");
    assertThat(l.apiVersion()).isEqualTo("virtrev.io/v1");
    assertThatThrownBy(() -> l.items().add(null)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(DomainSnapshot.RESOURCE).isEqualTo("domainsnapshots");
  }

  @Test
  void everyTypeAndComponentIsDescribed() {
    for (Class<?> r : List.of(DomainSnapshot.class, DomainSnapshotSpec.class, DomainSnapshotStatus.class,
        DomainSnapshotList.class)) {
      assertThat(r.getAnnotation(JsonClassDescription.class)).as(r.getSimpleName()).isNotNull();
      for (RecordComponent c : r.getRecordComponents()) {
        JsonPropertyDescription d = c.getAccessor().getAnnotation(JsonPropertyDescription.class);
        assertThat(d).as(r.getSimpleName() + "." + c.getName()).isNotNull();
        assertThat(d.value()).as(r.getSimpleName() + "." + c.getName()).isNotBlank();
      }
    }
  }

  @Test
  void anObservationRequiresWhatTheServedObjectIsBuiltFrom() {
    assertThat(new SnapshotObservation(DOMAIN, "web", "s1", "<domainsnapshot/>", null, false, "shutoff", CREATED)
        .parent()).isNull();
    assertThatThrownBy(() -> new SnapshotObservation(DOMAIN, "web", null, "<x/>", null, false, "running", CREATED))
        .hasMessageContaining("name");
    assertThatThrownBy(() -> new SnapshotObservation(DOMAIN, "web", "s1", "<x/>", null, false, null, CREATED))
        .hasMessageContaining("state null");
    assertThatThrownBy(() -> new SnapshotObservation(DOMAIN, "web", "s1", "<x/>", null, false, "running", null))
        .hasMessageContaining("created null");
  }
}
