package io.virtrev.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.virtrev.fixtures.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EtcdClientsTest {
  @Test
  void aClientOfTheSettingsWritesAndReadsThroughAnyMemberEvenWithOneStopped() throws Exception {
    try (EtcdCluster etcd = EtcdCluster.start(3);
        Client c = EtcdClients.open(EtcdSettings.parse(etcd.endpointsCsv()))) {
      ByteSequence k = ByteSequence.from("/t/k", StandardCharsets.UTF_8);
      c.getKVClient().put(k, ByteSequence.from("v1", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
      etcd.stop(0);
      c.getKVClient().put(k, ByteSequence.from("v2", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
      assertThat(c.getKVClient().get(k).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue()
          .toString(StandardCharsets.UTF_8)).isEqualTo("v2");
      etcd.restart(0);
      etcd.awaitHealthy(0);
    }
  }

  @Test
  void settingsRefuseWhatCannotWork() {
    assertThatThrownBy(() -> EtcdSettings.parse(" , ")).hasMessageContaining("no etcd endpoint");
    assertThatThrownBy(() -> EtcdSettings.parse("127.0.0.1:2379")).hasMessageContaining("http://HOST:PORT");
    assertThatThrownBy(() -> new EtcdSettings(List.of("http://a:1"), java.nio.file.Path.of("/ca"), null, null, null,
        null, null)).hasMessageContaining("no endpoint is https");
    assertThatThrownBy(() -> new EtcdSettings(List.of("https://a:1"), null, java.nio.file.Path.of("/c"), null,
        null, null, null)).hasMessageContaining("both its certificate and its key");
    assertThatThrownBy(() -> EtcdSettings.parse("http://u:secret@a:1")).hasMessageContaining("carries a user")
        .hasMessageNotContaining("secret");
    assertThat(EtcdSettings.parse("http://a:1, http://b:2").endpoints()).containsExactly("http://a:1", "http://b:2");
  }
}
