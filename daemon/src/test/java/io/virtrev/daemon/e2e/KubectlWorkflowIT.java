package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.virtrev.daemon.TestPki;
import io.virtrev.daemon.e2e.Kubectl.Background;
import io.virtrev.daemon.e2e.Kubectl.Run;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * An operator's kubectl workflow against the packaged daemon on the real libvirtd, through a kubeconfig
 * from {@code scripts/kubeconfig.sh} (TLS, bearer token). Every step is checked where it matters, in
 * libvirt ({@code virsh dumpxml}, {@code domstate}, {@code list --all}), not only by kubectl's exit code.
 * Domains are tiny QEMU guests named {@code k-e2e-<run>-<role>}, removed after each test.
 */
class KubectlWorkflowIT {
  private static final String TOKEN = "kubectl-workflow-it-" + UUID.randomUUID();
  private static final String NS = "https://virtrev.io/xmlns/domain/v1";
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final Pattern MEMORY = Pattern.compile("<memory unit='KiB'>([0-9]+)</memory>");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /** One daemon for the class (its start is most of a test's time); every test uses names of its own. */
  @TempDir static Path shared;
  private static DaemonProcess daemon;
  private static Path kubeconfig;

  @TempDir Path dir;
  private final String prefix = "k-e2e-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private Kubectl kubectl;

