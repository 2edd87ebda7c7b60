package io.virtrev.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.api.source.DomainSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link DomainSource.Listing} on one session: opening it makes three list calls (all domains, the
 * persistent ones, the autostart ones), so that each step reads a domain with two or three RPCs (state,
 * config XML, live XML if active) instead of five. Persistence and autostart are therefore as of the
 * opening; a change to either emits an event (define/undefine) or is picked up by the next resync
 * (autostart emits none).
 *
 * <p>Owns one reference per listed domain until that domain is read or the listing is closed. Steps
 * run under the session's read lock like any call; if the session is lost meanwhile, the next step
 * fails with CONNECTION and the references are still freed by {@link #close}.
 */
final class LibvirtListing implements DomainSource.Listing {
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;

  private final Session session;
  private final Pointer[] domains;
  private final Set<String> persistent;
  private final Set<String> autostart;
  private int at;

  private LibvirtListing(Session session, Pointer[] domains, Set<String> persistent, Set<String> autostart) {
    this.session = session;
    this.domains = domains;
    this.persistent = persistent;
    this.autostart = autostart;
  }

  static LibvirtListing open(Session session) {
    return session.call(connect -> {
      Pointer[] all = list(connect, 0);
      try {
        return new LibvirtListing(session, all, uuids(connect, LibvirtNative.LIST_PERSISTENT),
            uuids(connect, LibvirtNative.LIST_AUTOSTART));
      } catch (NativeCallException | RuntimeException e) {
        freeAll(all, 0);
        throw e;
      }
    });
  }

  @Override
  public boolean hasNext() {
    return at < domains.length;
  }

  @Override
  public int size() {
    return domains.length;
  }

  @Override
  public List<DomainObservation> next(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max < 1: " + max);
    }
    int end = Math.min(domains.length, at + max);
    return session.call(connect -> {
      List<DomainObservation> out = new ArrayList<>(end - at);
      while (at < end) {
        Pointer dom = domains[at];
        domains[at++] = null;
        try {
          String uuid = LibvirtNative.uuidString(dom);
          out.add(DomainReader.read(dom, new DomainReader.Known(persistent.contains(uuid), autostart.contains(uuid))));
        } catch (NativeCallException e) {
          if (e.code() != LibvirtErrors.NO_DOMAIN) {
            throw e;
          }
        } finally {
          LIB.virDomainFree(dom);
        }
      }
      return out;
    });
  }

  @Override
  public void close() {
    freeAll(domains, at);
    at = domains.length;
  }

  /** The domains matching {@code flags}; the caller frees each. */
  private static Pointer[] list(NativeConnect connect, int flags) throws NativeCallException {
    PointerByReference ref = new PointerByReference();
    int n = LIB.virConnectListAllDomains(connect.pointer(), ref, flags);
    if (n < 0) {
      throw NativeCallException.lastError("virConnectListAllDomains");
    }
    Pointer array = ref.getValue();
    if (array == null) {
      return new Pointer[0];
    }
    try {
      return n == 0 ? new Pointer[0] : array.getPointerArray(0, n);
    } finally {
      Native.free(Pointer.nativeValue(array));
    }
  }

  private static Set<String> uuids(NativeConnect connect, int flags) throws NativeCallException {
    Pointer[] found = list(connect, flags);
    Set<String> out = new HashSet<>(found.length * 2);
    for (Pointer dom : found) {
      out.add(LibvirtNative.uuidString(dom));
      LIB.virDomainFree(dom);
    }
    return out;
  }

  private static void freeAll(Pointer[] domains, int from) {
    for (int i = from; i < domains.length; i++) {
      if (domains[i] != null) {
        LIB.virDomainFree(domains[i]);
        domains[i] = null;
      }
    }
  }
}
