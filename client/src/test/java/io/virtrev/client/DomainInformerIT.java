package io.virtrev.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.virtrev.client.HandlerLog.Call;
import io.virtrev.client.HandlerLog.Kind;
import io.virtrev.daemon.e2e.DaemonProcess;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fabric8 SharedIndexInformer of domains against the packaged daemon on the real libvirtd while
 * virsh changes tiny QEMU domains: live, across a daemon restart, and across a compaction that
 * leaves the informer's resourceVersion behind (its watch gets 410 and fabric8 relists). The
 * informer reaches the daemon through a {@link TcpRelay}, which the test cuts to hold the informer
 * off while the store moves on.
 */
class DomainInformerIT {
  private static final String PREFIX = "k-client-";
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** Small, so that a few changes compact past the informer; the writer then moves the mark one by one. */
  private static final String[] DAEMON_ARGS = {"--resync-period", "1s", "--history-retention", "10"};
  /** Every query parameter of the Kubernetes list and watch API the daemon serves. */
  private static final Set<String> LIST_WATCH_PARAMETERS = Set.of("watch", "resourceVersion", "resourceVersionMatch",
      "allowWatchBookmarks", "timeoutSeconds", "limit", "continue", "fieldSelector", "labelSelector",
      "sendInitialEvents");

  @TempDir Path dir;
  private DaemonProcess daemon;

  @BeforeEach
  void requireLibvirtd() {
    Host.requireLibvirtd();
    Host.cleanUp(PREFIX);
  }

  @AfterEach
  void cleanUp() {
    if (daemon != null) {
      daemon.close();
    }
    if (Host.libvirtdAnswers()) {
      Host.cleanUp(PREFIX);
    }
  }

