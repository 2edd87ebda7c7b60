package io.virtrev.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.Library;
import org.libvirt.event.LifecycleListener;
import org.libvirt.jna.Libvirt;

/**
 * What a platform does without virtrevd: libvirt-java directly (the baseline side of the benchmarks).
 * One process-wide event loop, started before the first connection.
 */
final class RawLibvirt implements AutoCloseable {
  static final String PREFIX = "vrt-bench-";
  private static final Libvirt.VirErrorCallback QUIET = (userData, error) -> { };
  private static boolean loop;

  final PointerConnect conn;
  private LifecycleListener listener;

  RawLibvirt(String uri) throws LibvirtException {
    ensureLoop();
    conn = new PointerConnect(uri);
  }

  /** libvirt-java's Connect, handing out its virConnectPtr for the one call it lacks. */
  static final class PointerConnect extends Connect {
    PointerConnect(String uri) throws LibvirtException {
      super(uri, false);
    }

    com.sun.jna.Pointer pointer() {
      return vcp.getPointer();
    }
  }

  /** {@code virDomainDefineXMLFlags}, which libvirt-java 0.5.4 does not bind. */
  interface DefineFlags extends com.sun.jna.Library {
    DefineFlags INSTANCE = com.sun.jna.Native.load("libvirt.so.0", DefineFlags.class,
        java.util.Map.of(com.sun.jna.Library.OPTION_STRING_ENCODING, "UTF-8"));

    com.sun.jna.Pointer virDomainDefineXMLFlags(com.sun.jna.Pointer conn, String xml, int flags);

    int virDomainFree(com.sun.jna.Pointer dom);
  }

  /** {@code virDomainDefineXMLFlags(VIR_DOMAIN_DEFINE_VALIDATE)}: what the daemon's Strict PUT asks of libvirt. */
  void defineValidated(String xml) {
    com.sun.jna.Pointer dom = DefineFlags.INSTANCE.virDomainDefineXMLFlags(conn.pointer(), xml, 1);
    if (dom == null) {
      throw new IllegalStateException("virDomainDefineXMLFlags(VALIDATE) failed");
    }
    DefineFlags.INSTANCE.virDomainFree(dom);
  }

  private static synchronized void ensureLoop() throws LibvirtException {
    if (loop) {
      return;
    }
    Connect.setErrorCallback(QUIET);
    Library.initEventLoop();
    Thread t = new Thread(() -> {
      while (true) {
        try {
          Library.runEventLoop();
        } catch (Exception e) {
          // keep the loop running
        }
      }
    }, "bench-libvirt-event-loop");
    t.setDaemon(true);
    t.start();
    loop = true;
  }

  /** A minimal domain for libvirt's test driver. */
  static String testXml(String name, String uuid, int memMiB) {
    return "<domain type='test'><name>" + name + "</name><uuid>" + uuid + "</uuid><memory unit='MiB'>" + memMiB
        + "</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>";
  }

  static String uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  Domain define(String xml) throws LibvirtException {
    return conn.domainDefineXML(xml);
  }

  /** Defines test-driver domains {@code PREFIX-tNNNNNN} numbered [from, to). */
  void defineTest(int from, int to) throws LibvirtException {
    for (int i = from; i < to; i++) {
      String name = String.format("%st%06d", PREFIX, i);
      conn.domainDefineXML(testXml(name, uuid(name), 64)).free();
    }
  }

  /** The relist a platform does: every domain, then its XML. Returns the total XML length. */
  long relist() throws LibvirtException {
    Domain[] all = conn.listAllDomains(0);
    long bytes = 0;
    try {
      for (Domain d : all) {
        bytes += d.getXMLDesc(0).length();
      }
    } finally {
      for (Domain d : all) {
        d.free();
      }
    }
    return bytes;
  }

  /** Undefines (destroying first if running) every domain whose name starts with {@link #PREFIX}. */
  int cleanup() throws LibvirtException {
    int n = 0;
    for (Domain d : conn.listAllDomains(0)) {
      try {
        if (d.getName().startsWith(PREFIX)) {
          if (d.isActive() == 1) {
            d.destroy();
          }
          if (d.isPersistent() == 1) {
            d.undefine();
          }
          n++;
        }
      } catch (LibvirtException e) {
        // gone meanwhile
      } finally {
        d.free();
      }
    }
    return n;
  }

  /** Receive times (System.nanoTime) of lifecycle events for domains named {@code name}. */
  BlockingQueue<Long> listen(String name) throws LibvirtException {
    BlockingQueue<Long> q = new LinkedBlockingQueue<>();
    listener = (dom, event) -> {
      long t = System.nanoTime();
      try {
        if (dom.getName().equals(name)) {
          q.add(t);
        }
      } catch (LibvirtException e) {
        // ignore
      }
      return 0;
    };
    conn.addLifecycleListener(listener);
    return q;
  }

  List<String> names() throws LibvirtException {
    List<String> out = new ArrayList<>();
    for (Domain d : conn.listAllDomains(0)) {
      out.add(d.getName());
      d.free();
    }
    return out;
  }

  @Override
  public void close() throws LibvirtException {
    if (listener != null) {
      conn.removeLifecycleListener(listener);
    }
    conn.close();
  }
}
