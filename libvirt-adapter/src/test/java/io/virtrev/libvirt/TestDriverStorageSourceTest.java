package io.virtrev.libvirt;

import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.StorageSource;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract against libvirt's in-process test driver ({@code test:///default}): no files (a
 * pool starts without a build), events delivered on the same connection.
 */
class TestDriverStorageSourceTest extends StorageSourceContract {
  private static LibvirtDomainSource connection;
  private static RecordingListener listener;

  @BeforeAll
  static void connect() {
    connection = new LibvirtDomainSource(LibvirtSourceConfig.defaults("test:///default"));
    listener = new RecordingListener();
    connection.start(listener);
    await().atMost(WAIT).until(connection::isConnected);
  }

  @AfterAll
  static void close() {
    connection.close();
  }

  @Override
  StorageSource source() {
    return connection.storage();
  }

  @Override
  List<String> poolEvents(String uuid) {
    return poolEventsOf(listener.events, uuid);
  }

  @Override
  String newTarget(String name) {
    return "/i13-storage-test/" + name;
  }

  @Override
  String poolName(String suffix) {
    return "t-" + suffix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  boolean startNeedsBuild() {
    return false;
  }

  @Override
  boolean resizes() {
    return false; // "this function is not supported by the connection driver: virStorageVolResize"
  }

  @Override
  boolean readsPendingDefinition() {
    return false;
  }

  @Override
  boolean storageDriverErrors() {
    return false;
  }

  @Override
  void removeTargets() {}
}
