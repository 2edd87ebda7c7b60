package io.virtrev.libvirt;

import com.sun.jna.Pointer;
import io.virtrev.api.source.SnapshotObservation;
import org.libvirt.Domain;
import org.libvirt.DomainSnapshot;
import org.libvirt.LibvirtException;

/**
 * The snapshot writes of {@link LibvirtSnapshotSource}. The create goes through {@link LibvirtNative}
 * ({@code virDomainSnapshotCreateXML} with {@code VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE}) and reads the
 * snapshot back through the handle it returns, which libvirt-java's {@link DomainSnapshot} cannot give
 * to a JNA read; revert and delete go through libvirt-java ({@link Domain#revertToSnapshot},
 * {@link DomainSnapshot#delete}), whose error codes are exact for every code they raise (all below 105).
 * Every handle is freed explicitly before returning, never left to a finalizer.
 *
 * <p>Callers hold the session's read lock, so the connection outlives every call here.
 */
final class SnapshotWriter {
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;

  /** One libvirt-java call on a looked-up snapshot and its domain. */
  private interface SnapshotCall {
    void apply(Domain dom, DomainSnapshot snap) throws LibvirtException;
  }

  private SnapshotWriter() {}

  /**
   * Creates (with validation if {@code validate}) and reads the result back through the create's handle.
   * Malformed XML fails with VIR_ERR_XML_ERROR/XML_DETAIL, schema-invalid XML with
   * VIR_ERR_XML_INVALID_SCHEMA, a name the domain already has with VIR_ERR_OPERATION_FAILED.
   */
  static SnapshotObservation create(NativeConnect connect, String domainUuid, String xml, boolean validate)
      throws NativeCallException {
    return SnapshotReader.onDomain(connect, domainUuid, (dom, uuid, domainName) -> {
      Pointer snap = LIB.virDomainSnapshotCreateXML(dom, xml, validate ? LibvirtNative.SNAPSHOT_CREATE_VALIDATE : 0);
      if (snap == null) {
        throw NativeCallException.lastError("virDomainSnapshotCreateXML");
      }
      try {
        return SnapshotReader.read(snap, uuid, domainName);
      } finally {
        LIB.virDomainSnapshotFree(snap);
      }
    });
  }

  static void revert(NativeConnect connect, String domainUuid, String name) throws LibvirtException {
    onSnapshot(connect, domainUuid, name, Domain::revertToSnapshot);
  }

  static void delete(NativeConnect connect, String domainUuid, String name, boolean children)
      throws LibvirtException {
    onSnapshot(connect, domainUuid, name,
        (dom, snap) -> snap.delete(children ? LibvirtNative.SNAPSHOT_DELETE_CHILDREN : 0));
  }

  /**
   * Looks the domain and its snapshot up, applies {@code call}, and frees both references. libvirt-java
   * reads the error inside the failing call, so the frees afterwards cannot lose it.
   */
  private static void onSnapshot(NativeConnect connect, String domainUuid, String name, SnapshotCall call)
      throws LibvirtException {
    Domain dom = connect.domainLookupByUUIDString(domainUuid);
    try {
      DomainSnapshot snap = dom.snapshotLookupByName(name);
      try {
        call.apply(dom, snap);
      } finally {
        snap.free();
      }
    } finally {
      dom.free();
    }
  }
}
