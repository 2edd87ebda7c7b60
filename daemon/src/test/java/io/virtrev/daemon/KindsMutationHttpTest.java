package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.FakeNetworkSource;
import io.virtrev.fixtures.FakeSnapshotSource;
import io.virtrev.fixtures.FakeStorageSource;
import io.virtrev.fixtures.StorageXml;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creating, updating, deleting and acting on networks, pools and volumes over the real Netty server, with
 * the fakes behind the real store and reconciler: CAS (409 body, 412 If-Match), dry runs that change
 * nothing, actions with their arguments, and bad input refused with a precise Status and nothing changed.
 */
class KindsMutationHttpTest {
  static final String V1 = "/apis/virtrev.io/v1";
  static final String NET_XML = "<network><name>i13-khttp-net</name><uuid>cccccccc-0000-0000-0000-000000000001</uuid>"
      + "<bridge name='virbr77'/></network>";

  @TempDir Path dir;
  private final FakeNetworkSource networks = new FakeNetworkSource();
  private final FakeStorageSource storage = new FakeStorageSource();
  private FakeDaemon d;

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.startWithKinds(dir, networks, storage, new FakeSnapshotSource());
  }

  @AfterEach
  void stop() {
    d.close();
  }

  private static String body(String xml) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.putObject("spec").put("xml", xml);
    return o.toString();
  }

  private JsonNode ok(ApiClient.Response r, int code) {
    assertThat(r.status()).as(r.body()).isEqualTo(code);
    return r.json();
  }

  @Test
  void networkLifecycleWithCasDryRunAndBadInput() throws Exception {
    ApiClient.Response created = d.api.send("POST", V1 + "/networks", "application/json", body(NET_XML));
    JsonNode n = ok(created, 201);
    assertThat(created.header("location")).isEqualTo(V1 + "/networks/i13-khttp-net");
    assertThat(n.at("/status/request/method").asText()).isEqualTo("POST");
    String rv = n.at("/metadata/resourceVersion").asText();

    JsonNode started = ok(d.api.send("POST", V1 + "/networks/i13-khttp-net/start", "application/json", ""), 200);
    assertThat(started.at("/status/active").asBoolean()).isTrue();
    assertThat(started.at("/status/request/path").asText()).isEqualTo(V1 + "/networks/i13-khttp-net/start");

    assertStatus(d.api.send("POST", V1 + "/networks/i13-khttp-net/autostart", "application/json", ""), 400,
        "BadRequest", "autostart needs enabled=true or enabled=false");
    JsonNode auto = ok(d.api.send("POST", V1 + "/networks/i13-khttp-net/autostart", "application/json",
        "{\"enabled\": true}"), 200);
    assertThat(auto.at("/spec/autostart").asBoolean()).isTrue();
    assertStatus(d.api.send("POST", V1 + "/networks/i13-khttp-net/resize", "application/json", ""), 404,
        "NotFound", "no such path");

    // CAS: a stale resourceVersion in the body is 409, a stale If-Match 412; nothing changes
    long before = d.revision();
    ObjectNode stale = (ObjectNode) Json.mapper().readTree(body(NET_XML.replace("virbr77", "virbr78")));
    stale.putObject("metadata").put("resourceVersion", rv);
    assertStatus(d.api.send("PUT", V1 + "/networks/i13-khttp-net", "application/json", stale.toString()), 409,
        "Conflict", "");
    assertStatus(d.api.send("DELETE", V1 + "/networks/i13-khttp-net", null, null, "If-Match", "\"" + rv + "\""), 412,
        "PreconditionFailed", "");
    assertStatus(d.api.send("PATCH", V1 + "/networks/i13-khttp-net", "application/merge-patch+json",
        "{\"spec\":{\"autostart\":false}}"), 422, "Invalid", "POST .../autostart?enabled=true|false");
    assertStatus(d.api.send("POST", V1 + "/networks", "application/json", body("<network><bogus/>")), 400,
        "BadRequest", "");
    assertStatus(d.api.send("POST", V1 + "/networks", "application/json", "{\"spec\":{}}"), 400,
        "BadRequest", "the object has no spec.xml (its libvirt XML)");
    assertStatus(d.api.send("POST", V1 + "/networks", "application/json", " "), 400,
        "BadRequest", "the object's libvirt XML (application/xml) or the object as JSON");
    ok(d.api.send("DELETE", V1 + "/networks/i13-khttp-net?dryRun=All", null, null), 200);
    assertThat(d.revision()).as("refusals and a dry run commit nothing").isEqualTo(before);
    assertThat(networks.listAll()).hasSize(1);

    JsonNode current = ok(d.api.get(V1 + "/networks/i13-khttp-net"), 200);
    JsonNode updated = ok(d.api.send("PUT", V1 + "/networks/i13-khttp-net", "application/json",
        ((ObjectNode) current).set("spec", Json.mapper().createObjectNode()
            .put("xml", NET_XML.replace("virbr77", "virbr78"))).toString()), 200);
    assertThat(updated.at("/spec/xml").asText()).contains("virbr78");
    assertThat(updated.at("/metadata/generation").asLong()).isEqualTo(2);

    JsonNode history = ok(d.api.get(V1 + "/networks/i13-khttp-net/history"), 200);
    assertThat(history.path("items")).extracting(i -> i.at("/object/metadata/resourceVersion").asText())
        .startsWith(updated.at("/metadata/resourceVersion").asText()).contains(rv);
    assertThat(history.at("/items/0/object/kind").asText()).isEqualTo("Network");
    String diff = d.api.get(V1 + "/networks/i13-khttp-net/diff", "Accept", "text/plain").body();
    assertThat(diff).contains("-<network><name>i13-khttp-net</name>").contains("virbr78");
    assertStatus(d.api.get(V1 + "/networks/nope/history"), 404, "NotFound",
        "network \"nope\" not found in the current state or the retained history");

    JsonNode deleted = ok(d.api.send("DELETE", V1 + "/networks/i13-khttp-net", null, null, "If-Match",
        "\"" + updated.at("/metadata/resourceVersion").asText() + "\""), 200);
    assertThat(deleted.at("/metadata/name").asText()).isEqualTo("i13-khttp-net");
  }

  @Test
  void poolActionsAndVolumesCreateResizeDelete() throws Exception {
    String pool = "/storagepools/i13-khttp-pool";
    ok(d.api.send("POST", V1 + "/storagepools", "application/xml",
        StorageXml.dirPool("i13-khttp-pool", "dddddddd-0000-0000-0000-000000000001", dir.resolve("pool").toString())),
        201);
    ok(d.api.send("POST", V1 + pool + "/build", "application/json", ""), 200);
    JsonNode running = ok(d.api.send("POST", V1 + pool + "/start", "application/json", ""), 200);
    assertThat(running.at("/status/state").asText()).isEqualTo("running");
    ok(d.api.send("POST", V1 + pool + "/refresh", "application/json", ""), 200);

    ApiClient.Response v = d.api.send("POST", V1 + pool + "/volumes", "application/json",
        body(StorageXml.volume("v1.raw", StorageXml.MIB)));
    assertThat(ok(v, 201).at("/status/capacity").asLong()).isEqualTo(StorageXml.MIB);
    assertThat(v.header("location")).isEqualTo(V1 + pool + "/volumes/v1.raw");

    assertStatus(d.api.send("POST", V1 + pool + "/volumes/v1.raw/resize", "application/json", "{\"capacity\": -1}"),
        400, "BadRequest", "resize needs a capacity in bytes, a number >= 0 (query parameter capacity, or"
            + " {\"capacity\": bytes} as the body); got -1");
    JsonNode resized = ok(d.api.send("POST", V1 + pool + "/volumes/v1.raw/resize", "application/json",
        "{\"capacity\": " + 2 * StorageXml.MIB + "}"), 200);
    assertThat(resized.at("/status/capacity").asLong()).isEqualTo(2 * StorageXml.MIB);
    assertStatus(d.api.send("PUT", V1 + pool + "/volumes/v1.raw", "application/json", "{}"), 405,
        "MethodNotAllowed", "method PUT is not allowed on");
    assertStatus(d.api.send("POST", V1 + "/storagepools/nope/volumes", "application/json",
        body(StorageXml.volume("x", 1))), 404, "NotFound", "storagepool \"nope\" not found");

    ok(d.api.send("DELETE", V1 + pool + "/volumes/v1.raw", null, null), 200);
    assertThat(ok(d.api.get(V1 + pool + "/volumes"), 200).path("items")).isEmpty();
    assertThat(ok(d.api.send("POST", V1 + pool + "/destroy", "application/json", ""), 200).at("/status/state").asText())
        .isEqualTo("inactive");
  }
}
