package io.virtrev.api.source;

import java.util.List;
import java.util.Optional;

/**
 * The port through which the versioning module observes and changes a hypervisor's virtual networks
 * (libvirt's {@code virNetwork}). Owned by its consumer; {@code libvirt-adapter} implements it on the
 * same libvirt connection as its {@link DomainSource}, and {@code src-test-fixtures} on an in-memory model
 * that can drop events, change silently and lose the connection.
 *
 * <p>Contract (as {@link DomainSource}'s):
 * <ul>
 *   <li>Connection and events belong to the {@link DomainSource} whose connection this port shares: it
 *       has no {@code start} or {@code close}. Network events reach that source's {@link SourceListener}
 *       as {@link SourceEvent}s of kind {@link SourceEvent#NETWORKS} with the network's uuid as uid, and
 *       {@link SourceListener#onConnected()} after a reconnect means networks must be resynced too.
 *   <li>Events are hints, not data: the consumer re-reads the network with {@link #get}. A source may
 *       drop events, and some changes emit none at all (libvirt 9.0 emits nothing for
 *       {@code setAutostart}); the consumer's resync finds those.
 *   <li>Reads are synchronous and may block on the hypervisor; they are never called with a lock held.
 *   <li>Reads and writes while disconnected throw {@link SourceException} of kind {@code CONNECTION}.
 *   <li>Writes are single libvirt calls; the consumer re-reads afterwards. The source emits the
 *       hypervisor's events for them as for any other change ({@code defined}, {@code undefined},
 *       {@code started}, {@code stopped}).
 *   <li>A string that is not a uuid names no network: {@link #get} is empty for it and writes throw
 *       {@code NOT_FOUND}.
 * </ul>
 * Thread-safe: every method may be called from any thread.
 */
public interface NetworkSource {

  /** Every network the hypervisor knows (persistent or transient, active or not). */
  List<NetworkObservation> listAll();

  /** The network with this uuid (lower-case canonical form), empty if the hypervisor has none. */
  Optional<NetworkObservation> get(String uuid);

  /**
   * Defines (or redefines, if the uuid exists) a persistent network ({@code virNetworkDefineXMLFlags}).
   * With {@code validate}, libvirt checks the XML against its schema first
   * ({@code VIR_NETWORK_DEFINE_VALIDATE}), so unknown elements are refused; without, libvirt parses what
   * it knows and silently drops the rest. Redefining an active network changes its persistent definition
   * only: {@code liveXml} stays as it was until the network is restarted. Returns the network as libvirt
   * stored it, read back right after the define.
   *
   * @throws SourceException INVALID_XML (malformed, or schema-invalid with libvirt's code 92, with
   *     libvirt's message), OTHER for a name or uuid clash with another network (libvirt's message names
   *     it), OPERATION_INVALID / OTHER as libvirt reports, CONNECTION
   */
  NetworkObservation define(String xml, boolean validate);

  /** {@link #define(String, boolean)} with validation. */
  default NetworkObservation define(String xml) {
    return define(xml, true);
  }

  /**
   * Checks {@code xml} as {@link #define(String, boolean)} with the same {@code validate} would, without
   * defining or changing anything (dry runs): malformed XML always, and with {@code validate} what
   * libvirt's RELAX NG schema ({@code network.rng}) refuses. What only libvirt's define finds (a clash
   * with another network) is not found. Needs no connection.
   *
   * @throws SourceException INVALID_XML with define's codes (27 malformed, 92 schema-invalid) and messages;
   *     OTHER if the check itself cannot run (the schema is missing): never a silent pass
   */
  void validate(String xml, boolean validate);

  /**
   * Removes the network's persistent definition ({@code virNetworkUndefine}). An active network stays
   * active, becomes transient, and disappears when it is destroyed.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (a transient network has no definition to
   *     remove), CONNECTION
   */
  void undefine(String uuid);

  /**
   * Starts an inactive network ({@code virNetworkCreate}): creates its bridge and whatever its XML asks
   * for (addresses, firewall rules, dnsmasq).
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (already active), OTHER with libvirt's message
   *     when the host refuses (a bridge or address in use, a missing helper binary), CONNECTION
   */
  void start(String uuid);

  /**
   * Stops an active network ({@code virNetworkDestroy}); a transient network disappears.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (not active), CONNECTION
   */
  void destroy(String uuid);

  /**
   * Marks a persistent network to be started (or not) when libvirtd starts ({@code virNetworkSetAutostart}).
   * libvirt emits no event for it.
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (a transient network), CONNECTION
   */
  void setAutostart(String uuid, boolean autostart);
}
