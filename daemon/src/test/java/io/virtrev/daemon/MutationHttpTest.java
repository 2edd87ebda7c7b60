package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.DomainObservation;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mutation contract (PATCH included) over real HTTP and the real store, on the fake hypervisor. */
class MutationHttpTest extends PatchContract {
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

  /**
   * The longest addressable ASCII name (2,459 characters: a list continue token carrying it just fits a
   * request line under the group path) is accepted, and every route reaches it, a list continue token
   * ending at it included.
   */
  @Test
  void theLongestAddressableNameWorksEverywhere() {
    String n = "n".repeat(2459);
    String uuid = java.util.UUID.randomUUID().toString();
    ApiClient.Response r = d.api.send("POST", "/api/v1/domains", "application/xml", DomainXml.tiny(n, uuid, 32));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.header("location")).startsWith("/apis/virtrev.io/v1/domains/");
    assertThat(d.api.get(r.header("location")).status()).isEqualTo(200);
    assertThat(d.api.get(r.header("location") + "/history?limit=1").status()).isEqualTo(200);
    assertThat(d.api.send("POST", r.header("location") + "/shutdown", null, null).status()).isLessThan(500);
    long before = d.revision();
    d.source.defineTiny("zz");
    d.awaitRevision(before + 1);
    String token = d.api.get("/apis/virtrev.io/v1/domains?limit=1").json().at("/metadata/continue").asText();
    assertThat(token).isNotEmpty();
    ApiClient.Response next = d.api.get("/apis/virtrev.io/v1/domains?limit=1&continue=" + token);
    assertThat(next.status()).as(next.body()).isEqualTo(200);
    assertThat(next.json().at("/items/0/metadata/name").asText()).isEqualTo("zz");
    ApiClient.Response longer = d.api.send("POST", "/api/v1/domains", "application/xml",
        DomainXml.tiny(n + "n", java.util.UUID.randomUUID().toString(), 32));
    assertThat(longer.status()).as(longer.body()).isEqualTo(422);
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
  java.util.OptionalInt hypervisorWrites() {
    return java.util.OptionalInt.of(d.source.writeCalls());
  }

  @Override
  boolean validatesSchema() {
    return true; // the fake refuses <bogus/> when validating and drops it when not, as libvirt does
  }
}
