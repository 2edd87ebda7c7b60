package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.EditBase;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * PATCH and the edit-base marker, part of the mutation contract (run on the fake and on the real
 * libvirtd like the rest of it). Every refused patch leaves the store and the hypervisor as they were.
 */
abstract class PatchContract extends MutationContract {
  static final String MERGE = "application/merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";
  private static final String GROUP = "/apis/virtrev.io/v1/domains/";

  /** The served spec.xml with its memory set to {@code toMiB} (it holds {@code fromMiB}). */
  static String withMemory(String xml, int fromMiB, int toMiB) {
    return xml.replace(">" + fromMiB * 1024 + "<", ">" + toMiB * 1024 + "<");
  }

  static String mergeOfXml(String xml) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.putObject("spec").put("xml", xml);
    return p.toString();
  }

  static String marker(long generation) {
    return "<?virtrev-base generation=\"" + generation + "\"?>\n";
  }

  // ---- merge patch and JSON Patch ----

  /** PATCH passes dryRun through to the update step: every check, nothing changed, the real answer. */
  @Test
  void aDryRunPatchAnswersThePatchedObjectAndFailsAsTheRealOne() throws Exception {
    String n = name("dry-patch");
    defineBehindTheBack(n, 32);
    JsonNode cur = api().get(GROUP + n).json();
    String patch = mergeOfXml(withMemory(cur.at("/spec/xml").asText(), 32, 40));
    ApiClient.Response r = dry(n, () -> api().send("PATCH", GROUP + n + "?dryRun=All&fieldManager=kubectl-edit",
        MERGE, patch));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/metadata/resourceVersion")).isEqualTo(cur.at("/metadata/resourceVersion"));
    assertThat(r.json().at("/spec/xml").asText()).contains(">40960<");
    String stale = "{\"metadata\":{\"resourceVersion\":\"1\"}," + patch.substring(1);
    sameFailure(dry(n, () -> api().send("PATCH", GROUP + n + "?dryRun=All", MERGE, stale)),
        api().send("PATCH", GROUP + n, MERGE, stale), 409, "Conflict", true);
    ApiClient.Response real = api().send("PATCH", GROUP + n, MERGE, patch);
    assertThat(real.status()).as(real.body()).isEqualTo(200);
    assertStatus(api().send("PATCH", GROUP + n + "?force=true&bogus=1", MERGE, patch), 400, "BadRequest",
        "\"bogus\" for PATCH /apis/virtrev.io/v1/domains/{name}");
  }

  /** What kubectl edit sends: only spec.xml, the whole edited XML. One revision, libvirt has it. */
  @Test
  void aMergePatchOfSpecXmlLandsAsOneRevision() {
    String n = name("merge");
    defineBehindTheBack(n, 32);
    JsonNode cur = api().get(GROUP + n).json();
    long before = revision();
    ApiClient.Response r = api().send("PATCH", GROUP + n + "?fieldManager=kubectl-edit", MERGE,
        mergeOfXml(withMemory(cur.at("/spec/xml").asText(), 32, 40)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    long rv = r.json().at("/metadata/resourceVersion").asLong();
    assertThat(rv).isEqualTo(before + 1);
    assertThat(r.header("etag")).isEqualTo("\"" + rv + "\"");
    assertThat(r.json().at("/metadata/generation").asLong()).isEqualTo(2);
    assertThat(r.json().at("/spec/xml").asText()).isEqualTo(marker(2) + hypervisorXml(n));
    assertThat(hypervisorXml(n)).contains(">40960<").doesNotContain("virtrev-base");
    assertNoFurtherRevisionAfter(n, rv);
  }

  @Test
  void aJsonPatchWithATestOperationReplacesSpecXml() {
    String n = name("jsonpatch");
    defineBehindTheBack(n, 32);
    JsonNode cur = api().get(GROUP + n).json();
    String ops = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":"
        + cur.at("/metadata/resourceVersion") + "},{\"op\":\"replace\",\"path\":\"/spec/xml\",\"value\":"
        + Json.mapper().valueToTree(withMemory(cur.at("/spec/xml").asText(), 32, 44)) + "}]";
    long before = revision();
    ApiClient.Response r = api().send("PATCH", GROUP + n, JSON_PATCH, ops);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/metadata/resourceVersion").asLong()).isEqualTo(before + 1);
    assertThat(hypervisorXml(n)).contains(">45056<");
  }

  /** apiserver: a JSON Patch that cannot be applied (here a failed test) is 422 Invalid. */
  @Test
  void aFailedJsonPatchTestIs422AndChangesNothing() {
    String n = name("jptest");
    defineBehindTheBack(n, 32);
    String xml = hypervisorXml(n);
    long rev = revision();
    ApiClient.Response r = api().send("PATCH", GROUP + n, JSON_PATCH,
        "[{\"op\":\"test\",\"path\":\"/spec/persistent\",\"value\":false},"
            + "{\"op\":\"replace\",\"path\":\"/spec/xml\",\"value\":\"<domain/>\"}]");
    assertStatus(r, 422, "Invalid", "the JSON Patch cannot be applied: ");
    assertThat(r.json().get("message").asText()).contains("'test'").contains("/spec/persistent");
    assertStatus(api().send("PATCH", GROUP + n, JSON_PATCH, "[{\"op\":\"remove\",\"path\":\"/spec/nothing\"}]"),
        422, "Invalid", "nothing");
    assertUnchanged(n, xml, rev);
  }

  @Test
  void aPatchCarryingAStaleResourceVersionIs409AndIfMatchIs412() throws Exception {
    String n = name("pcas");
    defineBehindTheBack(n, 32);
    JsonNode read = api().get(GROUP + n).json();
    String oldRv = read.at("/metadata/resourceVersion").asText();
    ApiClient.Response first = api().send("PATCH", GROUP + n, MERGE,
        mergeOfXml(withMemory(read.at("/spec/xml").asText(), 32, 36)));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String xml = hypervisorXml(n);
    long rev = revision();

    // A spec.xml without a marker, made conditional by the resourceVersion the patch carries.
    ObjectNode p = (ObjectNode) Json.mapper().readTree(mergeOfXml(EditBase.strip(withMemory(xml, 36, 38))));
    p.putObject("metadata").put("resourceVersion", oldRv);
    ApiClient.Response conflict = api().send("PATCH", GROUP + n, MERGE, p.toString());
    assertStatus(conflict, 409, "Conflict", "resourceVersion " + oldRv + " expected, current is " + rev);
    assertThat(conflict.json().at("/details/currentResourceVersion").asLong()).isEqualTo(rev);
    assertThat(conflict.header("etag")).isEqualTo("\"" + rev + "\"");
    ApiClient.Response stale = api().send("PATCH", GROUP + n, MERGE, mergeOfXml(withMemory(xml, 36, 38)),
        "If-Match", "\"" + oldRv + "\"");
    assertStatus(stale, 412, "PreconditionFailed", "the object has been modified");
    assertUnchanged(n, xml, rev);

    ApiClient.Response ok = api().send("PATCH", GROUP + n, MERGE, mergeOfXml(withMemory(xml, 36, 38)),
        "If-Match", "\"" + rev + "\"");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(hypervisorXml(n)).contains(">38912<");
  }

  @Test
  void aMalformedPatchIs400AndChangesNothing() {
    String n = name("pbad");
    defineBehindTheBack(n, 32);
    String xml = hypervisorXml(n);
    long rev = revision();
    String url = GROUP + n;
    assertStatus(api().send("PATCH", url, MERGE, "{\"spec\":"), 400, "BadRequest", "malformed patch");
    assertStatus(api().send("PATCH", url, MERGE, "[]"), 400, "BadRequest", "must be a JSON object, not an array");
    assertStatus(api().send("PATCH", url, MERGE, ""), 400, "BadRequest", "a PATCH needs a body");
    assertStatus(api().send("PATCH", url, JSON_PATCH, "{\"op\":\"add\"}"), 400, "BadRequest",
        "a JSON array of operations, not an object");
    assertStatus(api().send("PATCH", url, JSON_PATCH, "[{\"op\":\"add\",\"value\":1}]"), 400, "BadRequest",
        "operation 0 must be an object with the strings \"op\" and \"path\"");
    assertStatus(api().send("PATCH", url, JSON_PATCH, "[{\"op\":\"frobnicate\",\"path\":\"/spec\"}]"), 400,
        "BadRequest", "operation 0 has an unknown op \"frobnicate\"");
    assertStatus(api().send("PATCH", url, MERGE, "{\"spec\":{\"xml\":\"<domain type='qemu'><name>\"}}"), 400,
        "BadRequest", "malformed XML");
    assertStatus(api().send("PATCH", url, MERGE, "{\"spec\":{\"xml\":42}}"), 400, "BadRequest", "no spec.xml");
    assertStatus(api().send("PATCH", GROUP + "no-such-domain", MERGE, "{}"), 404, "NotFound", "not found");
    assertUnchanged(n, xml, rev);
  }

  /** The apiserver's answer for a custom resource; kubectl edit, label and annotate then send merge patches. */
  @Test
  void strategicMergePatchAndServerSideApplyAre415() {
    String n = name("p415");
    defineBehindTheBack(n, 32);
    String xml = hypervisorXml(n);
    long rev = revision();
    for (String type : new String[] {"application/strategic-merge-patch+json", "application/apply-patch+yaml",
        "application/json", "application/xml"}) {
      ApiClient.Response r = api().send("PATCH", GROUP + n, type, "{\"metadata\":{\"resourceVersion\":\"1\"}}");
      assertStatus(r, 415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted"
          + " media types include: application/json-patch+json, application/merge-patch+json");
      assertThat(r.json().get("message").asText()).doesNotContain("apply-patch");
    }
    assertUnchanged(n, xml, rev);
  }

  /** A patch that changes nothing (also one that only rewrites status) answers the current object. */
  @Test
  void aPatchThatChangesNothingMakesNoRevision() {
    String n = name("pnoop");
    defineBehindTheBack(n, 32);
    JsonNode cur = api().get(GROUP + n).json();
    String xml = hypervisorXml(n);
    long rev = revision();
    for (String[] p : new String[][] {{MERGE, "{}"}, {MERGE, "{\"spec\":{\"persistent\":true}}"},
        {MERGE, mergeOfXml(cur.at("/spec/xml").asText())}, {JSON_PATCH, "[]"},
        {MERGE, "{\"status\":{\"state\":\"running\"}}"}}) {
      ApiClient.Response r = api().send("PATCH", GROUP + n, p[0], p[1]);
      assertThat(r.status()).as(p[1] + ": " + r.body()).isEqualTo(200);
      assertThat(r.json().at("/metadata/resourceVersion").asLong()).isEqualTo(rev);
      assertThat(r.json().at("/status/state").asText()).isEqualTo(cur.at("/status/state").asText());
    }
    assertUnchanged(n, xml, rev);
  }

  @Test
  void aPatchOfAnImmutableFieldIsRefusedNamingIt() {
    String n = name("pimm");
    defineBehindTheBack(n, 32);
    String xml = hypervisorXml(n);
    long rev = revision();
    for (String[] p : new String[][] {{"{\"apiVersion\":\"virtrev.io/v2\"}", "apiVersion"},
        {"{\"kind\":\"Machine\"}", "kind"}, {"{\"metadata\":{\"uuid\":\"" + UUID.randomUUID() + "\"}}", "metadata.uuid"},
        {"{\"spec\":{\"autostart\":true}}", "spec.autostart"}, {"{\"spec\":{\"persistent\":false}}", "spec.persistent"}}) {
      ApiClient.Response r = api().send("PATCH", GROUP + n, MERGE, p[0]);
      assertStatus(r, 422, "Invalid", p[1] + ": ");
      assertThat(r.json().at("/details/causes/0/field").asText()).isEqualTo(p[1]);
    }
    // As the apiserver (and a PUT): a name that is not the URL's is a bad request.
    assertStatus(api().send("PATCH", GROUP + n, MERGE, "{\"metadata\":{\"name\":\"other\"}}"), 400, "BadRequest",
        "metadata.name \"other\" does not match the domain in the URL");
    assertUnchanged(n, xml, rev);
  }

  // ---- the edit-base marker ----

  /** Every representation of spec.xml starts with the marker of its generation; the rest is libvirt's XML. */
  @Test
  void servedXmlCarriesTheMarkerOfItsGenerationAndNothingElseChanges() {
    String n = name("mark");
    String uuid = defineBehindTheBack(n, 32);
    assertThat(api().send("PUT", GROUP + n, "application/xml", DomainXml.tiny(n, uuid, 36)).status()).isEqualTo(200);
    String lib = hypervisorXml(n);
    assertThat(api().get(GROUP + n).json().at("/spec/xml").asText()).isEqualTo(marker(2) + lib);
    assertThat(api().get(GROUP + n, "Accept", "application/xml").body()).isEqualTo(marker(2) + lib);
    JsonNode history = api().get(GROUP + n + "/history").json();
    assertThat(history.at("/items/0/object/spec/xml").asText()).isEqualTo(marker(2) + lib);
    assertThat(history.at("/items/1/object/spec/xml").asText()).startsWith(marker(1) + "<domain");
    JsonNode listed = null;
    for (JsonNode item : api().get("/apis/virtrev.io/v1/domains").json().get("items")) {
      if (item.at("/metadata/name").asText().equals(n)) {
        listed = item;
      }
    }
    assertThat(listed).isNotNull();
    assertThat(listed.at("/spec/xml").asText()).isEqualTo(marker(2) + lib);
    assertThat(api().get(GROUP + n + "/diff").body()).doesNotContain("virtrev-base").contains("36864");
  }

  /**
   * kubectl edit's request after virsh changed the domain while the editor was open: GET, edit, an
   * out-of-band change, PATCH of spec.xml alone (no resourceVersion) = 409, libvirt keeps the other change.
   */
  @Test
  void anEditBasedOnAnOlderGenerationIs409AndLibvirtKeepsTheOtherChange() {
    String n = name("medit");
    defineBehindTheBack(n, 32);
    String served = api().get(GROUP + n).json().at("/spec/xml").asText();
    assertThat(served).startsWith(marker(1));
    setMemorySilently(n, 24); // virsh setmem --config: no event
    long before = revision();
    ApiClient.Response r = api().send("PATCH", GROUP + n + "?fieldManager=kubectl-edit", MERGE,
        mergeOfXml(withMemory(served, 32, 40)));
    assertStatus(r, 409, "Conflict", "its XML changed since generation 1 was read (now generation 2");
    assertThat(r.json().at("/details/currentGeneration").asLong()).isEqualTo(2);
    assertThat(r.json().at("/details/currentResourceVersion").asLong()).isEqualTo(before + 1);
    assertThat(hypervisorXml(n)).contains(">24576<").doesNotContain(">40960<");
    assertThat(revision()).as("only the out-of-band change was committed").isEqualTo(before + 1);
  }

  @Test
  void aPutWithAStaleMarkerIs409AndWithoutOneIsUnconditional() {
    String n = name("mput");
    defineBehindTheBack(n, 32);
    String served = api().get(GROUP + n, "Accept", "application/xml").body();
    setMemorySilently(n, 24);
    ApiClient.Response xmlPut = api().send("PUT", GROUP + n, "application/xml", withMemory(served, 32, 40));
    assertStatus(xmlPut, 409, "Conflict", "since generation 1 was read (now generation 2");
    ObjectNode obj = (ObjectNode) api().get(GROUP + n).json();
    ((ObjectNode) obj.get("metadata")).remove("resourceVersion");
    ((ObjectNode) obj.get("spec")).put("xml", withMemory(served, 32, 40)); // generation 1's marker
    assertStatus(api().send("PUT", GROUP + n, "application/json", obj.toString()), 409, "Conflict",
        "since generation 1 was read");
    String xml = hypervisorXml(n);
    long rev = revision();
    assertUnchanged(n, xml, rev);
    assertThat(xml).contains(">24576<");

    // The same XML without the marker: unconditional, as before the marker existed.
    ApiClient.Response plain = api().send("PUT", GROUP + n, "application/xml",
        EditBase.strip(withMemory(served, 32, 40)));
    assertThat(plain.status()).as(plain.body()).isEqualTo(200);
    assertThat(hypervisorXml(n)).contains(">40960<").doesNotContain("virtrev-base");
    // A current marker passes, and is never stored.
    String now = api().get(GROUP + n, "Accept", "application/xml").body();
    assertThat(now).startsWith(marker(3));
    ApiClient.Response current = api().send("PUT", GROUP + n, "application/xml", withMemory(now, 40, 44));
    assertThat(current.status()).as(current.body()).isEqualTo(200);
    assertThat(hypervisorXml(n)).contains(">45056<").doesNotContain("virtrev-base");
  }

  /** A state change (start) is not an XML change: an edit based on the same generation still applies. */
  @Test
  void aStateChangeSinceTheReadDoesNotFailAnEdit() {
    String n = name("mstate");
    defineBehindTheBack(n, 32);
    String served = api().get(GROUP + n).json().at("/spec/xml").asText();
    ApiClient.Response started = api().send("POST", GROUP + n + "/start", null, null);
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    ApiClient.Response r = api().send("PATCH", GROUP + n, MERGE, mergeOfXml(withMemory(served, 32, 40)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(hypervisorXml(n)).contains(">40960<");
    assertThat(api().send("POST", GROUP + n + "/destroy", null, null).status()).isEqualTo(200);
  }

  @Test
  void aMisplacedOrMalformedMarkerIs400AndAPostDropsTheMarker() {
    String n = name("mbad");
    String uuid = defineBehindTheBack(n, 32);
    String xml = hypervisorXml(n);
    long rev = revision();
    String good = DomainXml.tiny(n, uuid, 40);
    assertStatus(api().send("PUT", GROUP + n, "application/xml", good.replace("<devices>", "<devices>"
        + marker(1))), 400, "BadRequest", "must stay where it was served");
    assertStatus(api().send("PUT", GROUP + n, "application/xml", "<?virtrev-base generation=\"x\"?>\n" + good), 400,
        "BadRequest", "is malformed");
    assertStatus(api().send("PUT", GROUP + n, "application/xml", marker(1) + marker(1) + good), 400,
        "BadRequest", "more than one edit-base marker");
    assertUnchanged(n, xml, rev);

    String other = name("mpost");
    String copy = marker(7) + DomainXml.tiny(other, UUID.randomUUID().toString(), 32);
    ApiClient.Response created = api().send("POST", "/apis/virtrev.io/v1/domains", "application/xml", copy);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().at("/spec/xml").asText()).startsWith(marker(1));
    assertThat(hypervisorXml(other)).doesNotContain("virtrev-base");
  }
}
