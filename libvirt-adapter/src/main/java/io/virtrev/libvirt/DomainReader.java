package io.virtrev.libvirt;

import io.virtrev.api.source.DomainObservation;
import java.util.Locale;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@link DomainObservation}. The reads are not atomic: a domain that changes meanwhile
 * yields a mix of before and after, which the next event or resync corrects. A domain that vanishes
 * meanwhile fails with VIR_ERR_NO_DOMAIN.
 */
final class DomainReader {
  private static final Logger LOG = LoggerFactory.getLogger(DomainReader.class);
  /** VIR_DOMAIN_XML_INACTIVE. */
  static final int XML_INACTIVE = 2;

  private DomainReader() {}

  /** Caller holds the session's read lock; {@code domain} stays owned (and freed) by the caller. */
  static DomainObservation read(NativeConnect connect, Domain domain)
      throws LibvirtException, NativeCallException {
    String uuid = domain.getUUIDString().toLowerCase(Locale.ROOT);
    String name = domain.getName();
    DomainStates.State state = DomainStates.read(connect.pointer(), uuid);
    boolean active = domain.isActive() == 1;
    String configXml = domain.getXMLDesc(XML_INACTIVE);
    String liveXml = active ? domain.getXMLDesc(0) : null;
    boolean persistent = domain.isPersistent() == 1;
    boolean autostart = domain.getAutostart();
    Integer id = null;
    if (active) {
      int raw = domain.getID();
      id = raw >= 0 ? raw : null;
    }
    return new DomainObservation(
        uuid, name, configXml, liveXml, persistent, autostart, state.state(), state.reason(), id);
  }

  /** Frees the native reference now rather than in libvirt-java's finalizer. Never throws. */
  static void free(Domain domain) {
    if (domain == null) {
      return;
    }
    try {
      domain.free();
    } catch (LibvirtException | RuntimeException e) {
      LOG.debug("freeing domain: {}", e.getMessage());
    }
  }
}
