package io.virtrev.daemon;

import io.virtrev.api.source.DomainSource;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.FakeDomainSource;
import io.virtrev.fixtures.FakeNetworkSource;
import io.virtrev.fixtures.FakeSnapshotSource;
import io.virtrev.fixtures.FakeStorageSource;
import io.virtrev.fixtures.StorageXml;
import io.virtrev.versioning.KindSources;

/** {@link KindsContract} against the fakes; the hypervisor's state survives a daemon restart as libvirt's does. */
class KindsFakeTest extends KindsContract {
  private final FakeDomainSource fakeDomains = new FakeDomainSource();
  private final FakeNetworkSource networks = new FakeNetworkSource();
  private final FakeStorageSource storage = new FakeStorageSource();
  private final FakeSnapshotSource snapshots = new FakeSnapshotSource();

  @Override
  DomainSource domains() {
    return fakeDomains; // start() after close() reconnects it: a restart finds the hypervisor as it was
  }

  @Override
  KindSources kinds(DomainSource domains) {
    return new KindSources(networks, storage, snapshots);
  }

  @Override
  void listen(KindSources k) {
    networks.listen(reconciler);
    storage.listen(reconciler);
    snapshots.listen(reconciler);
  }

  @Override
  String name(String base) {
    return "kinds-" + base;
  }

  @Override
  void networkBehindTheBack(String name, String uuid, String xml) {
    networks.define(xml);
    networks.start(uuid);
  }

  @Override
  void volumeBehindTheBack(String poolName, String poolUuid, String name) {
    storage.createVolume(poolUuid, StorageXml.volume(name, StorageXml.MIB));
  }

  @Override
  void poolRefreshBehindTheBack(String poolName, String poolUuid) {
    storage.refresh(poolUuid);
  }

  @Override
  String snapshottableDomain(String name) {
    String uuid = fakeDomains.define(DomainXml.tiny(name, java.util.UUID.randomUUID().toString(), 64)).uuid();
    snapshots.addDomain(uuid, name, false);
    return uuid;
  }

  @Override
  void snapshotBehindTheBack(String domainName, String domainUuid, String snapshot) {
    snapshots.create(domainUuid, "<domainsnapshot><name>" + snapshot + "</name></domainsnapshot>");
  }

  @Override
  void cleanUp() {}
}
