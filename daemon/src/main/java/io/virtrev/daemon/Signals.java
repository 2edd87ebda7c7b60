package io.virtrev.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP handling (reload TLS material), where the JVM offers it. */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  @SuppressWarnings("restriction")
  static void onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
        LOG.info("SIGHUP: reloading TLS material");
        action.run();
      });
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      LOG.warn("SIGHUP cannot be handled here ({}); TLS files are still re-read every 10 s", e.toString());
    }
  }
}