  @Test
  void theInformersCacheFollowsVirshLiveAcrossARestartAndThroughARelistAfterCompaction() throws Exception {
    String run = PREFIX + UUID.randomUUID().toString().substring(0, 6) + "-";
    String a = run + "a";
    String b = run + "b";
    String c = run + "c";
    String d = run + "d";
    String e = run + "e";
    Host.defineTiny(a, UUID.randomUUID().toString(), 48);
    Host.virsh("start", a);
    Host.defineTiny(b, UUID.randomUUID().toString(), 48);
    int port = DaemonProcess.freePort();
    Path data = dir.resolve("data");
    daemon = DaemonProcess.startOn(Host.URI, data, Map.of(), port, DAEMON_ARGS);

    RequestLog requests = new RequestLog();
    HandlerLog handler = new HandlerLog();
    try (TcpRelay relay = new TcpRelay(port);
        KubernetesClient client = requests.client(new ConfigBuilder(
            VirtrevClients.config("http://127.0.0.1:" + relay.port(), null))
            .withWatchReconnectInterval(100).build())) {
      SharedIndexInformer<Domain> informer = VirtrevClients.domains(client).inform(handler, 0);
      try {
        assertThat(informer.hasSynced()).isTrue();
        awaitCacheIsTheDaemonsList(informer);

        // Live: every change arrives on the informer's watch.
        Host.defineTiny(c, UUID.randomUUID().toString(), 32);
        awaitDaemon("c defined", l -> has(l, c));
        Host.virsh("start", b);
        Host.virsh("setmem", a, "40M", "--config");
        Host.virsh("destroy", a);
        Host.virsh("undefine", c);
        awaitDaemon("live changes", l -> !has(l, c) && state(l, b).equals("running")
            && state(l, a).equals("shutoff") && xml(l, a).contains("40960"));
        awaitCacheIsTheDaemonsList(informer);

        // (a) Restart: changes while the daemon is down arrive after it is back.
        int beforeRestart = requests.entries().size();
        String rvAtStop = informer.lastSyncResourceVersion();
        assertThat(daemon.stop()).as("exit code after SIGTERM (the JVM exits 128+15)").isEqualTo(143);
        Host.defineTiny(d, UUID.randomUUID().toString(), 32);
        Host.virsh("setmem", b, "36M", "--config");
        Host.virsh("destroy", b);
        daemon = DaemonProcess.startOn(Host.URI, data, Map.of(), port, DAEMON_ARGS);
        awaitDaemon("changes while down", l -> has(l, d) && state(l, b).equals("shutoff") && xml(l, b).contains("36864"));
        awaitCacheIsTheDaemonsList(informer);
        List<RequestLog.Entry> afterRestart = requests.entries().subList(beforeRestart, requests.entries().size());
        System.out.println("[client] requests around the restart: " + afterRestart);
        assertThat(afterRestart).as("the watch resumed: no relist").noneMatch(RequestLog.Entry::isList);
        assertThat(afterRestart.get(afterRestart.size() - 1)).as("resumed watch")
            .matches(r -> r.isWatch() && r.status() == 200 && r.query().get("resourceVersion").equals(rvAtStop));

        // (b) Compaction: cut the informer off, move the store past the retained history, let it back.
        long atCut = Long.parseLong(informer.lastSyncResourceVersion());
        relay.cut();
        int beforeCut = requests.entries().size();
        Host.virsh("undefine", a);
        Host.virsh("start", d);
        Host.defineTiny(e, UUID.randomUUID().toString(), 32);
        awaitDaemon("changes while cut off", l -> !has(l, a) && state(l, d).equals("running") && has(l, e));
        for (int i = 0; compacted() <= atCut; i++) {
          assertThat(i).as("compaction did not pass " + atCut + " after " + i + " throw-away domains").isLessThan(40);
          String t = run + "t" + i;
          Host.defineTiny(t, UUID.randomUUID().toString(), 32);
          awaitDaemon(t + " defined", l -> has(l, t));
          Host.virsh("undefine", t);
          awaitDaemon(t + " undefined", l -> !has(l, t));
        }
        relay.mend();
        awaitCacheIsTheDaemonsList(informer);
        List<RequestLog.Entry> afterCut = requests.entries().subList(beforeCut, requests.entries().size());
        System.out.println("[client] requests around the compaction: " + afterCut);
        int gone = indexOf(afterCut, r -> r.isWatch() && r.status() == 410
            && Long.parseLong(r.query().get("resourceVersion")) == atCut);
        assertThat(gone).as("a watch from %d answered 410: %s", atCut, afterCut).isNotNegative();
        assertThat(afterCut.subList(gone, afterCut.size())).as("a relist after the 410")
            .anyMatch(r -> r.isList() && r.status() == 200);

        // Clean-up through virsh too: a delete for every domain.
        Host.virsh("destroy", d);
        for (String name : List.of(b, d, e)) {
          Host.virsh("undefine", name);
        }
        awaitDaemon("all removed", l -> names(l).stream().noneMatch(n -> n.startsWith(run)));
        awaitCacheIsTheDaemonsList(informer);
      } finally {
        informer.stop();
      }

      handler.checkEveryCall();
      Map<String, List<Call>> mine = handler.all().entrySet().stream().filter(x -> x.getKey().startsWith(run))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertThat(mine.keySet()).as("throw-away domains came and went while cut off: never seen")
          .containsExactlyInAnyOrder(a, b, c, d, e);
      mine.forEach((name, calls) -> {
        String all = name + ":" + HandlerLog.describe(calls);
        assertThat(calls).as(all).filteredOn(x -> x.kind() == Kind.ADD).hasSize(1);
        assertThat(calls.get(calls.size() - 1).kind()).as(all).isEqualTo(Kind.DELETE);
        System.out.println("[client] handler calls " + all);
      });
      assertThat(handler.calls(a).get(0).after().getStatus().getState()).isEqualTo("running");
      assertThat(handler.calls(a)).anyMatch(x -> x.after().getSpec().getXml().contains("40960"));
      assertThat(lastBeforeDelete(handler.calls(a)).getStatus().getState()).isEqualTo("shutoff");
      assertThat(handler.calls(a).get(handler.calls(a).size() - 1).finalStateUnknown())
          .as("a was undefined while the informer was cut off: its delete comes from the relist").isTrue();
      assertThat(handler.calls(b).get(handler.calls(b).size() - 1).finalStateUnknown())
          .as("b was undefined while watched: its delete comes from the watch").isFalse();
      assertThat(handler.calls(b)).anyMatch(x -> "running".equals(x.after().getStatus().getState()));
      assertThat(lastBeforeDelete(handler.calls(b)).getSpec().getXml()).contains("36864");
      assertThat(lastBeforeDelete(handler.calls(b)).getStatus().getState()).isEqualTo("shutoff");
      assertThat(handler.calls(c)).extracting(Call::kind).containsExactly(Kind.ADD, Kind.DELETE);
      assertThat(handler.calls(d).get(0).after().getStatus().getState()).isEqualTo("shutoff");
      assertThat(handler.calls(d)).anyMatch(x -> "running".equals(x.after().getStatus().getState()));
      assertThat(handler.calls(e).get(0).kind()).isEqualTo(Kind.ADD);

      Set<String> shapes = new TreeSet<>();
      for (RequestLog.Entry r : requests.entries()) {
        shapes.add(r.method() + " " + r.path() + " " + new TreeSet<>(r.query().keySet()));
        assertThat(LIST_WATCH_PARAMETERS).as("query parameter fabric8 sent: " + r).containsAll(r.query().keySet());
      }
      System.out.println("[client] request shapes: " + shapes);
      requests.entries().stream().filter(r -> r.status() != RequestLog.Entry.CONNECTION_FAILED).limit(4)
          .forEach(r -> System.out.println("[client] e.g. " + r));
    }
  }

