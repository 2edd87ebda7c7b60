package io.virtrev.libvirt;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces libvirt's default error handler (which prints every error to stderr, even ones the caller
 * handles) with one that logs at DEBUG through SLF4J. Callers still see each error as an exception.
 * Process-wide; installed by {@link EventLoop#ensureStarted()}.
 */
final class ErrorLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.virtrev.libvirt.native");

  /** Strongly held: libvirt keeps only the native function pointer. */
  private static final Libvirt.VirErrorCallback CALLBACK =
      (userData, error) -> {
        if (error != null && LOG.isDebugEnabled()) {
          LOG.debug("libvirt error {} (domain {}): {}", error.code, error.domain, error.message);
        }
      };

  private ErrorLog() {}

  static void install() throws LibvirtException {
    Connect.setErrorCallback(CALLBACK);
  }
}
