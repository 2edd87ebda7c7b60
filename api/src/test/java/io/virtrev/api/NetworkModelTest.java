package io.virtrev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.SourceEvent;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Network wire model: its JSON shape, its descriptions (the OpenAPI document is generated from them). */
class NetworkModelTest {
  private static final LibvirtEvent STARTED = new LibvirtEvent("lifecycle", "started", null,
      Instant.parse("2026-12-02T00:00:00Z"));

  @Test
  void aNetworkIsWrittenAsAKubernetesObjectWithNullsAndNoEventsOmitted() throws Exception {
    Network n = Network.of(new DomainMeta("lan", "0b9c1f8e-1d2a-4a51-9a0e-3f1d1a2b3c4d", Revision.of(7), 1,
            Revision.of(5), Instant.parse("2026-12-01T10:00:00Z")),
        new NetworkSpec("<network/>", true),
        new NetworkStatus(false, true, "virbr7", null, null, null, null, new ApiRequest("POST",
            "/apis/virtrev.io/v1/networks/lan/destroy", null)));
    JsonNode json = Json.mapper().readTree(Json.bytes(n));

    assertThat(json.path("apiVersion").asText()).isEqualTo("virtrev.io/v1");
    assertThat(json.path("kind").asText()).isEqualTo("Network");
    assertThat(json.at("/metadata/uid").asText()).isEqualTo("0b9c1f8e-1d2a-4a51-9a0e-3f1d1a2b3c4d");
    assertThat(json.at("/metadata/resourceVersion").asText()).isEqualTo("7");
    assertThat(json.at("/spec/xml").asText()).as("no edit-base marker: that is a domain's").isEqualTo("<network/>");
    assertThat(json.at("/spec/autostart").asBoolean()).isTrue();
    assertThat(json.path("status").toString()).isEqualTo("{\"active\":false,\"persistent\":true,\"bridge\":\"virbr7\","
        + "\"request\":{\"method\":\"POST\",\"path\":\"/apis/virtrev.io/v1/networks/lan/destroy\"}}");
    assertThat(Json.read(Json.bytes(n), Network.class)).isEqualTo(n);
  }

  @Test
  void eventsAreKeptOldestFirstAndCopied() throws Exception {
    List<LibvirtEvent> events = new java.util.ArrayList<>(List.of(STARTED));
    NetworkStatus s = new NetworkStatus(true, true, null, "<network/>", STARTED, events, null, null);
    events.clear();
    assertThat(s.events()).containsExactly(STARTED);
    assertThat(Json.mapper().readTree(Json.bytes(s)).at("/events/0/event").asText()).isEqualTo("started");
    assertThat(new NetworkStatus(true, true, null, null, null, null, null, null).events()).isEmpty();
  }

  @Test
  void aListCarriesItsKindAndAnImmutableCopyOfItsItems() {
    NetworkList l = NetworkList.of(new ListMeta(Revision.of(3), "store", Revision.of(1)), List.of());
    assertThat(l.kind()).isEqualTo("NetworkList");
    assertThat(l.apiVersion()).isEqualTo("virtrev.io/v1");
    assertThatThrownBy(() -> l.items().add(null)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void everyTypeAndComponentIsDescribed() {
    for (Class<?> r : List.of(Network.class, NetworkSpec.class, NetworkStatus.class, NetworkList.class,
        ApiRequest.class)) {
      assertThat(r.getAnnotation(JsonClassDescription.class)).as(r.getSimpleName()).isNotNull();
      for (RecordComponent c : r.getRecordComponents()) {
        JsonPropertyDescription d = c.getAccessor().getAnnotation(JsonPropertyDescription.class);
        assertThat(d).as(r.getSimpleName() + "." + c.getName()).isNotNull();
        assertThat(d.value()).as(r.getSimpleName() + "." + c.getName()).isNotBlank();
      }
    }
  }

  @Test
  void anObservationHasLiveXmlExactlyWhileActive() {
    new NetworkObservation("u", "n", "<network/>", "<network/>", true, false, false);
    new NetworkObservation("u", "n", "<network/>", null, false, true, true);
    assertThatThrownBy(() -> new NetworkObservation("u", "n", "<network/>", null, true, true, false))
        .hasMessageContaining("active=true").hasMessageContaining("absent");
    assertThatThrownBy(() -> new NetworkObservation("u", "n", "<network/>", "<network/>", false, true, false))
        .hasMessageContaining("active=false");
    assertThatThrownBy(() -> new NetworkObservation("u", "n", null, null, false, true, false))
        .hasMessageContaining("configXml");
  }

  @Test
  void aSourceEventWithoutAKindIsADomainEventAndItsUuidIsItsUid() {
    SourceEvent domain = new SourceEvent("u1", "web", STARTED);
    assertThat(domain.kind()).isEqualTo(SourceEvent.DOMAINS).isEqualTo("domains");
    assertThat(domain.uid()).isEqualTo("u1");
    assertThat(domain.uuid()).isEqualTo("u1");
    assertThat(new SourceEvent(SourceEvent.NETWORKS, "u2", "lan", STARTED).kind()).isEqualTo("networks");
    assertThatThrownBy(() -> new SourceEvent(null, "u", "n", STARTED)).hasMessageContaining("kind");
    assertThatThrownBy(() -> new SourceEvent("networks", null, "n", STARTED)).hasMessageContaining("uid");
  }

}
