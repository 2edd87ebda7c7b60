package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.source.DomainSource;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import io.virtrev.libvirt.LibvirtDomainSource;
import io.virtrev.libvirt.LibvirtSourceConfig;
import io.virtrev.versioning.KindSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link KindsContract} against the real libvirtd ({@code qemu:///system}): the reconciler and store on one
 * libvirt connection serving every kind, virsh changing networks, volumes and snapshots behind their back.
 * Every object is named {@code i13-kcore-...} and removed afterwards (other tests share this libvirtd).
 * Skipped when libvirtd does not answer, unless {@code VIRTREV_REQUIRE_LIBVIRTD=true}.
 */
class KindsLibvirtdIT extends KindsContract {
  private static final String PREFIX = "i13-kcore-";
  private final String run = Long.toHexString(System.nanoTime() & 0xffffff);

  @BeforeEach
  void requireLibvirtd() {
    Host.requireLibvirtd();
  }

  @Override
  DomainSource domains() {
    return new LibvirtDomainSource(LibvirtSourceConfig.defaults(Host.URI));
  }

  @Override
  KindSources kinds(DomainSource domains) {
    LibvirtDomainSource l = (LibvirtDomainSource) domains;
    return new KindSources(l.networks(), l.storage(), l.snapshots());
  }

  @Override
  String name(String base) {
    return PREFIX + base + "-" + run;
  }

  @Override
  void networkBehindTheBack(String name, String uuid, String xml) {
    Host.virsh("net-define", Host.writeTemp(name, xml).toString());
    Host.virsh("net-start", name);
  }

  @Override
  void volumeBehindTheBack(String poolName, String poolUuid, String name) {
    Host.virsh("vol-create-as", poolName, name, "1M");
  }

  @Override
  void poolRefreshBehindTheBack(String poolName, String poolUuid) {
    Host.virsh("pool-refresh", poolName);
  }

  @Override
  String snapshottableDomain(String name) {
    String uuid = UUID.randomUUID().toString();
    try {
      Path d = Files.createDirectories(dir.resolve(name));
      Path disk = d.resolve("disk.qcow2");
      Host.Result img = Host.run(30, "qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "1M");
      assertThat(img.exit()).as("qemu-img: " + img.output()).isZero();
      String xml = DomainXml.tiny(name, uuid, 40).replace("<serial type='null'/>",
          "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + disk
              + "'/><target dev='vda' bus='virtio'/></disk><serial type='null'/>");
      Host.virsh("define", Host.writeTemp(name, xml).toString());
      return uuid;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  void snapshotBehindTheBack(String domainName, String domainUuid, String snapshot) {
    Host.virsh("snapshot-create-as", domainName, snapshot);
  }

  @Override
  void cleanUp() {
    for (String name : list("net-list", "--all", "--name")) {
      Host.virshQuietly("net-destroy", name);
      Host.virshQuietly("net-undefine", name);
    }
    for (String name : list("pool-list", "--all", "--name")) {
      Host.virshQuietly("pool-destroy", name);
      Host.virshQuietly("pool-undefine", name);
    }
    for (String name : list("list", "--all", "--name")) {
      Host.virshQuietly("destroy", name);
      Host.virshQuietly("undefine", name, "--snapshots-metadata");
    }
    if (dir != null) {
      Host.run(10, "rm", "-rf", dir.toString());
    }
  }

  private java.util.List<String> list(String... args) {
    Host.Result r = Host.virshQuietly(args);
    if (r.exit() != 0) {
      return java.util.List.of();
    }
    return java.util.Arrays.stream(r.output().split("\n")).map(String::strip)
        .filter(n -> n.startsWith(PREFIX + "") && n.endsWith(run)).toList();
  }
}
