package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.InformerCache;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import io.virtrev.fixtures.WatchGuarantees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed guarantee end to end, on the real libvirtd with tiny QEMU domains: a client lists at R and
 * watches from R while another process (virsh) defines, starts, suspends, resumes, destroys, changes
 * memory with {@code setmem --config} (no libvirt event) and undefines domains behind the daemon's
 * back. The client's cache ends equal to a final list; the RVs it saw strictly increase, no duplicate.
 */
class SeedGuaranteeIT {
  private static final String PREFIX = "vrt-e2e-seed-";
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dataDir;
  @RegisterExtension final LibvirtdPrefix libvirtd = new LibvirtdPrefix(PREFIX);

  @Test
  void listThenWatchSeesEveryChangeMadeBehindItsBack() {
    try (DaemonProcess d = DaemonProcess.start(dataDir, "--resync-period", "2s")) {
      ApiClient.Listed listed = d.api.list();
      InformerCache cache = new InformerCache();
      cache.replace(listed.items());
      try (WatchClient w = WatchClient.open(d.api,
          "/api/v1/domains?watch=true&resourceVersion=" + listed.resourceVersion())) {
        assertThat(w.status(WAIT)).isEqualTo(200);
        String a = PREFIX + "a";
        String b = PREFIX + "b";
        String c = PREFIX + "c";
        String uuidA = UUID.randomUUID().toString();
        Host.defineTiny(a, uuidA, 32);
        Host.defineTiny(b, UUID.randomUUID().toString(), 32);
        Host.defineTiny(c, UUID.randomUUID().toString(), 40);
        Host.virsh("start", a);
        Host.virsh("start", b);
        Host.virsh("suspend", a);
        Host.virsh("resume", a);
        Host.virsh("destroy", b);
        Host.virsh("setmem", c, "32M", "--config"); // emits no event: only the resync finds it
        Host.virsh("undefine", b);
        Host.virsh("destroy", a);

        await().atMost(WAIT).untilAsserted(() -> {
          List<SeenEvent> seen = w.events();
          assertThat(seen).anySatisfy(e -> {
            assertThat(e.name()).isEqualTo(c);
            assertThat(e.objectJson()).contains(">32768<");
          });
          assertThat(seen).anySatisfy(e -> {
            assertThat(e.name()).isEqualTo(b);
            assertThat(e.type()).isEqualTo("DELETED");
          });
          assertThat(seen).anySatisfy(e -> {
            assertThat(e.name()).isEqualTo(a);
            assertThat(e.objectJson()).contains("\"state\":\"shutoff\"").contains("\"reason\":\"destroyed\"");
          });
        });
        Host.virsh("undefine", a);
        Host.virsh("undefine", c);
        await().atMost(WAIT).until(() -> w.events().stream().filter(e -> e.type().equals("DELETED")).count() == 3);

        List<SeenEvent> seen = w.events();
        assertThat(WatchGuarantees.all(listed.resourceVersion(), seen)).isEmpty();
        seen.forEach(cache::apply);
        ApiClient.Listed finalList = d.api.list();
        InformerCache expected = new InformerCache();
        expected.replace(finalList.items());
        assertThat(cache.versions()).isEqualTo(expected.versions());
        assertThat(w.lastResourceVersion()).isEqualTo(finalList.resourceVersion());

        // Domain a as the client saw it: added shut off, then running, then gone (states in between may
        // be coalesced when libvirt changes faster than one re-read; the last state always arrives).
        List<String> statesOfA = seen.stream().filter(e -> uuidA.equals(e.uuid()))
            .map(e -> e.type() + ":" + state(e)).toList();
        assertThat(statesOfA.get(0)).isEqualTo("ADDED:shutoff");
        assertThat(statesOfA).containsSubsequence("MODIFIED:running", "MODIFIED:shutoff");
        assertThat(statesOfA.get(statesOfA.size() - 1)).isEqualTo("DELETED:shutoff");
      }
    }
  }

  private static String state(SeenEvent e) {
    int i = e.objectJson().indexOf("\"state\":\"");
    return e.objectJson().substring(i + 9, e.objectJson().indexOf('"', i + 9));
  }
}
