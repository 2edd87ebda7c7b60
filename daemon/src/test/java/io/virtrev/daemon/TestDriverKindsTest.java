package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.libvirt.LibvirtDomainSource;
import io.virtrev.libvirt.LibvirtSourceConfig;
import io.virtrev.versioning.Kind;
import io.virtrev.versioning.Kinds;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The composition root on libvirt's in-process test driver ({@code test:///default}): the daemon serves its
 * domain, network and pool from one connection, and readiness waits for every kind's first resync.
 */
class TestDriverKindsTest {
  @TempDir Path dir;

  @Test
  void theDaemonServesEveryKindTheTestDriverHasBesideItsDomain() throws Exception {
    DaemonConfig cfg = DaemonConfig.defaults("test:///default", dir.resolve("store")).withListen("127.0.0.1", 0);
    try (Virtrevd d = Virtrevd.start(cfg, new LibvirtDomainSource(LibvirtSourceConfig.defaults("test:///default")))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> d.reconciler().readiness().ready());
      assertThat(d.store().snapshot().byName("test")).isPresent();
      assertThat(d.store().snapshot().byName(Kinds.NETWORKS, null, "default").map(n -> n.status().active()))
          .contains(true);
      assertThat(d.store().snapshot().byName(Kinds.STORAGE_POOLS, null, "default-pool").map(p -> p.status().state()))
          .contains("running");
      assertThat(d.store().snapshot().size(Kind.DOMAIN_SNAPSHOTS)).isZero();
    }
  }
}
