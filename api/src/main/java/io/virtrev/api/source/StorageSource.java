package io.virtrev.api.source;

import java.util.List;
import java.util.Optional;

/**
 * The port through which the consumer observes and changes a hypervisor's storage pools and their
 * volumes. {@code libvirt-adapter} implements it on the same libvirt connection as the
 * {@link DomainSource} (one connection per daemon), {@code src-test-fixtures} on an in-memory model that
 * can drop events, change silently and disconnect.
 *
 * <p>Contract:
 * <ul>
 *   <li>No lifecycle of its own: it is connected while the connection it shares is. Events reach the
 *       {@link SourceListener} that connection was started with, as {@link SourceEvent}s of kind
 *       {@link #POOLS}, {@code uuid} the pool's: libvirt's pool {@code lifecycle} events (event
 *       {@code defined}, {@code undefined}, {@code started}, {@code stopped}, {@code created} (built),
 *       {@code deleted}; no detail) and {@code refresh}. After every (re)connection the consumer resyncs.
 *   <li>Events are hints, not data: the consumer re-reads the pool with {@link #getPool}. They may be
 *       dropped. Autostart changes emit none.
 *   <li><b>Volumes emit no events</b> (libvirt has no volume events, and creating, deleting or resizing a
 *       volume emits no pool event either): the consumer re-reads after its own mutations and finds the
 *       rest (virsh vol-create, files appearing in a pool after a refresh) by a periodic resync.
 *   <li>Reads are synchronous and may block on the hypervisor; they are never called with a lock held.
 *       Reads of several objects are not atomic: objects that vanish meanwhile are skipped.
 *   <li>Reads and writes while disconnected throw {@link SourceException} of kind {@code CONNECTION}.
 *   <li>Writes are single libvirt calls (define and create also read back what libvirt stored). A pool
 *       or volume that does not exist is {@code NOT_FOUND} (a string that is not a uuid names no pool);
 *       an action the pool's state forbids is {@code OPERATION_INVALID} with libvirt's message; bad XML is
 *       {@code INVALID_XML} and changes nothing.
 * </ul>
 * Thread-safe: reads and writes may come from any thread.
 */
public interface StorageSource {
  /** The kind key of storage pools (the store's kind; {@link SourceEvent#kind()} of pool events). */
  String POOLS = SourceEvent.STORAGE_POOLS;
  /** The kind key of storage volumes. */
  String VOLUMES = "storagevolumes";

  // ---- pools ----

  /** Every pool the hypervisor knows (active or not, persistent or transient). */
  List<StoragePoolObservation> listPools();

  /** The pool with this uuid (lower-case canonical form), empty if there is none or it is not a uuid. */
  Optional<StoragePoolObservation> getPool(String uuid);

  /**
   * Defines (or, for an existing uuid, redefines) a persistent pool ({@code virStoragePoolDefineXML}); with
   * {@code validate}, libvirt checks the XML against its schema first ({@code VIR_STORAGE_POOL_DEFINE_VALIDATE}),
   * so unknown elements are refused instead of silently dropped. Redefining an active pool changes its
   * persistent definition only; the running one changes at the next start. Returns the pool as libvirt
   * stored it. Emits {@code lifecycle/defined}.
   *
   * @throws SourceException INVALID_XML (malformed: libvirt's code 27 or 35; schema-invalid: 92),
   *     OTHER (e.g. code 9: the name exists with another uuid, or the target path is another pool's),
   *     CONNECTION
   */
  StoragePoolObservation definePool(String xml, boolean validate);

  /** {@link #definePool(String, boolean)} with validation. */
  default StoragePoolObservation definePool(String xml) {
    return definePool(xml, true);
  }

  /**
   * Checks {@code xml} as {@link #definePool(String, boolean)} would, without changing anything (dry runs):
   * malformed XML always, with {@code validate} what libvirt's {@code storagepool.rng} refuses. Clashes
   * with existing pools are not found. Needs no connection.
   *
   * @throws SourceException INVALID_XML (27 malformed, 92 schema-invalid); OTHER if the check cannot run
   */
  void validatePool(String xml, boolean validate);

