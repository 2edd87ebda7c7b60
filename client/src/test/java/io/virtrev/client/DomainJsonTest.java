package io.virtrev.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed model reads the wire JSON as fabric8 does, keeps what it does not know, and writes it back. */
class DomainJsonTest {
  private final KubernetesSerialization json = new KubernetesSerialization();

  /** The object as docs/api.md shows it, plus the metadata another branch adds and fields no version has yet. */
  private static final String WIRE = """
      {"apiVersion":"virtrev.io/v1","kind":"Domain",
       "metadata":{"name":"web-1","uuid":"c5db54f7-4a1e-4c5b-9d57-1f0e2d9a7b10","resourceVersion":"42","generation":3,
         "creationRevision":"7","uid":"c5db54f7-4a1e-4c5b-9d57-1f0e2d9a7b10","creationTimestamp":"2026-11-26T02:15:49Z",
         "labels":{"tier":"web"},"annotations":{"note":"x"},"somethingNew":{"a":1}},
       "spec":{"xml":"<domain type='qemu'/>","persistent":true,"autostart":false,"futureSpec":"kept"},
       "status":{"state":"running","reason":"booted","id":34,"liveXml":"<domain id='34'/>",
         "lastEvent":{"type":"lifecycle","event":"started","detail":"booted","time":"2026-11-26T02:15:49.3Z",
           "futureEvent":[1]},
         "events":[{"type":"lifecycle","event":"resumed","detail":"unpaused","time":"2026-11-26T02:15:49.1Z"},
           {"type":"lifecycle","event":"started","detail":"booted","time":"2026-11-26T02:15:49.3Z"}],
         "eventsOmitted":2,
         "request":{"method":"POST","path":"/apis/virtrev.io/v1/domains/web-1/start","user":"token:platform",
           "futureRequest":true},
         "futureStatus":5}}
      """;

  @Test
  void everyWireFieldIsReadAndUnknownOnesAreKept() {
    Domain d = json.unmarshal(WIRE, Domain.class);
    assertThat(d.getMetadata().getName()).isEqualTo("web-1");
    assertThat(d.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(d.getMetadata().getGeneration()).isEqualTo(3L);
    assertThat(d.uuid()).isEqualTo("c5db54f7-4a1e-4c5b-9d57-1f0e2d9a7b10");
    assertThat(d.creationRevision()).isEqualTo("7");
    assertThat(d.getMetadata().getUid()).isEqualTo("c5db54f7-4a1e-4c5b-9d57-1f0e2d9a7b10");
    assertThat(d.getMetadata().getCreationTimestamp()).isEqualTo("2026-11-26T02:15:49Z");
    assertThat(d.getMetadata().getLabels()).isEqualTo(Map.of("tier", "web"));
    assertThat(d.getMetadata().getAnnotations()).isEqualTo(Map.of("note", "x"));
    assertThat(d.getSpec().getXml()).isEqualTo("<domain type='qemu'/>");
    assertThat(d.getSpec().getPersistent()).isTrue();
    assertThat(d.getSpec().getAutostart()).isFalse();
    assertThat(d.getSpec().getAdditionalProperties()).containsEntry("futureSpec", "kept");
    assertThat(d.getStatus().getState()).isEqualTo("running");
    assertThat(d.getStatus().getReason()).isEqualTo("booted");
    assertThat(d.getStatus().getId()).isEqualTo(34);
    assertThat(d.getStatus().getLiveXml()).isEqualTo("<domain id='34'/>");
    assertThat(d.getStatus().getLastEvent().getType()).isEqualTo("lifecycle");
    assertThat(d.getStatus().getLastEvent().getEvent()).isEqualTo("started");
    assertThat(d.getStatus().getLastEvent().getDetail()).isEqualTo("booted");
    assertThat(d.getStatus().getLastEvent().getTime()).isEqualTo("2026-11-26T02:15:49.3Z");
    assertThat(d.getStatus().getEvents()).extracting(LibvirtEvent::getEvent).containsExactly("resumed", "started");
    assertThat(d.getStatus().getEventsOmitted()).isEqualTo(2);
    assertThat(d.getStatus().getRequest().getMethod()).isEqualTo("POST");
    assertThat(d.getStatus().getRequest().getPath()).isEqualTo("/apis/virtrev.io/v1/domains/web-1/start");
    assertThat(d.getStatus().getRequest().getUser()).isEqualTo("token:platform");
    assertThat(d.getStatus().getRequest().getAdditionalProperties()).containsEntry("futureRequest", true);
    assertThat(d.getStatus().getAdditionalProperties()).containsEntry("futureStatus", 5);
    assertThat(d.getStatus().getLastEvent().getAdditionalProperties()).containsEntry("futureEvent", List.of(1));

    // A PUT sends the object back: nothing the client did not understand is lost.
    Domain again = json.unmarshal(json.asJson(d), Domain.class);
    assertThat(again.uuid()).isEqualTo(d.uuid());
    assertThat(again.getMetadata().getAdditionalProperties()).containsKey("somethingNew");
    assertThat(again.getSpec().getAdditionalProperties()).containsEntry("futureSpec", "kept");
    assertThat(again.getStatus().getAdditionalProperties()).containsEntry("futureStatus", 5);
    assertThat(again.getStatus().getLastEvent().getAdditionalProperties()).containsEntry("futureEvent", List.of(1));
    assertThat(again.getStatus().getRequest().getAdditionalProperties()).containsEntry("futureRequest", true);
    assertThat(json.asJson(again)).isEqualTo(json.asJson(d));
  }

  @Test
  void aDomainFromXmlSendsOnlyTheXml() {
    String sent = json.asJson(Domain.fromXml("<domain/>"));
    assertThat(sent).contains("\"apiVersion\":\"virtrev.io/v1\"", "\"kind\":\"Domain\"", "\"spec\":{\"xml\":\"<domain/>\"}")
        .doesNotContain("persistent", "autostart", "status\":{");
  }
}
