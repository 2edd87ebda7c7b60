package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live changes made with virsh on a running guest become revisions within the re-read latency: the
 * packaged daemon runs with a resync period of 10 minutes, far beyond every bound here, so only
 * libvirt's events can explain each revision (and each carries its event in {@code status.lastEvent}).
 * {@code setvcpus --live} emits no event: it waits for a resync (here, the one of a restart);
 * {@code setmem --live} on a guest without a balloon driver changes nothing at all.
 */
class LiveChangesLibvirtdIT {
  private static final String PREFIX = "i13-events-live-";
  private static final String DOMAINS = "/apis/virtrev.io/v1/domains";
  /** The bound for one change to be served: the re-read latency is milliseconds; the machine is shared. */
  private static final Duration REREAD = Duration.ofSeconds(10);
  private static final String RESYNC = "10m";
  @TempDir Path dir;
  @RegisterExtension final LibvirtdPrefix libvirtd = new LibvirtdPrefix(PREFIX);

  @Test
  void liveChangesMadeWithVirshAreRevisionsWithinTheReReadLatency() throws Exception {
    String name = PREFIX + "vm";
    String uuid = UUID.randomUUID().toString();
    Path disk = file("disk.raw");
    Path media = file("media.iso");
    Path copy = dir.resolve("copy.raw");
    Host.virsh("define", Host.writeTemp(name, DomainXml.liveChangeable(name, uuid, disk)).toString());
    String rv;
    try (DaemonProcess d = DaemonProcess.start(dir.resolve("data"), "--resync-period", RESYNC)) {
      Host.virsh("start", name);
      JsonNode running = awaitRevision(d, null, o -> "running".equals(o.at("/status/state").asText()));
      assertThat(running.at("/status/lastEvent/type").asText()).isEqualTo("lifecycle");

      Host.virsh("change-media", name, "hdc", media.toString(), "--insert", "--live");
      // Two tray-change events (open, close): one re-read or two, depending on when the first one runs.
      JsonNode inserted = awaitRevision(d, running,
          o -> o.at("/status/liveXml").asText().contains("<source file='" + media + "'"));
      assertThat(inserted.at("/status/lastEvent/type").asText()).isEqualTo("tray-change");
      assertThat(inserted.at("/status/lastEvent/event").asText()).isIn("open", "close");
      assertThat(inserted.at("/status/lastEvent/detail").asText()).isEqualTo("ide0-1-0");

      Path tablet = Host.writeTemp(PREFIX + "tablet", "<input type='tablet' bus='usb'/>");
      Host.virsh("attach-device", name, tablet.toString(), "--live");
      JsonNode attached = awaitRevision(d, inserted,
          o -> o.at("/status/liveXml").asText().contains("<input type='tablet' bus='usb'>"));
      assertThat(attached.at("/status/lastEvent/type").asText()).isEqualTo("device-added");
      String alias = attached.at("/status/lastEvent/detail").asText();
      assertThat(alias).matches("input\\d+");

      Host.virsh("detach-device", name, tablet.toString(), "--live");
      JsonNode detached = awaitRevision(d, attached,
          o -> !o.at("/status/liveXml").asText().contains("<input type='tablet' bus='usb'>"));
      assertThat(detached.at("/status/lastEvent/type").asText()).isEqualTo("device-removed");
      assertThat(detached.at("/status/lastEvent/detail").asText()).isEqualTo(alias);

      Host.virsh("blockcopy", name, "vda", copy.toString(), "--format", "raw", "--wait", "--pivot",
          "--transient-job");
      // ready, then completed (block-job and block-job-2 each); while mirroring, the copy is inside <mirror>.
      JsonNode pivoted = awaitRevision(d, detached,
          o -> o.at("/status/liveXml").asText().contains("<source file='" + copy + "'")
              && !o.at("/status/liveXml").asText().contains("<mirror"));
      assertThat(pivoted.at("/status/lastEvent/type").asText()).isIn("block-job", "block-job-2");
      assertThat(pivoted.at("/status/lastEvent/event").asText()).isIn("ready", "completed");

      Host.Result schedinfo = Host.virshQuietly("schedinfo", name, "--live", "cpu_shares=512");
      Assumptions.assumeFalse(schedinfo.exit() != 0 && schedinfo.output().contains("cgroup"),
          "no cpu cgroup controller for libvirt here: " + schedinfo.output());
      assertThat(schedinfo.exit()).as(schedinfo.output()).isZero();
      JsonNode tuned = awaitRevision(d, pivoted,
          o -> o.at("/status/liveXml").asText().contains("<shares>512</shares>"));
      assertThat(tuned.at("/status/lastEvent/type").asText()).isEqualTo("tunable");
      assertThat(tuned.at("/status/lastEvent/detail").asText()).isEqualTo("cputune.cpu_shares");

      // No event for these: setvcpus --live changes the live XML, setmem --live (no balloon driver in
      // the guest) changes nothing. Neither is a revision before the next resync.
      Host.virsh("setmem", name, "49152", "--live");
      Host.virsh("setvcpus", name, "2", "--live");
      assertThat(Host.virsh("dumpxml", name)).contains("<vcpu placement='static'>2</vcpu>")
          .contains("<currentMemory unit='KiB'>65536</currentMemory>");
      rv = tuned.at("/metadata/resourceVersion").asText();
      await().during(Duration.ofSeconds(3)).atMost(REREAD).until(
          () -> d.api.get(DOMAINS + "/" + name).json().at("/metadata/resourceVersion").asText().equals(rv));
      assertThat(d.stop()).isEqualTo(143);
    }
    // The resync of a start finds the vcpus: a revision no event led to.
    try (DaemonProcess d = DaemonProcess.start(dir.resolve("data"), "--resync-period", RESYNC)) {
      JsonNode resynced = d.api.get(DOMAINS + "/" + name).json();
      assertThat(resynced.at("/metadata/resourceVersion").asLong()).isGreaterThan(Long.parseLong(rv));
      assertThat(resynced.at("/status/liveXml").asText()).contains("<vcpu placement='static'>2</vcpu>")
          .contains("<currentMemory unit='KiB'>65536</currentMemory>");
    }
  }

  /**
   * Polls the domain until {@code done} holds for a revision newer than {@code after} (null: any), within
   * {@link #REREAD}; prints how long it took.
   */
  private static JsonNode awaitRevision(DaemonProcess d, JsonNode after, Predicate<JsonNode> done) {
    long since = after == null ? 0 : after.at("/metadata/resourceVersion").asLong();
    String name = PREFIX + "vm";
    long t0 = System.nanoTime();
    JsonNode o = await().atMost(REREAD).pollInterval(Duration.ofMillis(20)).until(() -> {
      var r = d.api.get(DOMAINS + "/" + name);
      return r.status() == 200 ? r.json() : null;
    }, n -> n != null && n.at("/metadata/resourceVersion").asLong() > since && done.test(n));
    System.out.printf("%s: served %d ms after the virsh command returned%n",
        o.at("/status/lastEvent/type").asText(), (System.nanoTime() - t0) / 1_000_000);
    return o;
  }

  private Path file(String name) throws IOException {
    Path p = dir.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(1 << 20);
    }
    return p;
  }
}