  /**
   * Removes the persistent definition of an inactive pool ({@code virStoragePoolUndefine}); its target
   * (directory, volumes) stays. Emits {@code lifecycle/undefined}.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (the pool is active), CONNECTION
   */
  void undefinePool(String uuid);

  /**
   * Starts the pool ({@code virStoragePoolCreate}). Emits {@code lifecycle/started}.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (already active), OTHER (e.g. the target does
   *     not exist: build first), CONNECTION
   */
  void start(String uuid);

  /**
   * Stops the pool ({@code virStoragePoolDestroy}); nothing on disk is removed. Emits
   * {@code lifecycle/stopped}.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (not active), CONNECTION
   */
  void destroy(String uuid);

  /**
   * Rescans the pool's target ({@code virStoragePoolRefresh}): volumes that appeared or vanished there, and
   * the sizes. Emits {@code refresh}.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (not active), CONNECTION
   */
  void refresh(String uuid);

  /**
   * Builds the pool's target ({@code virStoragePoolBuild}, no flags: for a {@code dir} pool, creates the
   * directory). Emits {@code lifecycle/created}.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (active), OTHER as libvirt reports, CONNECTION
   */
  void build(String uuid);

  /**
   * Sets whether libvirtd starts the pool when it starts ({@code virStoragePoolSetAutostart}). Emits no
   * event.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (a transient pool), CONNECTION
   */
  void setAutostart(String uuid, boolean autostart);

  // ---- volumes (of an active pool) ----

  /**
   * Every volume of the pool, as libvirt last scanned it.
   *
   * @throws SourceException NOT_FOUND (no such pool), OPERATION_INVALID (the pool is not active), CONNECTION
   */
  List<StorageVolumeObservation> listVolumes(String poolUuid);

  /**
   * The volume {@code name} of the pool, empty if the pool has none by that name.
   *
   * @throws SourceException NOT_FOUND (no such pool), OPERATION_INVALID (the pool is not active), CONNECTION
   */
  Optional<StorageVolumeObservation> getVolume(String poolUuid, String name);

  /**
   * Creates a volume in the pool ({@code virStorageVolCreateXML}) and returns it as libvirt created it. With
   * {@code validate}, the XML is first checked against libvirt's {@code storagevol.rng}, so unknown elements
   * are refused instead of silently dropped. Emits no event.
   *
   * @throws SourceException NOT_FOUND (no such pool), OPERATION_INVALID (the pool is not active),
   *     INVALID_XML (27/35 malformed, 92 schema-invalid), OTHER (e.g. code 90: a volume of that name
   *     exists), CONNECTION
   */
  StorageVolumeObservation createVolume(String poolUuid, String xml, boolean validate);

  /** {@link #createVolume(String, String, boolean)} with validation. */
  default StorageVolumeObservation createVolume(String poolUuid, String xml) {
    return createVolume(poolUuid, xml, true);
  }

  /**
   * Checks volume XML as {@link #validatePool} does pool XML ({@code storagevol.rng}). Needs no connection.
   *
   * @throws SourceException INVALID_XML (27 malformed, 92 schema-invalid); OTHER if the check cannot run
   */
  void validateVolume(String xml, boolean validate);

  /**
   * Deletes the volume and its data ({@code virStorageVolDelete}, no flags). Emits no event.
   *
   * @throws SourceException NOT_FOUND (no such pool or volume), OPERATION_INVALID (the pool is not
   *     active), CONNECTION
   */
  void deleteVolume(String poolUuid, String name);

  /**
   * Sets the volume's capacity to {@code capacityBytes} ({@code virStorageVolResize} with
   * {@code VIR_STORAGE_VOL_RESIZE_SHRINK}, so it may also shrink: data beyond the new end is lost). Emits no
   * event.
   *
   * @throws SourceException NOT_FOUND (no such pool or volume), OPERATION_INVALID (the pool is not active),
   *     OTHER (e.g. below the volume's allocation, or beyond the pool's space), CONNECTION
   */
  void resize(String poolUuid, String name, long capacityBytes);
}
