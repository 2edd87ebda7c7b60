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
 * A {@link DomainSource.Listing} on one session: opening it makes three list calls side by side (all
 * domains, the persistent ones, the autostart ones), so that each step reads a domain with two or three
 * RPCs (state, config XML, live XML if active) instead of five. Persistence and autostart are therefore
 * as of the opening; a change to either emits an event (define/undefine) or is picked up by the next
 * resync (autostart emits none).
 *
 * <p>A step starts the calls of {@value #CHUNK} domains at a time in one {@link ParallelCalls} batch
 * (so a step of 4 costs about one round trip, not 8-12), frees their references once the batch has
 * finished, skips those that vanished (VIR_ERR_NO_DOMAIN), and fails with the first other error in
 * listing order; a failed step has consumed its domains.
 *
 * <p>Owns one reference per listed domain until that domain is read or the listing is closed. Steps
 * run under the session's read lock like any call; if the session is lost meanwhile, the next step
 * fails with CONNECTION and the references are still freed by {@link #close}. Confined to one thread.
 */
final class LibvirtListing implements DomainSource.Listing {
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;
  /** Domains whose calls share one batch: 2-3 calls each, well within the pool's queue. */
  static final int CHUNK = 8;

  private final Session session;
  private final ParallelCalls calls;
  private final Pointer[] domains;
  private final Set<String> persistent;
  private final Set<String> autostart;
  private int at;

  private LibvirtListing(Session session, ParallelCalls calls, Pointer[] domains, Set<String> persistent,
      Set<String> autostart) {
    this.session = session;
    this.calls = calls;
    this.domains = domains;
    this.persistent = persistent;
    this.autostart = autostart;
  }

  static LibvirtListing open(Session session, ParallelCalls calls) {
    return session.call(connect -> {
      ParallelCalls.Batch batch = calls.batch();
      ParallelCalls.Result<Pointer[]> all = batch.add(() -> list(connect, 0));
      ParallelCalls.Result<Set<String>> persistent = batch.add(() -> uuids(connect, LibvirtNative.LIST_PERSISTENT));
      ParallelCalls.Result<Set<String>> autostart = batch.add(() -> uuids(connect, LibvirtNative.LIST_AUTOSTART));
      batch.run();
      Pointer[] domains = all.get();
      try {
        return new LibvirtListing(session, calls, domains, persistent.get(), autostart.get());
      } catch (NativeCallException | RuntimeException e) {
        freeAll(domains, 0, domains.length);
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
        int from = at;
        at = Math.min(end, from + CHUNK);
        NativeCallException failure = readChunk(from, at, out);
        if (failure != null) {
          freeAll(domains, at, end);
          at = end;
          throw failure;
        }
      }
      return out;
    });
  }

  /**
   * Reads domains {@code [from, to)} in one batch into {@code out} and frees their references, all of
   * them, after the batch finished. Returns the first failure other than a vanished domain, or null.
   */
  private NativeCallException readChunk(int from, int to, List<DomainObservation> out) {
    ParallelCalls.Batch batch = calls.batch();
    List<DomainReader.Pending> pending = new ArrayList<>(to - from);
    NativeCallException failure = null;
    try {
      for (int i = from; i < to; i++) {
        String uuid = LibvirtNative.uuidString(domains[i]);
        pending.add(DomainReader.start(domains[i],
            new DomainReader.Known(persistent.contains(uuid), autostart.contains(uuid)), batch));
      }
      batch.run();
      for (DomainReader.Pending p : pending) {
        try {
          out.add(p.finish());
        } catch (NativeCallException e) {
          if (e.code() != LibvirtErrors.NO_DOMAIN && failure == null) {
            failure = e;
          }
        }
      }
    } catch (NativeCallException e) {
      failure = e; // a local accessor refused before anything ran
    } finally {
      freeAll(domains, from, to);
    }
    return failure;
  }

  @Override
  public void close() {
    freeAll(domains, at, domains.length);
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

  private static void freeAll(Pointer[] domains, int from, int to) {
    for (int i = from; i < to; i++) {
      if (domains[i] != null) {
        LIB.virDomainFree(domains[i]);
        domains[i] = null;
      }
    }
  }
}
