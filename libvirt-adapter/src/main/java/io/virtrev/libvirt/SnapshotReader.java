package io.virtrev.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.virtrev.api.SnapshotXml;
import io.virtrev.api.source.SnapshotObservation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The snapshot reads of {@link LibvirtSnapshotSource}, through {@link LibvirtNative}: libvirt-java 0.5.4 has
 * no {@code virDomainListAllSnapshots}, {@code virDomainSnapshotGetParent} or
 * {@code virDomainSnapshotIsCurrent}, and its {@code DomainSnapshot} cannot wrap the handle a JNA call
 * returns, so reads work on native handles, the same for a listing, a lookup and a create. Failures carry
 * libvirt's exact code ({@link NativeCallException}).
 *
 * <p>Callers hold the session's read lock, so the connection outlives every call here. Every handle is
 * freed before returning.
 */
final class SnapshotReader {
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;

  /** A step on a looked-up domain handle (borrowed). */
  interface DomainStep<T> {
    T apply(Pointer dom, String domainUuid, String domainName) throws NativeCallException;
  }

  private SnapshotReader() {}

  /**
   * Reads {@code snap} (borrowed: not freed here): its name (local accessor), XML, parent and current flag:
   * three RPCs. Not atomic: a create, revert or delete between the calls can make them disagree; the
   * consumer's re-read after that write reads again.
   *
   * @throws NativeCallException libvirt's error, with its code (VIR_ERR_NO_DOMAIN_SNAPSHOT if it vanished);
   *     code -1 if the XML lacks a state or creation time
   */
  static SnapshotObservation read(Pointer snap, String domainUuid, String domainName) throws NativeCallException {
    String name = LIB.virDomainSnapshotGetName(snap);
    if (name == null) {
      throw NativeCallException.lastError("virDomainSnapshotGetName");
    }
    String xml = xml(snap);
    String parent = parentName(snap);
    int current = LIB.virDomainSnapshotIsCurrent(snap, 0);
    if (current < 0) {
      throw NativeCallException.lastError("virDomainSnapshotIsCurrent");
    }
    SnapshotXml.Fields fields;
    try {
      fields = SnapshotXml.read(xml);
    } catch (IllegalArgumentException e) {
      throw new NativeCallException(-1, "snapshot '" + name + "' of " + domainName + ": " + e.getMessage());
    }
    if (fields.state() == null || fields.creationTime() == null) {
      throw new NativeCallException(-1, "snapshot '" + name + "' of " + domainName
          + ": libvirt's XML has no <state> or <creationTime>");
    }
    return new SnapshotObservation(domainUuid, domainName, name, xml, parent, current == 1, fields.state(),
        fields.creationTime());
  }

  /** Every snapshot of every domain ({@code virConnectListAllDomains}); a domain that vanishes is skipped. */
  static List<SnapshotObservation> listAll(NativeConnect connect) throws NativeCallException {
    PointerByReference array = new PointerByReference();
    int n = LIB.virConnectListAllDomains(connect.pointer(), array, 0);
    if (n < 0) {
      throw NativeCallException.lastError("virConnectListAllDomains");
    }
    Pointer[] doms = n == 0 ? new Pointer[0] : array.getValue().getPointerArray(0, n);
    List<SnapshotObservation> out = new ArrayList<>();
    try {
      for (Pointer dom : doms) {
        String uuid = LibvirtNative.uuidString(dom);
        String name = LIB.virDomainGetName(dom);
        if (uuid == null || name == null) {
          throw NativeCallException.lastError(uuid == null ? "virDomainGetUUIDString" : "virDomainGetName");
        }
        try {
          out.addAll(snapshotsOf(dom, uuid, name));
        } catch (NativeCallException e) {
          if (e.code() != LibvirtErrors.NO_DOMAIN) {
            throw e;
          }
        }
      }
      return out;
    } finally {
      for (Pointer dom : doms) {
        LIB.virDomainFree(dom);
      }
      if (array.getValue() != null) {
        Native.free(Pointer.nativeValue(array.getValue()));
      }
    }
  }

