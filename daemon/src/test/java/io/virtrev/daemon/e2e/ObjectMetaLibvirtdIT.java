package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.WatchClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labels live in the domain's libvirt XML, on the packaged daemon and the real libvirtd: set through
 * PUT they are in {@code virsh dumpxml}, a daemon started on an EMPTY data dir still serves them, and
 * {@code virsh metadata} changing one is a new revision (to a labelSelector watch: the domain leaves);
 * the served XML never carries the element, and a JSON Patch removing the labels removes it from libvirt.
 */
class ObjectMetaLibvirtdIT {
  private static final String PREFIX = "k-meta-";
  private static final String DOMAINS = "/apis/virtrev.io/v1/domains";
  private static final String NS = "https://virtrev.io/xmlns/domain/v1";
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  @RegisterExtension final LibvirtdPrefix libvirtd = new LibvirtdPrefix(PREFIX);

  @Test
  void labelsSetByPutLiveInLibvirtSurviveAnEmptyDataDirAndVirshMetadataIsARevision() throws Exception {
    String name = PREFIX + "web";
    String uuid = UUID.randomUUID().toString();
    Host.defineTiny(name, uuid, 32);
    String firstCreated;
    try (DaemonProcess d = DaemonProcess.start(dir.resolve("first"))) {
      JsonNode got = await().atMost(WAIT).until(() -> d.api.get(DOMAINS + "/" + name), r -> r.status() == 200).json();
      firstCreated = got.at("/metadata/creationTimestamp").asText();
      ObjectNode body = (ObjectNode) got.deepCopy();
      ((ObjectNode) body.get("metadata")).set("labels", Json.mapper().valueToTree(Map.of("tier", "web")));
      ((ObjectNode) body.get("metadata")).set("annotations",
          Json.mapper().valueToTree(Map.of("example.com/owner", "team a")));
      ApiClient.Response put = d.api.send("PUT", DOMAINS + "/" + name, "application/json", body.toString());
      assertThat(put.status()).as(put.body()).isEqualTo(200);
      // One revision of this domain (others on the shared libvirtd may take store revisions in between).
      JsonNode history = d.api.get(DOMAINS + "/" + name + "/history").json().get("items");
      assertThat(history).extracting(i -> i.at("/object/metadata/resourceVersion").asText()).containsExactly(
          put.json().at("/metadata/resourceVersion").asText(), got.at("/metadata/resourceVersion").asText());
      assertThat(put.json().at("/metadata/generation").asLong()).as("labels are not spec").isEqualTo(1);
      assertThat(put.json().at("/metadata/labels/tier").asText()).isEqualTo("web");
      assertThat(Host.virsh("dumpxml", "--inactive", name))
          .contains("<virtrev:object xmlns:virtrev=\"" + NS + "\">")
          .contains("<virtrev:label key=\"tier\">web</virtrev:label>")
          .contains("<virtrev:annotation key=\"example.com/owner\">team a</virtrev:annotation>");
      assertThat(d.stop()).as("exit code after SIGTERM (the JVM exits 128+15)").isEqualTo(143);
    }

    Instant restarted = Instant.now().minusSeconds(1);
    try (DaemonProcess d = DaemonProcess.start(dir.resolve("empty"))) {
      JsonNode fresh = await().atMost(WAIT).until(() -> d.api.get(DOMAINS + "/" + name), r -> r.status() == 200)
          .json().get("metadata");
      assertThat(fresh.get("labels")).isEqualTo(Json.mapper().valueToTree(Map.of("tier", "web")));
      assertThat(fresh.at("/annotations/example.com~1owner").asText()).isEqualTo("team a");
      assertThat(fresh.get("uid").asText()).isEqualTo(uuid);
      assertThat(Instant.parse(fresh.get("creationTimestamp").asText())).as("a fresh data dir re-stamps it")
          .isAfterOrEqualTo(Instant.parse(firstCreated))
          .isAfterOrEqualTo(restarted.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      long rv = fresh.get("resourceVersion").asLong();
      JsonNode listed = d.api.get(DOMAINS + "?labelSelector=tier%3Dweb").json();
      assertThat(listed.get("items")).extracting(i -> i.at("/metadata/name").asText()).containsExactly(name);

      try (WatchClient web = WatchClient.open(d.api, DOMAINS + "?watch=true&labelSelector=tier%3Dweb&resourceVersion="
              + listed.at("/metadata/resourceVersion").asText());
          WatchClient all = WatchClient.open(d.api, DOMAINS + "?watch=true&resourceVersion="
              + listed.at("/metadata/resourceVersion").asText())) {
        assertThat(web.status(WAIT)).isEqualTo(200);
        assertThat(all.status(WAIT)).isEqualTo(200);
        Host.virsh("metadata", name, "--uri", NS, "--key", "virtrev", "--config", "--set",
            "<object><label key=\"tier\">db</label></object>");
        // Other domains on the shared libvirtd may change meanwhile: only this one's events count.
        await().atMost(WAIT).until(() -> ours(all).isPresent() && !web.events().isEmpty());
        JsonNode changed = Json.mapper().readTree(ours(all).get().objectJson());
        assertThat(ours(all).get().type()).isEqualTo("MODIFIED");
        assertThat(changed.at("/metadata/resourceVersion").asLong()).isGreaterThan(rv);
        assertThat(changed.at("/metadata/labels")).isEqualTo(Json.mapper().valueToTree(Map.of("tier", "db")));
        assertThat(changed.at("/metadata/annotations").isMissingNode()).as("virsh replaced the whole element").isTrue();
        assertThat(changed.at("/metadata/generation").asLong()).isEqualTo(fresh.get("generation").asLong());
        assertThat(changed.at("/status/lastEvent/type").asText()).isEqualTo("metadata-change");
        assertThat(web.events()).extracting(e -> e.type() + " " + e.name()).containsExactly("DELETED " + name);
      }
      JsonNode now = d.api.get(DOMAINS + "/" + name).json();
      assertThat(now.at("/metadata/labels/tier").asText()).isEqualTo("db");
      assertThat(now.at("/spec/xml").asText()).as("served without the element").doesNotContain(NS);
      assertThat(d.api.get(DOMAINS + "/" + name, "Accept", "application/xml").body()).doesNotContain(NS);

      // Removing the labels removes the element from libvirt's XML.
      ApiClient.Response removed = d.api.send("PATCH", DOMAINS + "/" + name, "application/json-patch+json",
          "[{\"op\":\"remove\",\"path\":\"/metadata/labels\"}]");
      assertThat(removed.status()).as(removed.body()).isEqualTo(200);
      assertThat(removed.json().get("metadata").has("labels")).isFalse();
      assertThat(Host.virsh("dumpxml", "--inactive", name)).doesNotContain(NS);
    }
  }

  private static java.util.Optional<io.virtrev.fixtures.SeenEvent> ours(WatchClient w) {
    return w.events().stream().filter(e -> e.name().startsWith(PREFIX)).findFirst();
  }
}
