package io.virtrev.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The host object → fleet object transform, the fleet's selectors and its continue tokens (no etcd). */
class FleetObjectTest {
  private static final String HOST_JSON = "{\"apiVersion\":\"virtrev.io/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":"
      + "\"web\",\"uuid\":\"6695eb01-f6a4-8304-79aa-97f2502e193f\",\"resourceVersion\":\"42\",\"labels\":{\"tier\":"
      + "\"front\"}},\"spec\":{\"xml\":\"<domain/>\"},\"status\":{\"state\":\"running\"}}";

  private static FleetObject web(String host, long rev) {
    return FleetObject.of(FleetKeys.object("domains", host, "6695eb01-f6a4-8304-79aa-97f2502e193f"),
        HOST_JSON.getBytes(StandardCharsets.UTF_8), rev);
  }

  @Test
  void theFleetObjectCarriesItsHostAndEtcdRevisionAndKeepsTheRest() {
    JsonNode o = web("a", 7).fleetObject();
    assertThat(o.at("/metadata/name").asText()).isEqualTo("a.web");
    assertThat(o.at("/metadata/uid").asText()).isEqualTo(FleetKeys.fleetUid("a", "domains",
        "6695eb01-f6a4-8304-79aa-97f2502e193f"));
    assertThat(o.at("/metadata/uuid").asText()).isEqualTo("6695eb01-f6a4-8304-79aa-97f2502e193f");
    assertThat(o.at("/metadata/resourceVersion").asText()).isEqualTo("7");
    assertThat(o.at("/metadata/labels/tier").asText()).isEqualTo("front");
    assertThat(o.at("/metadata/labels/virtrev.io~1host").asText()).isEqualTo("a");
    assertThat(o.at("/metadata/annotations/virtrev.io~1host-resource-version").asText()).isEqualTo("42");
    assertThat(o.at("/status/host").asText()).isEqualTo("a");
    assertThat(o.at("/spec")).isEqualTo(Json.mapper().valueToTree(java.util.Map.of("xml", "<domain/>")));
    assertThat(web("b", 7).fleetUid()).as("one libvirt UUID on two hosts: two fleet uids").isNotEqualTo(web("a", 7).fleetUid());
    assertThat(web("a", 7).at(9).fleetObject().at("/metadata/resourceVersion").asText()).isEqualTo("9");
    assertThat(web("a", 7).hostObject().at("/metadata/name").asText()).as("the host's object is untouched").isEqualTo("web");
  }

  @Test
  void ownedObjectsKeepTheirNamesAndBadKeysOrValuesAreRefused() {
    FleetObject v = FleetObject.of(FleetKeys.object("storagevolumes", "a", "u1"),
        "{\"metadata\":{\"name\":\"disk\",\"uuid\":\"u1\"},\"status\":{\"pool\":\"default\"}}"
            .getBytes(StandardCharsets.UTF_8), 3);
    assertThat(v.fleetName()).isEqualTo("disk");
    assertThat(v.fleetObject().at("/metadata/name").asText()).isEqualTo("disk");
    assertThat(FleetSelector.parse("status.pool=default,status.host=a", null).matches(v)).isTrue();
    assertThatThrownBy(() -> FleetObject.of("/virtrev/v1/hosts/a/progress", "{}".getBytes(StandardCharsets.UTF_8), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an object key");
    assertThatThrownBy(() -> FleetObject.of(FleetKeys.object("domains", "a", "u"), "[1]".getBytes(StandardCharsets.UTF_8), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object");
  }

  @Test
  void selectorsByNameUidStateHostAndLabels() {
    FleetObject o = web("a", 7);
    assertThat(FleetSelector.parse("metadata.name=a.web", null).matches(o)).isTrue();
    assertThat(FleetSelector.parse("metadata.name=web", null).matches(o)).isFalse();
    assertThat(FleetSelector.parse("metadata.uid=" + o.fleetUid().toUpperCase(), null).matches(o)).isTrue();
    assertThat(FleetSelector.parse("status.state!=running", null).matches(o)).isFalse();
    assertThat(FleetSelector.parse("status.host==a", "virtrev.io/host=a,tier in (front,back)").matches(o)).isTrue();
    assertThat(FleetSelector.parse(null, "virtrev.io/host=b").matches(o)).isFalse();
    assertThat(FleetSelector.parse("status.host=a", null).host()).isEqualTo("a");
    assertThat(FleetSelector.parse("status.host!=a", null).host()).isNull();
    assertThatThrownBy(() -> FleetSelector.parse("spec.xml=x", null)).isInstanceOf(ApiException.class)
        .hasMessageContaining("\"spec.xml\" is not supported");
    assertThatThrownBy(() -> FleetSelector.parse("status.host", null)).isInstanceOf(ApiException.class)
        .hasMessageContaining("has no operator");
    assertThatThrownBy(() -> FleetSelector.parse(null, "a in (")).isInstanceOf(ApiException.class);
  }

  @Test
  void continueTokensRoundTripAndForeignOnesAre400() {
    FleetContinue t = new FleetContinue(12, "/virtrev/v1/objects/domains/a/u", "/virtrev/v1/objects/domains/",
        "status.host=a", "x=y");
    assertThat(FleetContinue.decode(t.encode())).isEqualTo(t);
    for (String bad : new String[] {"", "bm90LWpzb24", "e30", "!!"}) {
      assertThatThrownBy(() -> FleetContinue.decode(bad)).isInstanceOf(ApiException.class)
          .hasMessageContaining("continue token is not valid");
    }
  }

  @Test
  void theRangeEndOfAPrefixIsItsLastByteOneHigher() {
    assertThat(FleetView.rangeEnd("/virtrev/v1/objects/domains/")).isEqualTo("/virtrev/v1/objects/domains0");
    assertThat(FleetView.prefix(null, "a")).isEqualTo(FleetKeys.allObjects());
    assertThat(FleetView.prefix("domains", "a")).isEqualTo("/virtrev/v1/objects/domains/a/");
  }
}
