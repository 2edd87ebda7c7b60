package io.virtrev.libvirt;

import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.StoragePoolObservation;
import io.virtrev.api.source.StorageSource;
import io.virtrev.api.source.StorageVolumeObservation;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link StorageSource} on the connection of a {@link LibvirtDomainSource} (one connection per daemon):
 * obtained with {@link LibvirtDomainSource#storage()}, connected while it is, its pool events delivered to
 * that source's listener ({@link Subscriptions#registerStoragePools}). Every call goes through
 * {@link StorageNative} ({@link StoragePools}, {@link StorageVolumes}) under the session's read lock, on the
 * caller's thread; libvirt's error numbers are kept exactly. No state of its own and no lock: thread-safe.
 */
final class LibvirtStorageSource implements StorageSource {
  /** libvirt's RELAX NG schemas of pool and volume XML (the host's libvirt, which a local daemon uses). */
  static final Path POOL_RNG = Path.of("/usr/share/libvirt/schemas/storagepool.rng");
  static final Path VOLUME_RNG = Path.of("/usr/share/libvirt/schemas/storagevol.rng");

  private final Supplier<Session> session;
  private final DomainSchema poolSchema;
  private final DomainSchema volumeSchema;

  /** {@code session} returns the live session or throws {@code CONNECTION}; it must not block. */
  LibvirtStorageSource(Supplier<Session> session) {
    this(session, POOL_RNG, VOLUME_RNG);
  }

  LibvirtStorageSource(Supplier<Session> session, Path poolRng, Path volumeRng) {
    this.session = session;
    this.poolSchema = new DomainSchema(poolRng);
    this.volumeSchema = new DomainSchema(volumeRng);
  }

  @Override
  public List<StoragePoolObservation> listPools() {
    return session.get().call(StoragePools::listAll);
  }

  @Override
  public Optional<StoragePoolObservation> getPool(String uuid) {
    if (!SourceCalls.isUuid(uuid)) {
      return Optional.empty();
    }
    return SourceCalls.unlessNotFound(() -> session.get().call(c -> StoragePools.lookupAndRead(c, lower(uuid))));
  }

  @Override
  public StoragePoolObservation definePool(String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    return session.get().call(c -> StoragePools.define(c, xml, validate));
  }

  @Override
  public void validatePool(String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    poolSchema.check(xml, validate);
  }

  @Override
  public void undefinePool(String uuid) {
    act(uuid, "virStoragePoolUndefine", StorageNative.INSTANCE::virStoragePoolUndefine);
  }

  @Override
  public void start(String uuid) {
    act(uuid, "virStoragePoolCreate", pool -> StorageNative.INSTANCE.virStoragePoolCreate(pool, 0));
  }

  @Override
  public void destroy(String uuid) {
    act(uuid, "virStoragePoolDestroy", StorageNative.INSTANCE::virStoragePoolDestroy);
  }

  @Override
  public void refresh(String uuid) {
    act(uuid, "virStoragePoolRefresh", pool -> StorageNative.INSTANCE.virStoragePoolRefresh(pool, 0));
  }

  @Override
  public void build(String uuid) {
    act(uuid, "virStoragePoolBuild", pool -> StorageNative.INSTANCE.virStoragePoolBuild(pool, 0));
  }

  @Override
  public void setAutostart(String uuid, boolean autostart) {
    act(uuid, "virStoragePoolSetAutostart",
        pool -> StorageNative.INSTANCE.virStoragePoolSetAutostart(pool, autostart ? 1 : 0));
  }

  @Override
  public List<StorageVolumeObservation> listVolumes(String poolUuid) {
    String pool = requirePool(poolUuid);
    return session.get().call(c -> StorageVolumes.list(c, pool));
  }

  @Override
  public Optional<StorageVolumeObservation> getVolume(String poolUuid, String name) {
    Objects.requireNonNull(name, "name");
    String pool = requirePool(poolUuid);
    try {
      return Optional.of(session.get().call(c -> StorageVolumes.lookupAndRead(c, pool, name)));
    } catch (SourceException e) {
      if (e.code() == LibvirtErrors.NO_STORAGE_VOL) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * With {@code validate}, the XML is checked against {@code storagevol.rng} here, before libvirt is called
   * (libvirt 9.0's own VALIDATE flag fails every valid document: {@link StorageNative#VOL_CREATE_VALIDATE}),
   * so schema-invalid XML is INVALID_XML (92) even for a pool that does not exist.
   */
  @Override
  public StorageVolumeObservation createVolume(String poolUuid, String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    String pool = requirePool(poolUuid);
    if (validate) {
      volumeSchema.check(xml, true);
    }
    return session.get().call(c -> StorageVolumes.create(c, pool, xml));
  }

  @Override
  public void validateVolume(String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    volumeSchema.check(xml, validate);
  }

  @Override
  public void deleteVolume(String poolUuid, String name) {
    Objects.requireNonNull(name, "name");
    String pool = requirePool(poolUuid);
    session.get().call(SourceCalls.noAnswer(c -> StorageVolumes.delete(c, pool, name)));
  }

  @Override
  public void resize(String poolUuid, String name, long capacityBytes) {
    Objects.requireNonNull(name, "name");
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacityBytes < 0: " + capacityBytes);
    }
    String pool = requirePool(poolUuid);
    session.get().call(SourceCalls.noAnswer(c -> StorageVolumes.resize(c, pool, name, capacityBytes)));
  }

  private void act(String uuid, String name, StoragePools.PoolCall call) {
    String pool = requirePool(uuid);
    session.get().call(SourceCalls.noAnswer(c -> StoragePools.act(c, pool, name, call)));
  }

  /** A string that is not a uuid names no pool: NOT_FOUND, as {@link #getPool} is empty for it. */
  private static String requirePool(String uuid) {
    if (!SourceCalls.isUuid(uuid)) {
      throw new SourceException(SourceException.Kind.NOT_FOUND, LibvirtErrors.NO_STORAGE_POOL,
          "not a storage pool uuid: '" + uuid + "'", null);
    }
    return lower(uuid);
  }

  private static String lower(String uuid) {
    return uuid.toLowerCase(Locale.ROOT);
  }
}
