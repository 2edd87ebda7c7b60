package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.Json;
import io.virtrev.daemon.e2e.Kubectl.Run;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl edit and kubectl patch, unmodified, against the packaged daemon and the real libvirtd; every
 * result is checked in libvirt ({@code virsh dumpxml}), not just by kubectl's exit code.
 *
 * <p>kubectl edit of a custom resource sends a merge patch of only the changed fields, the whole edited
 * {@code spec.xml}, without a resourceVersion; the edit-base marker in that XML is what makes a change
 * virsh made while the editor was open a conflict. The editor is a script ({@code KUBE_EDITOR}); for the
 * conflict it runs virsh itself before it saves, which is exactly "a concurrent change in between".
 *
 * <p>{@code --validate=false}: kubectl's client-side validation needs the OpenAPI document, which this
 * branch does not serve yet.
 */
class KubectlPatchIT {
  private static final String PREFIX = "k-patch-kc-";

  @TempDir Path dir;
  private Path kubeconfig;

  @BeforeEach
  void tools() {
    Host.requireLibvirtd();
    Kubectl.requireInstalled();
  }

  @AfterEach
  void cleanUp() {
    if (Host.libvirtdAnswers()) {
      Host.cleanUp(PREFIX);
    }
  }

  @Test
  void kubectlEditLandsAsOneRevisionAndAConcurrentVirshChangeIsAConflictLibvirtKeeps() throws Exception {
    String name = PREFIX + "edit-" + UUID.randomUUID().toString().substring(0, 8);
    Host.defineTiny(name, UUID.randomUUID().toString(), 32);
    try (DaemonProcess d = start()) {
      long rv = rv(d, name);

      Path editor = script("edit.sh", "sed -i 's/>32768</>40960</g' \"$1\"\n");
      Run edit = kubectl(Map.of("KUBE_EDITOR", "sh " + editor), "edit", "domain", name, "--validate=false").ok();
      assertThat(edit.out()).contains("domain.virtrev.io/" + name + " edited");
      assertThat(Host.virsh("dumpxml", name, "--inactive")).contains("<memory unit='KiB'>40960</memory>")
          .contains("<currentMemory unit='KiB'>40960</currentMemory>").doesNotContain("virtrev-base");
      JsonNode after = get(d, name);
      // The counter is store-wide (networks and pools on the host may take revisions meanwhile): one revision
      // of this domain is its history growing by exactly one, at a resourceVersion after the one read before.
      assertThat(after.at("/metadata/resourceVersion").asLong()).isGreaterThan(rv);
      assertThat(after.at("/metadata/generation").asLong()).isEqualTo(2);
      JsonNode history = Json.mapper().readTree(d.api.get("/apis/virtrev.io/v1/domains/" + name + "/history").body());
      assertThat(history.get("items")).as("one revision").hasSize(2);

      // The editor changes the memory again, but virsh changes the domain before the editor saves.
      Path racing = script("race.sh", "virsh -c qemu:///system setmem " + name + " 24M --config >/dev/null\n"
          + "sed -i 's/>40960</>45056</g' \"$1\"\n");
      Run conflict = kubectl(Map.of("KUBE_EDITOR", "sh " + racing), "edit", "domain", name, "--validate=false")
          .failed();
      assertThat(conflict.err()).contains("could not be patched")
          .contains("its XML changed since generation 2 was read (now generation 3");
      String xml = Host.virsh("dumpxml", name, "--inactive");
      assertThat(xml).as("libvirt keeps the virsh change").contains("<currentMemory unit='KiB'>24576</currentMemory>")
          .contains("<memory unit='KiB'>40960</memory>").doesNotContain("45056");
      assertThat(get(d, name).at("/metadata/generation").asLong()).isEqualTo(3);
    }
  }

  @Test
  void kubectlPatchMergeAndJsonLandInLibvirt() throws Exception {
    String name = PREFIX + "patch-" + UUID.randomUUID().toString().substring(0, 8);
    Host.defineTiny(name, UUID.randomUUID().toString(), 32);
    try (DaemonProcess d = start()) {
      String xml = get(d, name).at("/spec/xml").asText();
      ObjectNode merge = JsonNodeFactory.instance.objectNode();
      merge.putObject("spec").put("xml", xml.replace(">32768<", ">36864<"));
      kubectl(Map.of(), "patch", "domain", name, "--type", "merge", "-p", merge.toString()).ok();
      assertThat(Host.virsh("dumpxml", name, "--inactive")).contains("<memory unit='KiB'>36864</memory>");

      String current = get(d, name).at("/spec/xml").asText();
      String ops = "[{\"op\":\"replace\",\"path\":\"/spec/xml\",\"value\":"
          + Json.mapper().writeValueAsString(current.replace(">36864<", ">38912<")) + "}]";
      kubectl(Map.of(), "patch", "domain", name, "--type", "json", "-p", ops).ok();
      assertThat(Host.virsh("dumpxml", name, "--inactive")).contains("<memory unit='KiB'>38912</memory>");

      // kubectl's default (a strategic merge patch) gets the apiserver's answer for a custom resource.
      Run strategic = kubectl(Map.of(), "patch", "domain", name, "-p", merge.toString()).failed();
      assertThat(strategic.err()).contains("the body of the request was in an unknown format");
      assertThat(Host.virsh("dumpxml", name, "--inactive")).contains("<memory unit='KiB'>38912</memory>");
    }
  }

  private DaemonProcess start() throws IOException {
    DaemonProcess d = DaemonProcess.startOn("qemu:///system", dir.resolve("data-" + UUID.randomUUID()));
    try {
      kubeconfig = Kubectl.writeConfig(d.port, dir.resolve("virtrev.kubeconfig"));
      return d;
    } catch (RuntimeException | AssertionError | IOException e) {
      d.close();
      throw e;
    }
  }

  private static JsonNode get(DaemonProcess d, String name) {
    ApiClient.Response r = d.api.get("/apis/virtrev.io/v1/domains/" + name);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static long rv(DaemonProcess d, String name) {
    return get(d, name).at("/metadata/resourceVersion").asLong();
  }

  private Path script(String file, String body) throws IOException {
    Path p = dir.resolve(file);
    Files.writeString(p, "set -e\n" + body);
    return p;
  }

  /** Runs kubectl with only the kubeconfig, a fresh HOME (no cache) and {@code env}. */
  private Run kubectl(Map<String, String> env, String... args) {
    return new Kubectl(kubeconfig, dir).run(env, args);
  }
}