  private static Domain lastBeforeDelete(List<Call> calls) {
    return calls.get(calls.size() - 2).after();
  }

  private static int indexOf(List<RequestLog.Entry> entries, Predicate<RequestLog.Entry> p) {
    for (int i = 0; i < entries.size(); i++) {
      if (p.test(entries.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** The informer's cache holds exactly the daemon's list: names, uids, uuids, resourceVersions. */
  private void awaitCacheIsTheDaemonsList(SharedIndexInformer<Domain> informer) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Set<String> cache = informer.getStore().list().stream()
          .map(x -> x.getMetadata().getName() + " uid=" + x.getMetadata().getUid() + " uuid=" + x.uuid()
              + " rv=" + x.getMetadata().getResourceVersion())
          .collect(Collectors.toCollection(TreeSet::new));
      Set<String> served = items(list()).stream()
          .map(x -> x.at("/metadata/name").asText() + " uid=" + text(x.at("/metadata/uid")) + " uuid="
              + x.at("/metadata/uuid").asText() + " rv=" + x.at("/metadata/resourceVersion").asText())
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(cache).isEqualTo(served);
    });
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  private void awaitDaemon(String what, Predicate<JsonNode> listed) {
    await(what).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> listed.test(list()));
  }

  private JsonNode list() {
    ApiClient.Response r = daemon.api.get("/apis/virtrev.io/v1/domains");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private long compacted() {
    return list().at("/metadata/compactedRevision").asLong();
  }

  private static List<JsonNode> items(JsonNode list) {
    return StreamSupport.stream(list.path("items").spliterator(), false).toList();
  }

  private static Set<String> names(JsonNode list) {
    return items(list).stream().map(x -> x.at("/metadata/name").asText()).collect(Collectors.toSet());
  }

  private static boolean has(JsonNode list, String name) {
    return names(list).contains(name);
  }

  private static JsonNode item(JsonNode list, String name) {
    return items(list).stream().filter(x -> x.at("/metadata/name").asText().equals(name)).findFirst()
        .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
  }

  private static String state(JsonNode list, String name) {
    return item(list, name).at("/status/state").asText();
  }

  private static String xml(JsonNode list, String name) {
    return item(list, name).at("/spec/xml").asText();
  }
}
