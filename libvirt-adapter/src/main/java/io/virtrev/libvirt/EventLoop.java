package io.virtrev.libvirt;

import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's process-wide default event loop. {@link #ensureStarted()} must run before the first
 * {@code new Connect(...)} of the process (connections opened earlier never deliver events). One
 * daemon thread, {@code libvirt-event-loop}, runs the loop for the life of the JVM: if it stopped,
 * keepalive would drop every connection. All event and close callbacks of libvirt-java and
 * {@link LibvirtNative} run on it (close callbacks may also run on a thread that notices a dead socket).
 */
final class EventLoop {
  static final String THREAD_NAME = "libvirt-event-loop";
  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

  /** Guarded by EventLoop.class. */
  private static boolean started;

  private EventLoop() {}

  /** Idempotent and thread-safe; throws IllegalStateException if libvirt refuses the loop. */
  static synchronized void ensureStarted() {
    if (started) {
      return;
    }
    try {
      ErrorLog.install();
      Library.initEventLoop();
    } catch (LibvirtException e) {
      throw new IllegalStateException("libvirt event loop: " + e.getMessage(), e);
    }
    Thread thread = new Thread(EventLoop::run, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
    started = true;
  }

  private static void run() {
    while (true) {
      try {
        Library.runEventLoop();
      } catch (InterruptedException e) {
        LOG.warn("{} interrupted; it keeps running for the life of the process", THREAD_NAME);
      } catch (LibvirtException | RuntimeException e) {
        LOG.warn("libvirt event loop iteration failed: {}", e.getMessage(), e);
      }
    }
  }
}
