package io.virtrev.daemon.e2e;

import io.virtrev.fixtures.Host;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real libvirtd for an end-to-end test, with the domains named {@code prefix*} removed before and
 * after each test (pass or fail), so a test owns every domain with its prefix. Before each test it
 * requires libvirtd ({@link Host#requireLibvirtd}: skipped when it does not answer, failed with
 * {@code VIRTREV_REQUIRE_LIBVIRTD=true}). Register it as a {@code @RegisterExtension} field; its clean-up
 * runs after the class's own {@code @AfterEach} methods.
 */
final class LibvirtdPrefix implements BeforeEachCallback, AfterEachCallback {
  private final String prefix;

  LibvirtdPrefix(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Host.requireLibvirtd();
    Host.cleanUp(prefix);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Host.cleanUp(prefix);
  }
}