  @BeforeAll
  static void daemonAndKubeconfig() throws Exception {
    Kubectl.requireInstalled();
    Host.requireLibvirtd();
    TestPki pki = new TestPki(shared);
    kubeconfig = shared.resolve("virtrev.kubeconfig");
    daemon = Kubectl.startTls(Host.URI, shared, pki, TOKEN, kubeconfig);
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @BeforeEach
  void kubectlWithItsOwnScratch() {
    kubectl = new Kubectl(kubeconfig, dir);
  }

  @AfterEach
  void cleanUp() {
    if (Host.libvirtdAnswers()) {
      Host.cleanUp(prefix);
    }
  }

  // ---- what works on main

  @Test
  void apiResourcesAndGetShowTheDomainsAsVirshDoes() {
    String idle = define("idle", 32);
    String busy = define("busy", 40);
    Host.virsh("start", busy);
    awaitObject(busy, o -> assertThat(o.at("/status/state").asText()).isEqualTo("running"));

    Run resources = kubectl.run("api-resources").ok();
    assertThat(resources.out().lines().map(l -> l.split("\\s+")).toList()).as(resources::describe)
        .anySatisfy(c -> assertThat(c).containsExactly("domains", "dom", "virtrev.io/v1", "false", "Domain"));

    Run list = kubectl.run("get", "domains").ok();
    assertThat(list.out().lines().findFirst().orElseThrow().split("\\s+")).as(list::describe)
        .startsWith("NAME", "STATE", "VCPUS", "MEMORY", "PERSISTENT");
    for (String name : List.of(idle, busy)) {
      String[] row = row(list.out(), name);
      assertThat(row[1]).as(list::describe).isEqualTo(virshState(name));
      assertThat(row[2]).as(list::describe).isEqualTo(Host.virsh("vcpucount", name, "--maximum", "--config").strip());
      assertThat(row[3]).as(list::describe).isEqualTo(memoryKib(dumpxml(name)) / 1024 + "Mi");
      assertThat(row[4]).as(list::describe).isEqualTo("true");
    }
  }

  @Test
  void getAsYamlCarriesTheDefinitionVirshDumps() {
    String name = define("yaml", 32);
    Host.virsh("start", name);
    awaitObject(name, o -> assertThat(o.at("/status/state").asText()).isEqualTo("running"));

    Run get = kubectl.run("get", "dom", name, "-o", "yaml").ok();
    JsonNode yaml = get.yaml();
    // The served XML is libvirt's behind the edit-base marker of the object's generation (docs/api.md).
    assertThat(yaml.at("/spec/xml").asText().strip()).as(get::describe)
        .isEqualTo("<?virtrev-base generation=\"" + yaml.at("/metadata/generation").asLong() + "\"?>\n" + dumpxml(name));
    assertThat(yaml.at("/metadata/name").asText()).isEqualTo(name);
    assertThat(yaml.at("/metadata/uuid").asText()).isEqualTo(Host.virsh("domuuid", name).strip());
    assertThat(yaml.at("/status/state").asText()).isEqualTo(virshState(name));
  }

  /** Each virsh change appears in kubectl's watch before the next is made. */
  @Test
  void getWatchPrintsEveryChangeVirshMakes() {
    String name = prefix + "watched";
    try (Background watch = kubectl.background(Map.of(), "get", "domains", "-w", "--output-watch-events")) {
      Host.defineTiny(name, UUID.randomUUID().toString(), 32);
      awaitWatched(watch, name, "ADDED", "shutoff");
      Host.virsh("start", name);
      awaitWatched(watch, name, "MODIFIED", "running");
      Host.virsh("destroy", name);
      awaitWatched(watch, name, "MODIFIED", "shutoff");
      Host.virsh("undefine", name);
      awaitWatched(watch, name, "DELETED", "shutoff");
      assertThat(Host.virsh("list", "--all", "--name")).doesNotContain(name);
      // libvirt passes through more states than the steps (destroy: shutdown, then shutoff), and a step may
      // send two events with one state (start: resumed, then started): the steps, in order, first to last
      List<String> seen = watchedRows(watch.out(), name).stream().map(row -> row[0] + " " + row[2]).toList();
      assertThat(seen).as(watch::describe).startsWith("ADDED shutoff").endsWith("DELETED shutoff")
          .containsSubsequence("ADDED shutoff", "MODIFIED running", "MODIFIED shutoff", "DELETED shutoff")
          .filteredOn(step -> step.startsWith("ADDED") || step.startsWith("DELETED")).hasSize(2);
    }
  }

  @Test
  void describeShowsNameUuidAndState() {
    String name = define("described", 32);
    Host.virsh("start", name);
    awaitObject(name, o -> assertThat(o.at("/status/state").asText()).isEqualTo("running"));

    Run describe = kubectl.run("describe", "dom", name).ok();
    assertThat(describe.out()).as(describe::describe)
        .containsPattern("(?m)^Name:\\s+" + Pattern.quote(name) + "$")
        .containsPattern("(?m)^\\s+Uuid:\\s+" + Host.virsh("domuuid", name).strip() + "$")
        .containsPattern("(?m)^\\s+State:\\s+" + virshState(name) + "$")
        .contains("<memory unit='KiB'>32768</memory>");
  }

  @Test
  void deleteUndefinesTheDomainAndOnlyIt() {
    String gone = define("gone", 32);
    String kept = define("kept", 32);

    Run delete = kubectl.run("delete", "dom", gone).ok();
    assertThat(delete.out()).isEqualTo("domain.virtrev.io \"" + gone + "\" deleted\n");
    List<String> all = Host.virsh("list", "--all", "--name").lines().map(String::strip).toList();
    assertThat(all).doesNotContain(gone).contains(kept);
    assertThat(kubectl.run("get", "dom", gone).failed().err()).contains("domain \"" + gone + "\" not found");
  }

  @Test
  void historyThroughGetRawListsRevisionsNewestFirst() {
    String uuid = UUID.randomUUID().toString();
    String name = define("history", uuid, 32);
    Host.virsh("define", Host.writeTemp(name, DomainXml.tiny(name, uuid, 48)).toString()); // a Defined Updated event
    awaitObject(name, o -> assertThat(memoryKib(o.at("/spec/xml").asText())).isEqualTo(48 * 1024));
    assertThat(memoryKib(dumpxml(name))).isEqualTo(48 * 1024);

    Run raw = kubectl.run("get", "--raw", "/apis/virtrev.io/v1/domains/" + name + "/history").ok();
    JsonNode items = raw.json().get("items");
    assertThat(items).as(raw::describe).hasSize(2);
    assertThat(items.get(0).get("type").asText()).isEqualTo("MODIFIED");
    assertThat(items.get(1).get("type").asText()).isEqualTo("ADDED");
    assertThat(memoryKib(items.get(0).at("/object/spec/xml").asText())).isEqualTo(48 * 1024);
    assertThat(memoryKib(items.get(1).at("/object/spec/xml").asText())).isEqualTo(32 * 1024);
    long newest = rv(items.get(0).get("object"));
    assertThat(newest).isGreaterThan(rv(items.get(1).get("object")));
    assertThat(newest).as("the newest is the current object").isEqualTo(rv(object(name)));
  }

  @Test
  void createFromAFileDefinesTheDomainInLibvirt() throws Exception {
    String name = prefix + "created";
    String uuid = UUID.randomUUID().toString();
    Path file = manifest(name, DomainXml.tiny(name, uuid, 36));

    // OpenAPI is not served yet: kubectl's client-side validation has nothing to read
    Run create = kubectl.run("create", "-f", file.toString(), "--validate=false").ok();
    assertThat(create.out()).isEqualTo("domain.virtrev.io/" + name + " created\n");
    assertThat(Host.virsh("domuuid", name).strip()).isEqualTo(uuid);
    assertThat(memoryKib(dumpxml(name))).isEqualTo(36 * 1024);
    assertThat(virshState(name)).isEqualTo("shutoff");
  }

  /** replace is a PUT conditional on the file's resourceVersion: a stale file changes nothing. */
  @Test
  void replaceUpdatesTheDefinitionAndRefusesAStaleFile() throws Exception {
    String name = define("replaced", 32);
    JsonNode read = kubectl.run("get", "dom", name, "-o", "json").ok().json();
    ((ObjectNode) read.get("spec")).put("xml", withMemory(read.at("/spec/xml").asText(), 40960));
    Path file = Files.writeString(dir.resolve("replaced.json"), JSON.writeValueAsString(read));

    // OpenAPI is not served yet: kubectl's client-side validation has nothing to read
    Run replace = kubectl.run("replace", "-f", file.toString(), "--validate=false").ok();
    assertThat(replace.out()).isEqualTo("domain.virtrev.io/" + name + " replaced\n");
    assertThat(memoryKib(dumpxml(name))).isEqualTo(40960);

    ((ObjectNode) read.get("spec")).put("xml", withMemory(read.at("/spec/xml").asText(), 49152));
    Files.writeString(file, JSON.writeValueAsString(read)); // still the first resourceVersion
    Run stale = kubectl.run("replace", "-f", file.toString(), "--validate=false").failed();
    assertThat(stale.err()).as(stale::describe).contains("Error from server (Conflict)");
    assertThat(memoryKib(dumpxml(name))).isEqualTo(40960);
  }

  /** Lifecycle actions have no kubectl verb: {@code create --raw} POSTs to one (docs/clients.md says so). */
  @Test
  void anActionThroughCreateRawStartsTheDomain() {
    String name = define("started", 32);

    Run start = kubectl.run("create", "--raw", "/apis/virtrev.io/v1/domains/" + name + "/start", "-f", "/dev/null").ok();
    assertThat(start.json().at("/metadata/name").asText()).as(start::describe).isEqualTo(name);
    assertThat(virshState(name)).isEqualTo("running");
  }

  // ---- edit, apply, diff, patch, label, annotate, selectors, explain, server-side dry runs

  /** OpenAPI (helper "openapi"): explain reads spec.xml's description from /openapi/v3. */
  @Test
  void explainDescribesSpecXml() {
    Run explain = kubectl.run("explain", "domain.spec").ok();
    assertThat(explain.out()).as(explain::describe)
        .containsPattern("(?m)^GROUP:\\s+virtrev\\.io$")
        .containsPattern("(?m)^KIND:\\s+Domain$")
        .containsPattern("(?m)^VERSION:\\s+v1$")
        .containsPattern("(?m)^\\s+xml\\s+<string>.*\\n\\s+\\S"); // the field, then its description
  }

  /** PATCH (helper "patch"): kubectl edit's change lands as one revision. */
  @Test
  void editChangesTheMemoryInOneRevision() throws Exception {
    String name = define("edited", 32);
    int revisions = history(name).size();
    Path editor = script("raise-memory.sh", "#!/bin/sh\nset -e\n" + raiseMemory(32768, 49152) + "\n");

    Run edit = kubectl.run(Map.of("KUBE_EDITOR", editor.toString()), "edit", "dom", name).ok();
    assertThat(edit.out()).isEqualTo("domain.virtrev.io/" + name + " edited\n");
    assertThat(memoryKib(dumpxml(name))).isEqualTo(49152);
    awaitLibvirtEventsSeen();
    assertThat(history(name)).as("one revision for the edit, none for libvirt's event about it")
        .hasSize(revisions + 1);
    assertThat(memoryKib(object(name).at("/spec/xml").asText())).isEqualTo(49152);
  }

  /**
   * PATCH (helper "patch"): virsh changes the domain while kubectl's editor is open; kubectl's patch
   * must not overwrite it. The editor waits (bounded) until the test has seen the daemon record the
   * virsh change, so the object kubectl read is older than the current one.
   */
  @Test
  void editReportsAConflictWithAVirshChangeAndLibvirtKeepsIt() throws Exception {
    String name = define("raced", 32);
    Path opened = dir.resolve("editor-opened");
    Path proceed = dir.resolve("editor-proceed");
    Path editor = script("raise-memory-later.sh", "#!/bin/sh\nset -e\ntouch " + opened + "\ni=0\n"
        + "until [ -e " + proceed + " ]; do i=$((i+1)); [ $i -le 600 ] || exit 3; sleep 0.1; done\n"
        + raiseMemory(32768, 49152) + "\n");
    String note = "set by virsh while kubectl edit was open";

    try (Background edit = kubectl.background(Map.of("KUBE_EDITOR", editor.toString()), "edit", "dom", name)) {
      await().atMost(BOUND).pollInterval(Duration.ofMillis(50))
          .untilAsserted(() -> assertThat(Files.exists(opened)).as(edit::describe).isTrue());
      Host.virsh("desc", name, "--config", "--new-desc", note);
      awaitObject(name, o -> assertThat(o.at("/spec/xml").asText()).contains(note));
      Files.createFile(proceed);
      Run run = edit.finish().failed();
      // kubectl edit prints a failed patch's Status message after "could not be patched: " (a 409's: the
      // apiserver's wording "Operation cannot be fulfilled ..."; an invalid edit would say "is invalid")
      assertThat(run.err()).as(run::describe)
          .containsPattern("could not be patched: .*(Operation cannot be fulfilled|[Cc]onflict)");
    }
    String xml = dumpxml(name);
    assertThat(xml).contains("<description>" + note + "</description>");
    assertThat(memoryKib(xml)).as("kubectl's stale copy was not applied").isEqualTo(32768);
  }

  /** PATCH, annotations and OpenAPI: apply creates, a second apply of a changed file updates. */
  @Test
  void applyCreatesThenUpdates() throws Exception {
    String name = prefix + "applied";
    String uuid = UUID.randomUUID().toString();

    Run create = kubectl.run("apply", "-f", manifest(name, DomainXml.tiny(name, uuid, 32)).toString()).ok();
    assertThat(create.out()).isEqualTo("domain.virtrev.io/" + name + " created\n");
    assertThat(Host.virsh("domuuid", name).strip()).isEqualTo(uuid);
    assertThat(memoryKib(dumpxml(name))).isEqualTo(32768);

    Run update = kubectl.run("apply", "-f", manifest(name, DomainXml.tiny(name, uuid, 48)).toString()).ok();
    assertThat(update.out()).isEqualTo("domain.virtrev.io/" + name + " configured\n");
    assertThat(memoryKib(dumpxml(name))).isEqualTo(48 * 1024);
    assertThat(Host.virsh("domuuid", name).strip()).isEqualTo(uuid);
  }

  /**
   * kubectl's last-applied-configuration annotation is built from the object applied or edited: applying
   * a file saved by {@code kubectl get -o json}, or {@code kubectl edit --save-config}, must not put the
   * old annotation into the new one (the served spec.xml carries no labels or annotations), so it does
   * not grow from step to step.
   */
  @Test
  void lastAppliedDoesNotGrowAcrossTwoAppliesAndAnEdit() throws Exception {
    String name = prefix + "lastapplied";
    String uuid = UUID.randomUUID().toString();
    String key = "kubectl.kubernetes.io/last-applied-configuration";
    kubectl.run("apply", "-f", manifest(name, DomainXml.tiny(name, uuid, 32)).toString()).ok();
    assertThat(object(name).at("/metadata/annotations").path(key).asText()).isNotEmpty();

    ObjectNode saved = (ObjectNode) kubectl.run("get", "dom", name, "-o", "json").ok().json();
    ((ObjectNode) saved.get("spec")).put("xml", withMemory(saved.at("/spec/xml").asText(), 49152));
    Path file = Files.writeString(dir.resolve("saved.json"), JSON.writeValueAsString(saved));
    assertThat(kubectl.run("apply", "-f", file.toString()).ok().out()).isEqualTo("domain.virtrev.io/" + name + " configured\n");
    assertThat(memoryKib(dumpxml(name))).isEqualTo(49152);
    String second = object(name).at("/metadata/annotations").path(key).asText();
    assertThat(second).as("built from the saved object").contains("49152").doesNotContain(key).doesNotContain(NS);

    Path editor = script("raise-memory.sh", "#!/bin/sh\nset -e\n" + raiseMemory(49152, 65536) + "\n");
    Run edit = kubectl.run(Map.of("KUBE_EDITOR", editor.toString()), "edit", "--save-config", "dom", name).ok();
    assertThat(edit.out()).isEqualTo("domain.virtrev.io/" + name + " edited\n");
    assertThat(memoryKib(dumpxml(name))).isEqualTo(65536);
    JsonNode edited = object(name);
    String third = edited.at("/metadata/annotations").path(key).asText();
    assertThat(third).as("kubectl edit rewrote it").contains("65536").doesNotContain(key).doesNotContain(NS);
    assertThat(third.length()).as("not nested: about as long as the last one").isLessThan(second.length() * 3 / 2);
    assertThat(edited.at("/spec/xml").asText()).doesNotContain(NS);
    assertThat(virtrevMetadata(dumpxml(name))).as("stored once, in libvirt's metadata").contains("last-applied");
  }

  /** dryRun (helper "strict") behind PATCH: diff shows the change and makes none. */
  @Test
  void diffShowsTheMemoryChangeAndChangesNothing() throws Exception {
    String name = define("diffed", 32);
    String before = dumpxml(name);
    long rv = rv(object(name));

    Run diff = kubectl.run("diff", "-f", manifest(name, withMemory(before, 49152)).toString());
    assertThat(diff.exit()).as(diff::describe).isEqualTo(1); // 1: differences found
    assertThat(diff.out()).as(diff::describe)
        .containsPattern("(?m)^-\\s+<memory unit='KiB'>32768</memory>$")
        .containsPattern("(?m)^\\+\\s+<memory unit='KiB'>49152</memory>$");
    assertThat(dumpxml(name)).isEqualTo(before);
    assertThat(rv(object(name))).isEqualTo(rv);
  }

  @Test
  void patchMergeAndJsonReplaceTheXml() throws Exception {
    String name = define("patched", 32);

    String merge = JSON.writeValueAsString(Map.of("spec", Map.of("xml", withMemory(dumpxml(name), 40960))));
    Run mergePatch = kubectl.run("patch", "dom", name, "--type", "merge", "-p", merge).ok();
    assertThat(mergePatch.out()).isEqualTo("domain.virtrev.io/" + name + " patched\n");
    assertThat(memoryKib(dumpxml(name))).isEqualTo(40960);

    String json = JSON.writeValueAsString(List.of(
        Map.of("op", "replace", "path", "/spec/xml", "value", withMemory(dumpxml(name), 45056))));
    Run jsonPatch = kubectl.run("patch", "dom", name, "--type", "json", "-p", json).ok();
    assertThat(jsonPatch.out()).isEqualTo("domain.virtrev.io/" + name + " patched\n");
    assertThat(memoryKib(dumpxml(name))).isEqualTo(45056);
  }

  /** Labels and annotations (helper "meta") live in the domain's libvirt metadata; -l selects by them. */
  @Test
  void labelAndAnnotateLandInLibvirtMetadataAndSelect() throws Exception {
    String web = define("web", 32);
    String db = define("db", 32);
    String run = prefix.substring(0, prefix.length() - 1); // a label value no other test uses

    assertThat(kubectl.run("label", "dom", web, "tier=web", "run=" + run).ok().out())
        .isEqualTo("domain.virtrev.io/" + web + " labeled\n");
    assertThat(kubectl.run("label", "dom", db, "tier=db", "run=" + run).ok().out())
        .isEqualTo("domain.virtrev.io/" + db + " labeled\n");
    assertThat(kubectl.run("annotate", "dom", web, "note=hi").ok().out())
        .isEqualTo("domain.virtrev.io/" + web + " annotated\n");

    String stored = virtrevMetadata(dumpxml(web));
    assertThat(stored).contains("tier").contains("web").contains("note").contains("hi");
    assertThat(virtrevMetadata(dumpxml(db))).contains("tier").contains("db").doesNotContain("note");

    assertThat(kubectl.run("get", "domains", "-l", "tier=web,run=" + run, "-o", "name").ok().out())
        .isEqualTo("domain.virtrev.io/" + web + "\n");
    assertThat(kubectl.run("get", "domains", "-l", "run=" + run, "-o", "name").ok().out().lines().sorted().toList())
        .containsExactly("domain.virtrev.io/" + db, "domain.virtrev.io/" + web);
  }

  /** dryRun (helper "strict"): a server-side dry run of delete leaves the domain in libvirt. */
  @Test
  void serverDryRunDeleteKeepsTheDomain() {
    String name = define("dry", 32);
    String before = dumpxml(name);
    long rv = rv(object(name));

    Run dry = kubectl.run("delete", "dom", name, "--dry-run=server").ok();
    assertThat(dry.out()).isEqualTo("domain.virtrev.io \"" + name + "\" deleted (server dry run)\n");
    assertThat(Host.virsh("list", "--all", "--name").lines().map(String::strip)).contains(name);
    assertThat(dumpxml(name)).isEqualTo(before);
    assertThat(rv(object(name))).isEqualTo(rv);
  }

  // ---- helpers

  /** Defines the tiny domain {@code prefix + role} with virsh and waits until the daemon has it. */
  private String define(String role, int memoryMiB) {
    return define(role, UUID.randomUUID().toString(), memoryMiB);
  }

  private String define(String role, String uuid, int memoryMiB) {
    String name = Host.defineTiny(prefix + role, uuid, memoryMiB);
    awaitObject(name, o -> assertThat(o.at("/metadata/uuid").asText()).isEqualTo(uuid));
    return name;
  }

  private void awaitObject(String name, java.util.function.Consumer<JsonNode> check) {
    await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      ApiClient.Response r = get("/apis/virtrev.io/v1/domains/" + name);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      check.accept(r.json());
    });
  }

  /**
   * Returns once the daemon has handled every libvirt event sent before this call: it defines a marker
   * domain and waits for it (the reconciler's one thread reads domains with pending events in the order
   * their events arrived), then undefines it.
   */
  private void awaitLibvirtEventsSeen() {
    String marker = define("marker-" + UUID.randomUUID().toString().substring(0, 4), 32);
    Host.virsh("undefine", marker);
  }

  private JsonNode object(String name) {
    ApiClient.Response r = get("/apis/virtrev.io/v1/domains/" + name);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private JsonNode history(String name) {
    ApiClient.Response r = get("/apis/virtrev.io/v1/domains/" + name + "/history");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("items");
  }

  private ApiClient.Response get(String path) {
    return daemon.api.get(path, "Authorization", "Bearer " + TOKEN);
  }

  private static long rv(JsonNode object) {
    return Long.parseLong(object.at("/metadata/resourceVersion").asText());
  }

  /** The domain's persistent definition as virsh dumps it (without virsh's trailing blank line). */
  private static String dumpxml(String name) {
    return Host.virsh("dumpxml", "--inactive", name).strip();
  }

  /** virsh's state in the API's spelling ("shut off" is "shutoff"). */
  private static String virshState(String name) {
    return Host.virsh("domstate", name).strip().replace(" ", "");
  }

  private static int memoryKib(String xml) {
    Matcher m = MEMORY.matcher(xml);
    assertThat(m.find()).as("no <memory unit='KiB'> in " + xml).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String withMemory(String xml, int kib) {
    String changed = MEMORY.matcher(xml).replaceFirst("<memory unit='KiB'>" + kib + "</memory>");
    assertThat(changed).isNotEqualTo(xml);
    return changed;
  }

  /** A sed command for an editor script: the file kubectl hands it gets a larger {@code <memory>}. */
  private static String raiseMemory(int fromKib, int toKib) {
    return "sed -i \"s|<memory unit='KiB'>" + fromKib + "</memory>|<memory unit='KiB'>" + toKib + "</memory>|\" \"$1\"\n"
        + "grep -q \"<memory unit='KiB'>" + toKib + "</memory>\" \"$1\"";
  }

  /** Every element in the project's namespace inside the domain's {@code <metadata>}, serialized. */
  private static String virtrevMetadata(String domainXml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Element domain = f.newDocumentBuilder().parse(new InputSource(new StringReader(domainXml))).getDocumentElement();
    StringWriter out = new StringWriter();
    var transformer = TransformerFactory.newInstance().newTransformer();
    transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
    for (Node n = domain.getFirstChild(); n != null; n = n.getNextSibling()) {
      if ("metadata".equals(n.getLocalName())) {
        for (Node m = n.getFirstChild(); m != null; m = m.getNextSibling()) {
          if (NS.equals(m.getNamespaceURI())) {
            transformer.transform(new DOMSource(m), new StreamResult(out));
          }
        }
      }
    }
    assertThat(out.toString()).as("no <metadata> child in " + NS + ":\n" + domainXml).isNotEmpty();
    return out.toString();
  }

  /** A Domain manifest for kubectl's -f. */
  private Path manifest(String name, String xml) throws Exception {
    ObjectNode m = YAML.createObjectNode().put("apiVersion", "virtrev.io/v1").put("kind", "Domain");
    m.putObject("metadata").put("name", name);
    m.putObject("spec").put("xml", xml);
    return Files.writeString(Files.createTempFile(dir, name, ".yaml"), YAML.writeValueAsString(m));
  }

  private Path script(String fileName, String text) throws Exception {
    Path file = Files.writeString(dir.resolve(fileName), text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  /** The row of {@code name} in kubectl's table output (columns split on blanks). */
  private static String[] row(String table, String name) {
    return table.lines().map(l -> l.split("\\s+")).filter(c -> c[0].equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + name + " in:\n" + table));
  }

  /** {@code get -w --output-watch-events}'s rows of {@code name}: EVENT, NAME, STATE, .... */
  private static List<String[]> watchedRows(String out, String name) {
    return out.lines().map(l -> l.split("\\s+")).filter(c -> c.length > 2 && c[1].equals(name)).toList();
  }

  private static void awaitWatched(Background watch, String name, String event, String state) {
    await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      List<String[]> rows = watchedRows(watch.out(), name);
      assertThat(rows).as(watch::describe).isNotEmpty();
      assertThat(Arrays.copyOf(rows.get(rows.size() - 1), 3)).as(watch::describe).containsExactly(event, name, state);
    });
  }
}