  /**
   * Every snapshot of {@code dom} (borrowed), each read in turn; one that vanishes between the listing
   * and its read is skipped.
   */
  static List<SnapshotObservation> snapshotsOf(Pointer dom, String domainUuid, String domainName)
      throws NativeCallException {
    PointerByReference array = new PointerByReference();
    int n = LIB.virDomainListAllSnapshots(dom, array, 0);
    if (n < 0) {
      throw NativeCallException.lastError("virDomainListAllSnapshots");
    }
    Pointer[] snaps = n == 0 ? new Pointer[0] : array.getValue().getPointerArray(0, n);
    List<SnapshotObservation> out = new ArrayList<>(n);
    try {
      for (Pointer snap : snaps) {
        try {
          out.add(read(snap, domainUuid, domainName));
        } catch (NativeCallException e) {
          if (e.code() != LibvirtErrors.NO_DOMAIN_SNAPSHOT) {
            throw e;
          }
        }
      }
      return out;
    } finally {
      for (Pointer snap : snaps) {
        LIB.virDomainSnapshotFree(snap);
      }
      if (array.getValue() != null) {
        Native.free(Pointer.nativeValue(array.getValue()));
      }
    }
  }

  /** Looks the domain up and reads its snapshot {@code name} (VIR_ERR_NO_DOMAIN_SNAPSHOT if it has none). */
  static SnapshotObservation lookupAndRead(NativeConnect connect, String domainUuid, String name)
      throws NativeCallException {
    return onDomain(connect, domainUuid, (dom, uuid, domainName) -> {
      Pointer snap = LIB.virDomainSnapshotLookupByName(dom, name, 0);
      if (snap == null) {
        throw NativeCallException.lastError("virDomainSnapshotLookupByName");
      }
      try {
        return read(snap, uuid, domainName);
      } finally {
        LIB.virDomainSnapshotFree(snap);
      }
    });
  }

  /** The domain's current snapshot, empty if it has none; VIR_ERR_NO_DOMAIN if there is no such domain. */
  static Optional<SnapshotObservation> current(NativeConnect connect, String domainUuid) throws NativeCallException {
    return onDomain(connect, domainUuid, (dom, uuid, domainName) -> {
      Pointer snap = LIB.virDomainSnapshotCurrent(dom, 0);
      if (snap == null) {
        NativeCallException e = NativeCallException.lastError("virDomainSnapshotCurrent");
        if (e.code() == LibvirtErrors.NO_DOMAIN_SNAPSHOT) {
          return Optional.empty();
        }
        throw e;
      }
      try {
        return Optional.of(read(snap, uuid, domainName));
      } finally {
        LIB.virDomainSnapshotFree(snap);
      }
    });
  }

  /** Looks {@code domainUuid} up (one RPC), applies {@code step} and frees the handle. */
  static <T> T onDomain(NativeConnect connect, String domainUuid, DomainStep<T> step) throws NativeCallException {
    Pointer dom = LIB.virDomainLookupByUUIDString(connect.pointer(), domainUuid);
    if (dom == null) {
      throw NativeCallException.lastError("virDomainLookupByUUIDString");
    }
    try {
      String uuid = LibvirtNative.uuidString(dom);
      String name = LIB.virDomainGetName(dom);
      if (uuid == null || name == null) {
        throw NativeCallException.lastError(uuid == null ? "virDomainGetUUIDString" : "virDomainGetName");
      }
      return step.apply(dom, uuid, name);
    } finally {
      LIB.virDomainFree(dom);
    }
  }

  /** The parent's name, null for a root (libvirt answers VIR_ERR_NO_DOMAIN_SNAPSHOT for it). */
  private static String parentName(Pointer snap) throws NativeCallException {
    Pointer parent = LIB.virDomainSnapshotGetParent(snap, 0);
    if (parent == null) {
      NativeCallException e = NativeCallException.lastError("virDomainSnapshotGetParent");
      if (e.code() == LibvirtErrors.NO_DOMAIN_SNAPSHOT) {
        return null;
      }
      throw e;
    }
    try {
      String name = LIB.virDomainSnapshotGetName(parent);
      if (name == null) {
        throw NativeCallException.lastError("virDomainSnapshotGetName");
      }
      return name;
    } finally {
      LIB.virDomainSnapshotFree(parent);
    }
  }

  private static String xml(Pointer snap) throws NativeCallException {
    Pointer p = LIB.virDomainSnapshotGetXMLDesc(snap, 0);
    if (p == null) {
      throw NativeCallException.lastError("virDomainSnapshotGetXMLDesc");
    }
    try {
      return p.getString(0, StandardCharsets.UTF_8.name());
    } finally {
      Native.free(Pointer.nativeValue(p));
    }
  }
}
