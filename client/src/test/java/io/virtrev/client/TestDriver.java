package io.virtrev.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the client ITs against the packaged daemon on libvirt's test driver ({@code test:///default}) share. */
final class TestDriver {
  private TestDriver() {}

  /** A domain definition the test driver accepts. */
  static String xml(String name, String uuid, int memoryKiB) {
    return "<domain type='test'><name>" + name + "</name><uuid>" + uuid + "</uuid><memory unit='KiB'>" + memoryKiB
        + "</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";
  }

  /**
   * Writes to {@code file} the kubeconfig a platform would write for the plain-http daemon on {@code port}
   * (no credentials) and returns {@code file}.
   */
  static Path kubeconfig(Path file, int port) throws IOException {
    return Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: virtrev
          cluster: {server: "http://127.0.0.1:%d"}
        users:
        - name: platform
          user: {}
        contexts:
        - name: virtrev
          context: {cluster: virtrev, user: platform}
        current-context: virtrev
        """.formatted(port));
  }
}
