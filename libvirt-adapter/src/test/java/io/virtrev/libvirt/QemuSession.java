package io.virtrev.libvirt;

import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.Host;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link LibvirtDomainSource} on the real libvirtd ({@code qemu:///system}) for a test class, started
 * with a {@link RecordingListener} before the first test and closed after the last; each test starts once
 * it is connected (within {@code wait}). The class is skipped when libvirtd does not answer, unless
 * {@code VIRTREV_REQUIRE_LIBVIRTD=true} ({@link Host#requireLibvirtd}). Register it as a static
 * {@code @RegisterExtension} field; its fields are set on the JUnit thread before any test runs.
 */
final class QemuSession implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private final Duration wait;
  private LibvirtDomainSource source;
  private RecordingListener listener;

  QemuSession(Duration wait) {
    this.wait = wait;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Host.requireLibvirtd();
    source = new LibvirtDomainSource(LibvirtSourceConfig.defaults(Host.URI)
        .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
    listener = new RecordingListener();
    source.start(listener);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (source != null) {
      source.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    await().atMost(wait).until(source::isConnected);
  }

  /** The connected source (its domains; {@code networks()}, {@code storage()}, {@code snapshots()}). */
  LibvirtDomainSource source() {
    return source;
  }

  /** Everything the source delivered since the class started. */
  RecordingListener listener() {
    return listener;
  }
}
