package io.virtrev.api.source;

import java.util.List;
import java.util.Optional;

/**
 * The port through which the versioning module observes a hypervisor. The consumer (versioning's
 * reconciler) owns this contract; {@code libvirt-adapter} implements it on libvirt and
 * {@code src-test-fixtures} on an in-memory model that can drop events and reset.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start} returns at once; from then on the source keeps itself connected (reconnecting
 *       with backoff) and reports {@link SourceListener#onConnected()} after every (re)connection.
 *       Events that happened while disconnected are lost: the consumer resyncs after every connect.
 *   <li>Events are hints, not data: the consumer re-reads the domain with {@link #get}. A source may
 *       drop events, but never reorders an event after a later read that it caused.
 *   <li>Reads are synchronous and may block on the hypervisor; they are never called with a lock held.
 *   <li>Reads and writes while disconnected throw {@link SourceException} of kind {@code CONNECTION}.
 *   <li>Writes ({@link #define}, {@link #undefine}, {@link #perform}) are single libvirt calls; the
 *       consumer re-reads afterwards. The source emits the hypervisor's events for them as for any
 *       other change.
 * </ul>
 * Thread-safe: reads may come from any thread.
 */
public interface DomainSource extends AutoCloseable {

  /** Begins connecting and delivering events and connection changes to {@code listener}. Once only. */
  void start(SourceListener listener);

  /** Every domain the hypervisor knows (defined or running, persistent or transient). */
  List<DomainObservation> listAll();

  /** The domain with this uuid (lower-case canonical form), empty if the hypervisor has none. */
  Optional<DomainObservation> get(String uuid);

  /**
   * Defines (or redefines, if the uuid exists) a persistent domain with libvirt's schema validation
   * ({@code VIR_DOMAIN_DEFINE_VALIDATE}), so unknown elements are rejected rather than dropped.
   * Returns the domain as libvirt stored it, read back right after the define.
   *
   * @throws SourceException INVALID_XML (malformed or schema-invalid, with libvirt's message),
   *     OPERATION_INVALID / OTHER as libvirt reports, CONNECTION
   */
  DomainObservation define(String xml);

  /**
   * Undefines the domain (a running one becomes transient and disappears when it stops).
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (e.g. a managed save image exists and the
   *     flag was not given), CONNECTION
   */
  void undefine(String uuid, UndefineOptions options);

  /**
   * Performs one lifecycle action and returns once libvirt accepted it (for SHUTDOWN and REBOOT the
   * guest may act later, or never).
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (e.g. start of a running domain, with
   *     libvirt's message), CONNECTION
   */
  void perform(String uuid, LifecycleAction action);

  /** True while a connection is open and events are registered. */
  boolean isConnected();

  /** Where this source reads from, for logs and readiness messages (e.g. {@code qemu:///system}). */
  String describe();

  /** Stops reconnecting, unregisters events and frees native resources. Idempotent. */
  @Override
  void close();
}
