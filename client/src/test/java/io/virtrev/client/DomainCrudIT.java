package io.virtrev.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.virtrev.daemon.e2e.DaemonProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed fabric8 client against the packaged daemon on libvirt's test driver (which starts with
 * one running domain, {@code test}): get, list, create from XML, update with its resourceVersion
 * (409 when stale), delete and watch, each checked against what the daemon serves as plain JSON.
 */
class DomainCrudIT {
  @TempDir static Path dir;
  private static DaemonProcess daemon;
  private static KubernetesClient client;
  private static MixedOperation<Domain, DomainList, Resource<Domain>> domains;
  private static final RequestLog requests = new RequestLog();

  @BeforeAll
  static void start() {
    daemon = DaemonProcess.startOn("test:///default", dir.resolve("data"));
    client = requests.client(VirtrevClients.config("http://127.0.0.1:" + daemon.port, null));
    domains = VirtrevClients.domains(client);
  }

  @AfterAll
  static void stop() {
    java.util.Set<String> shapes = new java.util.TreeSet<>();
    for (RequestLog.Entry r : requests.entries()) {
      shapes.add(r.method() + " " + r.path() + " " + new java.util.TreeSet<>(r.query().keySet()));
    }
    System.out.println("[client] CRUD request shapes: " + shapes);
    assertThat(shapes).as("every request fabric8 made for get, list, create, update, delete, watch").isNotEmpty()
        .allSatisfy(shape -> assertThat(shape).matches(".* \\[(allowWatchBookmarks, resourceVersion, watch)?\\]"));
    if (client != null) {
      client.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  private static JsonNode raw(String name) {
    return daemon.api.get("/apis/virtrev.io/v1/domains/" + name).json();
  }

  @Test
  void getAndListReadEveryWireFieldIntoTheTypedModel() {
    JsonNode wire = raw("test");
    Domain d = domains.withName("test").get();
    assertThat(d.getApiVersion()).isEqualTo("virtrev.io/v1");
    assertThat(d.getKind()).isEqualTo("Domain");
    assertThat(d.getMetadata().getName()).isEqualTo("test");
    assertThat(d.getMetadata().getResourceVersion()).isEqualTo(wire.at("/metadata/resourceVersion").asText());
    assertThat(d.getMetadata().getGeneration()).isEqualTo(wire.at("/metadata/generation").asLong()).isPositive();
    assertThat(d.uuid()).isEqualTo(wire.at("/metadata/uuid").asText()).hasSize(36);
    assertThat(d.creationRevision()).isEqualTo(wire.at("/metadata/creationRevision").asText()).isNotEmpty();
    assertThat(d.getSpec().getXml()).isEqualTo(wire.at("/spec/xml").asText()).contains("<name>test</name>");
    assertThat(d.getSpec().getPersistent()).isTrue();
    assertThat(d.getSpec().getAutostart()).isEqualTo(wire.at("/spec/autostart").asBoolean());
    assertThat(d.getStatus().getState()).isEqualTo("running");
    assertThat(d.getStatus().getReason()).isEqualTo(wire.at("/status/reason").asText());
    assertThat(d.getStatus().getId()).isEqualTo(wire.at("/status/id").asInt());
    assertThat(d.getStatus().getLiveXml()).isEqualTo(wire.at("/status/liveXml").asText());
    assertThat(domains.withName("k-client-absent").get()).as("404 is null").isNull();

    JsonNode wireList = daemon.api.get("/apis/virtrev.io/v1/domains").json();
    DomainList list = domains.list();
    assertThat(list.getMetadata().getResourceVersion()).isEqualTo(wireList.at("/metadata/resourceVersion").asText());
    assertThat(list.getMetadata().getAdditionalProperties())
        .containsEntry("storeId", wireList.at("/metadata/storeId").asText())
        .containsEntry("compactedRevision", wireList.at("/metadata/compactedRevision").asText());
    assertThat(list.getItems()).extracting(x -> x.getMetadata().getName()).contains("test");
  }

  @Test
  void createFromXmlThenUpdateWithItsResourceVersionAndAStaleOneConflicts() {
    String name = "k-client-crud-" + UUID.randomUUID().toString().substring(0, 8);
    String uuid = UUID.randomUUID().toString();
    Domain created = domains.resource(Domain.fromXml(TestDriver.xml(name, uuid, 65536))).create();
    assertThat(created.getMetadata().getName()).isEqualTo(name);
    assertThat(created.uuid()).isEqualTo(uuid);
    assertThat(created.getSpec().getXml()).contains("<memory unit='KiB'>65536</memory>");
    assertThat(raw(name).at("/metadata/resourceVersion").asText()).isEqualTo(created.getMetadata().getResourceVersion());

    Domain edit = domains.withName(name).get();
    edit.getSpec().setXml(edit.getSpec().getXml().replace("65536", "131072"));
    Domain updated = domains.resource(edit).update();
    assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
    assertThat(updated.getSpec().getXml()).contains("131072").doesNotContain("65536");
    assertThat(updated.getMetadata().getGeneration()).isEqualTo(created.getMetadata().getGeneration() + 1);

    // The object read before the update still carries the old resourceVersion: 409, nothing changes.
    edit.getSpec().setXml(edit.getSpec().getXml().replace("131072", "262144"));
    assertThatThrownBy(() -> domains.resource(edit).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
        });
    JsonNode after = raw(name);
    assertThat(after.at("/metadata/resourceVersion").asText()).isEqualTo(updated.getMetadata().getResourceVersion());
    assertThat(after.at("/spec/xml").asText()).contains("131072").doesNotContain("262144");

    assertThatThrownBy(() -> domains.resource(Domain.fromXml(TestDriver.xml(name, uuid, 65536))).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    domains.withName(name).delete();
  }

  @Test
  void deleteUndefinesTheDomain() {
    String name = "k-client-del-" + UUID.randomUUID().toString().substring(0, 8);
    domains.resource(Domain.fromXml(TestDriver.xml(name, UUID.randomUUID().toString(), 65536))).create();
    assertThat(domains.withName(name).delete()).hasSize(1)
        .allSatisfy(details -> assertThat(details.getName()).isEqualTo(name));
    assertThat(daemon.api.get("/apis/virtrev.io/v1/domains/" + name).status()).isEqualTo(404);
    assertThat(domains.withName(name).get()).isNull();
    assertThat(domains.withName(name).delete()).as("deleting what is gone deletes nothing").isEmpty();
  }

  @Test
  void watchFromAListDeliversAddedModifiedDeletedInOrderWithRisingResourceVersions() throws Exception {
    String name = "k-client-watch-" + UUID.randomUUID().toString().substring(0, 8);
    String listed = domains.list().getMetadata().getResourceVersion();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    Watch w = domains.watch(new ListOptionsBuilder().withResourceVersion(listed).build(), new Watcher<Domain>() {
      @Override
      public void eventReceived(Action action, Domain d) {
        if (d.getMetadata().getName().equals(name)) {
          events.add(action + " " + d.getMetadata().getResourceVersion() + " " + d.getSpec().getXml().contains("131072"));
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        events.add("CLOSED " + cause);
      }
    });
    try {
      TestDriver.Lifecycle rvs = TestDriver.createUpdateDelete(domains, daemon, name);

      await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 3);
      assertThat(List.copyOf(events)).containsExactly(
          "ADDED " + rvs.created() + " false",
          "MODIFIED " + rvs.updated() + " true",
          "DELETED " + rvs.deleted() + " true");
    } finally {
      w.close();
    }
  }

  @Test
  void aKubeconfigForTheDaemonGivesAWorkingClient() throws Exception {
    Path kubeconfig = TestDriver.kubeconfig(dir.resolve("virtrev.kubeconfig"), daemon.port);
    try (KubernetesClient fromFile = VirtrevClients.fromKubeconfig(kubeconfig)) {
      assertThat(fromFile.getMasterUrl().toString()).isEqualTo("http://127.0.0.1:" + daemon.port + "/");
      assertThat(fromFile.getConfiguration().isOnlyHttpWatches()).as("no WebSocket attempt: saves a round trip per watch").isTrue();
      assertThat(VirtrevClients.config("http://127.0.0.1:1", null).isOnlyHttpWatches()).isTrue();
      assertThat(VirtrevClients.domains(fromFile).withName("test").get().uuid()).isEqualTo(raw("test").at("/metadata/uuid").asText());
    }
  }
}
