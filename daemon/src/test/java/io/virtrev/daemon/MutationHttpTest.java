package io.virtrev.daemon;

import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.DomainObservation;
import io.virtrev.fixtures.ApiClient;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The mutation contract over real HTTP and the real store, on the fake hypervisor. */
class MutationHttpTest extends MutationContract {
  @TempDir Path dir;
  private FakeDaemon d;
  private final AtomicInteger seq = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
  }

  @AfterEach
  void stop() {
    d.close();
  }

  @Override
  ApiClient api() {
    return d.api;
  }

  @Override
  long revision() {
    return d.revision();
  }

  @Override
  String defineBehindTheBack(String name, int memoryMiB) {
    String uuid = d.source.defineTiny(name);
    if (memoryMiB != 32) {
      d.source.redefine(uuid, memoryMiB);
    }
    await().atMost(WAIT).until(() -> d.daemon.store().snapshot().byUuid(uuid)
        .map(x -> x.spec().xml().contains(">" + memoryMiB * 1024 + "<")).orElse(false));
    return uuid;
  }

  @Override
  String hypervisorXml(String name) {
    return d.source.all().stream().filter(o -> o.name().equals(name)).map(DomainObservation::configXml)
        .findFirst().orElseThrow();
  }

  @Override
  void setMemorySilently(String name, int memoryMiB) {
    d.source.setMemoryConfig(d.source.all().stream().filter(o -> o.name().equals(name)).findFirst()
        .orElseThrow().uuid(), memoryMiB);
  }

  @Override
  String name(String suffix) {
    return "fake-" + suffix + "-" + seq.incrementAndGet();
  }

  @Override
  boolean validatesSchema() {
    return true; // the fake refuses <bogus/> when validating and drops it when not, as libvirt does
  }
}
