package io.virtrev.libvirt;

import com.sun.jna.Pointer;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A libvirt-java {@link Connect} that also hands out its native {@code virConnectPtr}, so the
 * project's own JNA calls ({@link LibvirtNative}) run on the very same connection.
 *
 * <p>Why a subclass: libvirt-java 0.5.4 keeps the pointer in {@code protected ConnectionPointer vcp}.
 * A subclass reads it with a plain, compile-checked field access: no reflection (which would fail
 * only at run time if the field were renamed) and no second native connection (which would double
 * the sockets, keepalives, close callbacks and reconnect bookkeeping, and could be up while the
 * libvirt-java one is down).
 *
 * <p>Contract: {@link #pointer()} is valid only until {@link #close()}; callers guarantee that by
 * holding {@link Session}'s read lock, which close waits for.
 */
final class NativeConnect extends Connect {

  NativeConnect(String uri) throws LibvirtException {
    super(uri, false);
  }

  /** The native {@code virConnectPtr}; never null before close. */
  Pointer pointer() {
    if (vcp == null) {
      throw new IllegalStateException("connection already closed");
    }
    return vcp.getPointer();
  }
}
