package io.virtrev.daemon;

import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import io.virtrev.libvirt.LibvirtDomainSource;
import io.virtrev.libvirt.LibvirtSourceConfig;
import io.virtrev.versioning.ReconcilerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The mutation contract against the real libvirtd with tiny QEMU domains: the daemon in-process with
 * the real libvirt adapter, the real store and the real HTTP server; virsh makes changes behind its
 * back. The periodic resync is off (1 h), so the only way the daemon learns of a silent change is the
 * mutation's own re-read.
 */
class MutationLibvirtdIT extends PatchContract {
  private static final String PREFIX = "vrt-e2e-mut-";
  private static Virtrevd daemon;
  private static ApiClient api;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Host.requireLibvirtd();
    Host.cleanUp(PREFIX);
    dir = Files.createTempDirectory("virtrev-mut-it");
    DaemonConfig cfg = DaemonConfig.defaults(Host.URI, dir).withListen("127.0.0.1", 0)
        .withReconciler(ReconcilerConfig.defaults().withResyncPeriod(Duration.ofHours(1)));
    daemon = Virtrevd.start(cfg, new LibvirtDomainSource(LibvirtSourceConfig.defaults(Host.URI)));
    api = new ApiClient("http://127.0.0.1:" + daemon.address().getPort());
    await().atMost(WAIT).until(() -> daemon.reconciler().readiness().ready());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
    Host.cleanUp(PREFIX);
  }

  @Override
  ApiClient api() {
    return api;
  }

  @Override
  long revision() {
    return daemon.store().snapshot().revision().value();
  }

  @Override
  String defineBehindTheBack(String name, int memoryMiB) {
    String uuid = UUID.randomUUID().toString();
    Host.defineTiny(name, uuid, memoryMiB);
    await().atMost(WAIT).until(() -> daemon.store().snapshot().byUuid(uuid).isPresent());
    return uuid;
  }

  @Override
  String hypervisorXml(String name) {
    return Host.virsh("dumpxml", "--inactive", name);
  }

  @Override
  void setMemorySilently(String name, int memoryMiB) {
    Host.virsh("setmem", name, memoryMiB + "M", "--config");
  }

  @Override
  String name(String suffix) {
    return PREFIX + suffix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** Other engineers' and suites' domains come and go on the same libvirtd: each is a revision here. */
  @Override
  boolean ownsTheRevision() {
    return false;
  }

  @Override
  boolean validatesSchema() {
    return true;
  }
}
