package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status.lastEvent}, {@code events} and {@code request} on the packaged daemon and the real
 * libvirtd: the revision a {@code POST .../start} makes names that request and the caller of the token,
 * and does not carry the {@code defined} event of the revision before it; a {@code virsh destroy} is a
 * revision carrying {@code stopped/destroyed} and no request. Watch line, object and history agree.
 */
class ProvenanceLibvirtdIT {
  private static final String PREFIX = "i13-lastevent-";
  private static final String DOMAINS = "/apis/virtrev.io/v1/domains";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String[] AUTH = {"Authorization", "Bearer w-secret"};
  @TempDir Path dir;
  @RegisterExtension final LibvirtdPrefix libvirtd = new LibvirtdPrefix(PREFIX);

  @Test
  void aStartByRequestNamesItAndItsCallerAndAVirshDestroyCarriesItsOwnEvent() throws Exception {
    String name = PREFIX + "web";
    String uuid = UUID.randomUUID().toString();
    Host.defineTiny(name, uuid, 32);
    Path tokens = Files.writeString(dir.resolve("tokens"), "platform write " + TokenFile.hashLine("w-secret") + "\n");
    // No periodic resync during the test: every revision here is made by an event or a request.
    try (DaemonProcess d = DaemonProcess.start(dir.resolve("data"), "--tokens-file", tokens.toString(),
        "--resync-period", "1h")) {
      JsonNode found = await().atMost(WAIT).until(() -> d.api.get(DOMAINS + "/" + name, AUTH), r -> r.status() == 200)
          .json();
      assertThat(found.at("/status/lastEvent").isMissingNode()).as("found by the initial resync: %s", found.get("status"))
          .isTrue();

      // virsh define of a changed XML: a revision carrying defined/updated.
      Host.virsh("define", Host.writeTemp(name, DomainXml.tiny(name, uuid, 48)).toString());
      JsonNode redefined = await().atMost(WAIT).until(() -> d.api.get(DOMAINS + "/" + name, AUTH).json(),
          j -> j.at("/spec/xml").asText().contains("49152"));
      assertThat(redefined.at("/status/lastEvent/event").asText()).isEqualTo("defined");
      assertThat(redefined.at("/status/request").isMissingNode()).isTrue();
      long definedRv = redefined.at("/metadata/resourceVersion").asLong();

      try (WatchClient watch = WatchClient.open(d.api, DOMAINS + "?watch=true&resourceVersion=" + definedRv, AUTH)) {
        assertThat(watch.status(WAIT)).isEqualTo(200);
        ApiClient.Response started = d.api.send("POST", DOMAINS + "/" + name + "/start", null, null, AUTH);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        JsonNode status = started.json().get("status");
        assertThat(status.get("state").asText()).isEqualTo("running");
        assertThat(status.get("request")).isEqualTo(Json.mapper().readTree("{\"method\":\"POST\",\"path\":\""
            + DOMAINS + "/" + name + "/start\",\"user\":\"token:platform\"}"));
        // libvirt's own start event arrives after the call: taken by the read-back or by a later re-read
        // that finds nothing new. Never the define's event of the revision before.
        assertThat(events(status)).as("%s", status).allMatch(e -> e.equals("lifecycle started/booted")
            || e.equals("lifecycle resumed/unpaused"));
        assertThat(status.at("/lastEvent/event").asText()).isNotEqualTo("defined");
        long startRv = started.json().at("/metadata/resourceVersion").asLong();
        assertThat(startRv).isGreaterThan(definedRv);

        Host.virsh("destroy", name);
        await().atMost(WAIT).until(() -> ours(watch, uuid).stream().anyMatch(e -> e.objectJson().contains("\"shutoff\"")));
        List<SeenEvent> seen = ours(watch, uuid);
        assertThat(seen.get(0).resourceVersion()).as("the start first").isEqualTo(startRv);
        assertThat(Json.mapper().readTree(seen.get(0).objectJson()).get("status")).as("the start's watch line")
            .isEqualTo(status);
        JsonNode destroyed = Json.mapper().readTree(seen.get(seen.size() - 1).objectJson()).get("status");
        assertThat(destroyed.get("state").asText()).isEqualTo("shutoff");
        assertThat(destroyed.at("/lastEvent/event").asText()).as("%s", destroyed).isEqualTo("stopped");
        assertThat(destroyed.at("/lastEvent/detail").asText()).isEqualTo("destroyed");
        // libvirt sends shutdown/host, then stopped/destroyed once the domain is off (libvirt-facts.md).
        assertThat(events(destroyed)).endsWith("lifecycle stopped/destroyed")
            .allMatch(e -> e.equals("lifecycle shutdown/host") || e.equals("lifecycle stopped/destroyed"));
        assertThat(destroyed.has("request")).isFalse();

        // History shows the same statuses, newest first.
        JsonNode items = d.api.get(DOMAINS + "/" + name + "/history", AUTH).json().get("items");
        assertThat(items.get(0).at("/object/status")).isEqualTo(destroyed);
        JsonNode startItem = null;
        for (JsonNode i : items) {
          if (i.at("/object/metadata/resourceVersion").asLong() == startRv) {
            startItem = i;
          }
        }
        assertThat(startItem).as("history of %s", name).isNotNull();
        assertThat(startItem.at("/object/status")).isEqualTo(status);
        assertThat(items.get(items.size() - 2).at("/object/status/lastEvent/event").asText()).isEqualTo("defined");
      }
    }
  }

  private static List<String> events(JsonNode status) {
    List<String> out = new ArrayList<>();
    Optional.ofNullable(status.get("events")).ifPresent(a -> a.forEach(e ->
        out.add(e.get("type").asText() + " " + e.path("event").asText() + "/" + e.path("detail").asText())));
    return out;
  }

  /** This domain's events (other tests' domains on the shared libvirtd may change meanwhile). */
  private static List<SeenEvent> ours(WatchClient w, String uuid) {
    return w.events().stream().filter(e -> e.uuid().equals(uuid)).toList();
  }
}
