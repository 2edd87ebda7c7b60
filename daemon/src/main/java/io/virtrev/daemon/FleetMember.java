package io.virtrev.daemon;

import io.etcd.jetcd.Client;
import io.virtrev.fleet.EtcdClients;
import io.virtrev.fleet.FleetMirror;
import io.virtrev.fleet.MirrorSettings;
import io.virtrev.versioning.VersionedStore;

/**
 * A host's part in a fleet: its etcd client and its {@link FleetMirror}, opened together and closed in
 * reverse. Started after the listener is bound (the registered address has its port).
 */
final class FleetMember implements AutoCloseable {
  private final Client etcd;
  private final FleetMirror mirror;

  private FleetMember(Client etcd, FleetMirror mirror) {
    this.etcd = etcd;
    this.mirror = mirror;
  }

  static FleetMember start(FleetConfig config, VersionedStore store, String apiUrl) {
    Client etcd = EtcdClients.open(config.etcd());
    try {
      MirrorSettings s = MirrorSettings.of(config.hostName(), apiUrl, VersionProvider.version())
          .withLeaseTtl(config.leaseTtl()).withCallTimeout(config.etcd().callTimeout());
      return new FleetMember(etcd, FleetMirror.start(etcd, store, s));
    } catch (RuntimeException e) {
      etcd.close();
      throw e;
    }
  }

  FleetMirror mirror() {
    return mirror;
  }

  @Override
  public void close() {
    mirror.close();
    etcd.close();
  }
}
