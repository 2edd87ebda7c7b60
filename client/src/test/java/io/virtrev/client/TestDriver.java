package io.virtrev.client;

import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.virtrev.daemon.e2e.DaemonProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** What the client ITs against the packaged daemon on libvirt's test driver ({@code test:///default}) share. */
final class TestDriver {
  private TestDriver() {}

  /** The resourceVersions of one domain's create, update and delete. */
  record Lifecycle(String created, String updated, String deleted) {}

  /**
   * Through {@code domains}: creates {@code name} with 65536 KiB, gets it and updates it to 131072 KiB,
   * deletes it. The deletion's resourceVersion is the newest entry of the name's history on {@code daemon}.
   */
  static Lifecycle createUpdateDelete(MixedOperation<Domain, DomainList, Resource<Domain>> domains,
      DaemonProcess daemon, String name) {
    Domain created = domains.resource(Domain.fromXml(xml(name, UUID.randomUUID().toString(), 65536))).create();
    Domain edit = domains.withName(name).get();
    edit.getSpec().setXml(edit.getSpec().getXml().replace("65536", "131072"));
    Domain updated = domains.resource(edit).update();
    domains.withName(name).delete();
    String deleted = daemon.api.get("/apis/virtrev.io/v1/domains/" + name + "/history").json()
        .at("/items/0/object/metadata/resourceVersion").asText();
    return new Lifecycle(created.getMetadata().getResourceVersion(), updated.getMetadata().getResourceVersion(), deleted);
  }

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
