package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import io.virtrev.fixtures.WatchGuarantees;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The mutation contract, run against every hypervisor implementation: the fake (fast) and the real
 * libvirtd with tiny QEMU domains. Every bad input must leave both the store and the hypervisor as
 * they were.
 */
abstract class MutationContract {
  static final Duration WAIT = Duration.ofSeconds(60);

  /** The daemon's API. */
  abstract ApiClient api();

  /** The daemon's current revision. */
  abstract long revision();

  /** Defines a tiny domain behind the daemon's back and waits until the daemon has it; its uuid. */
  abstract String defineBehindTheBack(String name, int memoryMiB);

  /** The hypervisor's own config XML of the domain (to check that nothing changed). */
  abstract String hypervisorXml(String name);

  /** Changes the domain's memory in the hypervisor without any event (virsh setmem --config). */
  abstract void setMemorySilently(String name, int memoryMiB);

  /** Unique domain name for this test run. */
  abstract String name(String suffix);

  /** Whether the hypervisor validates XML against libvirt's schema. */
  abstract boolean validatesSchema();

  // ---- PUT ----

  @Test
  void putXmlWithMatchingIfMatchUpdatesAndAnswersTheRevisionHoldingWhatLibvirtStored() {
    String n = name("put");
    String uuid = defineBehindTheBack(n, 32);
    String etag = api().get("/api/v1/domains/" + n).header("etag");
    long before = revision();
    ApiClient.Response r = api().send("PUT", "/api/v1/domains/" + n, "application/xml",
        DomainXml.tiny(n, uuid, 48), "If-Match", etag);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode d = r.json();
    long rv = d.at("/metadata/resourceVersion").asLong();
    assertThat(rv).isEqualTo(before + 1);
    assertThat(r.header("etag")).isEqualTo("\"" + rv + "\"");
    assertThat(d.at("/metadata/generation").asLong()).isEqualTo(2);
    assertThat(d.at("/spec/xml").asText()).contains(">49152<")
        .isEqualTo("<?virtrev-base generation=\"2\"?>\n" + hypervisorXml(n));
    // libvirt's echo (Defined Updated) must not add a revision with the same content.
    assertNoFurtherRevisionAfter(n, rv);
  }

  @Test
  void putWithAStaleIfMatchIs412AndChangesNothing() {
    String n = name("stale");
    String uuid = defineBehindTheBack(n, 32);
    String etag = api().get("/api/v1/domains/" + n).header("etag");
    assertThat(api().send("PUT", "/api/v1/domains/" + n, "application/xml", DomainXml.tiny(n, uuid, 40),
        "If-Match", etag).status()).isEqualTo(200);
    String xml = hypervisorXml(n);
    long rev = revision();
    ApiClient.Response r = api().send("PUT", "/api/v1/domains/" + n, "application/xml",
        DomainXml.tiny(n, uuid, 44), "If-Match", etag);
    assertStatus(r, 412, "PreconditionFailed", "the object has been modified");
    assertThat(r.json().at("/details/currentResourceVersion").asLong()).isEqualTo(rev);
    assertUnchanged(n, xml, rev);
  }

  @Test
  void putJsonWithAStaleResourceVersionIs409Conflict() {
    String n = name("json");
    String uuid = defineBehindTheBack(n, 32);
    ObjectNode obj = (ObjectNode) api().get("/api/v1/domains/" + n).json();
    ((ObjectNode) obj.get("spec")).put("xml", DomainXml.tiny(n, uuid, 40));
    ApiClient.Response ok = api().send("PUT", "/api/v1/domains/" + n, "application/json", obj.toString());
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().at("/spec/xml").asText()).contains(">40960<");
    String xml = hypervisorXml(n);
    long rev = revision();
    ((ObjectNode) obj.get("spec")).put("xml", DomainXml.tiny(n, uuid, 44)); // still carries the old RV
    assertStatus(api().send("PUT", "/api/v1/domains/" + n, "application/json", obj.toString()), 409, "Conflict",
        "the object has been modified");
    assertUnchanged(n, xml, rev);
  }

  /** A resourceVersion that is neither a string nor an integer is refused, never skipped as "no precondition". */
  @Test
  void aResourceVersionThatIsNotAStringIs400AndChangesNothing() throws Exception {
    String n = name("rvtype");
    String uuid = defineBehindTheBack(n, 32);
    String xml = hypervisorXml(n);
    long rev = revision();
    for (String[] bad : new String[][] {{"{\"a\":1}", "an object"}, {"[]", "an array"}, {"true", "a boolean"},
        {"1.5", "a non-integer number"}}) {
      ObjectNode obj = (ObjectNode) api().get("/api/v1/domains/" + n).json();
      ((ObjectNode) obj.get("spec")).put("xml", DomainXml.tiny(n, uuid, 40));
      ((ObjectNode) obj.get("metadata")).set("resourceVersion", io.virtrev.api.Json.mapper().readTree(bad[0]));
      ApiClient.Response r = api().send("PUT", "/api/v1/domains/" + n, "application/json", obj.toString());
      assertStatus(r, 400, "BadRequest", "metadata.resourceVersion must be a string");
      assertThat(r.json().get("message").asText()).contains(bad[1]).contains(bad[0]);
      assertStatus(api().send("DELETE", "/api/v1/domains/" + n, "application/json",
          "{\"preconditions\":{\"resourceVersion\":" + bad[0] + "}}"), 400, "BadRequest",
          "preconditions.resourceVersion must be a string");
    }
    assertUnchanged(n, xml, rev);
  }

  // ---- dryRun=All: every check, no change, the real answer ----

  static final String GROUP = "/apis/virtrev.io/v1/domains";

  /** How many write calls (define, undefine, actions) reached the hypervisor port; empty if not counted. */
  java.util.OptionalInt hypervisorWrites() {
    return java.util.OptionalInt.empty();
  }

  /**
   * Whether the daemon's revision moves only by this test's doing. False on a libvirtd other tests
   * share: then a dry run is checked on its domain's resourceVersion and libvirt's XML only.
   */
  boolean ownsTheRevision() {
    return true;
  }

  /**
   * Asserts nothing changed across {@code dry}: the store's revision (if this test owns it), the domain's
   * resourceVersion and the hypervisor's XML (if {@code name} is given), no write call (if counted).
   */
  ApiClient.Response dry(String name, Callable<ApiClient.Response> dry) throws Exception {
    String xml = name == null ? null : hypervisorXml(name);
    String rv = name == null ? null : api().get(GROUP + "/" + name).json().at("/metadata/resourceVersion").asText();
    long rev = revision();
    java.util.OptionalInt writes = hypervisorWrites();
    ApiClient.Response r = dry.call();
    if (name != null) {
      assertThat(hypervisorXml(name)).as("nothing changed in the hypervisor").isEqualTo(xml);
      assertThat(api().get(GROUP + "/" + name).json().at("/metadata/resourceVersion").asText())
          .as("the domain's resourceVersion is unchanged: %s", r.body()).isEqualTo(rv);
    }
    if (ownsTheRevision()) {
      assertThat(revision()).as("a dry run creates no revision: %s", r.body()).isEqualTo(rev);
    }
    assertThat(hypervisorWrites()).as("no define, undefine or action reached the hypervisor").isEqualTo(writes);
    return r;
  }

  /** The dry run's failure is the real request's failure: same code, reason and (unless from libvirt) message. */
  static void sameFailure(ApiClient.Response dry, ApiClient.Response real, int code, String reason, boolean sameMessage) {
    assertStatus(dry, code, reason, "");
    assertStatus(real, code, reason, "");
    if (sameMessage) {
      assertThat(dry.json().get("message").asText()).isEqualTo(real.json().get("message").asText());
      assertThat(dry.json().get("details")).isEqualTo(real.json().get("details"));
    }
  }

  @Test
  void aDryRunPutAnswersTheObjectAsItWouldBeWithItsResourceVersionUnchanged() throws Exception {
    String n = name("dry-put");
    String uuid = defineBehindTheBack(n, 32);
    ApiClient.Response cur = api().get(GROUP + "/" + n);
    String etag = cur.header("etag");
    ApiClient.Response r = dry(n, () -> api().send("PUT", GROUP + "/" + n + "?dryRun=All", "application/xml",
        DomainXml.tiny(n, uuid, 48), "If-Match", etag));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("etag")).isEqualTo(etag);
    JsonNode d = r.json();
    assertThat(d.at("/metadata/resourceVersion").asText()).isEqualTo(cur.json().at("/metadata/resourceVersion").asText());
    assertThat(d.at("/metadata/generation")).isEqualTo(cur.json().at("/metadata/generation"));
    assertThat(d.at("/metadata/uuid").asText()).isEqualTo(uuid);
    assertThat(d.at("/spec/xml").asText()).contains(">49152<");
    assertThat(d.at("/status")).isEqualTo(cur.json().at("/status"));
    ApiClient.Response real = api().send("PUT", GROUP + "/" + n, "application/xml", DomainXml.tiny(n, uuid, 48),
        "If-Match", etag);
    assertThat(real.status()).as(real.body()).isEqualTo(200);
    assertThat(real.json().at("/metadata/name")).isEqualTo(d.at("/metadata/name"));
  }

  @Test
  void aDryRunCreateAnswers201WithTheObjectAndDefinesNothing() throws Exception {
    String n = name("dry-post");
    String uuid = UUID.randomUUID().toString();
    ApiClient.Response r = dry(null, () -> api().send("POST", GROUP + "?dryRun=All&fieldManager=kubectl-create",
        "application/xml", DomainXml.tiny(n, uuid, 32)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.header("location")).isEqualTo(GROUP + "/" + n);
    assertThat(r.json().at("/metadata/name").asText()).isEqualTo(n);
    assertThat(r.json().at("/metadata/uuid").asText()).isEqualTo(uuid);
    assertThat(r.json().at("/metadata/resourceVersion").isMissingNode()).as("none assigned, as apiserver").isTrue();
    assertThat(r.header("etag")).isNull();
    assertThat(api().get(GROUP + "/" + n).status()).isEqualTo(404);
    ApiClient.Response real = api().send("POST", GROUP, "application/xml", DomainXml.tiny(n, uuid, 32));
    assertThat(real.status()).as(real.body()).isEqualTo(201);
    assertThat(real.header("location")).isEqualTo(r.header("location"));
  }

  @Test
  void aDryRunDeleteOrActionAnswersTheCurrentObjectAndChangesNothing() throws Exception {
    String n = name("dry-del");
    defineBehindTheBack(n, 32);
    ApiClient.Response cur = api().get(GROUP + "/" + n);
    for (Callable<ApiClient.Response> c : List.<Callable<ApiClient.Response>>of(
        () -> api().send("DELETE", GROUP + "/" + n + "?dryRun=All", null, null),
        () -> api().send("DELETE", GROUP + "/" + n, "application/json",
            "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\",\"dryRun\":[\"All\"]}"),
        () -> api().send("DELETE", GROUP + "/" + n + "?dryRun=All&gracePeriodSeconds=0&propagationPolicy=Foreground",
            "application/json", "{\"preconditions\":{\"resourceVersion\":\"" + cur.json().at("/metadata/resourceVersion").asText() + "\"}}"),
        () -> api().send("POST", GROUP + "/" + n + "/start?dryRun=All", null, null))) {
      ApiClient.Response r = dry(n, c);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json()).isEqualTo(cur.json());
    }
    assertThat(api().get(GROUP + "/" + n).json()).isEqualTo(cur.json());
    assertThat(api().send("DELETE", GROUP + "/" + n, "application/json", "{\"propagationPolicy\":\"Background\"}")
        .status()).isEqualTo(200);
    assertThat(api().get(GROUP + "/" + n).status()).isEqualTo(404);
  }

  @Test
  void aDryRunFailsExactlyAsTheRealRequest409And412And404() throws Exception {
    String n = name("dry-fail");
    String uuid = defineBehindTheBack(n, 32);
    String stale = api().get(GROUP + "/" + n).header("etag");
    assertThat(api().send("PUT", GROUP + "/" + n, "application/xml", DomainXml.tiny(n, uuid, 40)).status()).isEqualTo(200);
    String put = DomainXml.tiny(n, uuid, 44);
    sameFailure(dry(n, () -> api().send("PUT", GROUP + "/" + n + "?dryRun=All", "application/xml", put, "If-Match", stale)),
        api().send("PUT", GROUP + "/" + n, "application/xml", put, "If-Match", stale), 412, "PreconditionFailed", true);
    String body = "{\"metadata\":{\"resourceVersion\":" + stale + "},\"spec\":{\"xml\":" + Json.mapper().writeValueAsString(put) + "}}";
    sameFailure(dry(n, () -> api().send("PUT", GROUP + "/" + n + "?dryRun=All", "application/json", body)),
        api().send("PUT", GROUP + "/" + n, "application/json", body), 409, "Conflict", true);
    String pre = "{\"preconditions\":{\"resourceVersion\":" + stale + "}}";
    sameFailure(dry(n, () -> api().send("DELETE", GROUP + "/" + n + "?dryRun=All", "application/json", pre)),
        api().send("DELETE", GROUP + "/" + n, "application/json", pre), 409, "Conflict", true);
    sameFailure(dry(n, () -> api().send("POST", GROUP + "/" + n + "/start?dryRun=All", null, null, "If-Match", stale)),
        api().send("POST", GROUP + "/" + n + "/start", null, null, "If-Match", stale), 412, "PreconditionFailed", true);
    String again = DomainXml.tiny(n, UUID.randomUUID().toString(), 32);
    sameFailure(dry(n, () -> api().send("POST", GROUP + "?dryRun=All", "application/xml", again)),
        api().send("POST", GROUP, "application/xml", again), 409, "AlreadyExists", true);
    String missing = name("dry-missing");
    sameFailure(dry(null, () -> api().send("DELETE", GROUP + "/" + missing + "?dryRun=All", null, null)),
        api().send("DELETE", GROUP + "/" + missing, null, null), 404, "NotFound", true);
  }

  /** The schema check a dry run makes instead of libvirt's validating define refuses what libvirt refuses. */
  @Test
  void aDryRunOfXmlLibvirtsSchemaRejectsIs422AsTheRealOne() throws Exception {
    String n = name("dry-schema");
    String uuid = defineBehindTheBack(n, 32);
    String invalid = DomainXml.tiny(n, uuid, 48).replace("<devices>", "<devices><bogus/>");
    sameFailure(dry(n, () -> api().send("PUT", GROUP + "/" + n + "?dryRun=All", "application/xml", invalid)),
        api().send("PUT", GROUP + "/" + n, "application/xml", invalid), 422, "Invalid", false);
    String fresh = name("dry-schema-new");
    String invalidNew = DomainXml.tiny(fresh, UUID.randomUUID().toString(), 32).replace("<devices>", "<devices><bogus/>");
    ApiClient.Response d = dry(null, () -> api().send("POST", GROUP + "?dryRun=All", "application/xml", invalidNew));
    assertStatus(d, 422, "Invalid", "bogus");
    // fieldValidation=Warn: the real define falls back to no validation; the dry run says it would.
    ApiClient.Response warned = dry(n, () -> api().send("PUT", GROUP + "/" + n + "?dryRun=All&fieldValidation=Warn",
        "application/xml", invalid));
    assertThat(warned.status()).as(warned.body()).isEqualTo(200);
    assertThat(warned.header("warning")).contains("does not validate against libvirt's schema");
    ApiClient.Response ignored = dry(n, () -> api().send("PUT", GROUP + "/" + n + "?dryRun=All&fieldValidation=Ignore",
        "application/xml", invalid));
    assertThat(ignored.status()).as(ignored.body()).isEqualTo(200);
    assertThat(ignored.header("warning")).isNull();
  }

  @Test
  void aDryRunValueOtherThanAllIs400NamingItAndChangesNothing() throws Exception {
    String n = name("dry-bad");
    String uuid = defineBehindTheBack(n, 32);
    assertStatus(dry(n, () -> api().send("PUT", GROUP + "/" + n + "?dryRun=Some", "application/xml",
        DomainXml.tiny(n, uuid, 48))), 400, "BadRequest", "dryRun: Unsupported value: \"Some\"");
    assertStatus(dry(n, () -> api().send("DELETE", GROUP + "/" + n + "?dryRun=", null, null)), 400, "BadRequest",
        "Unsupported value: \"\"");
    assertStatus(dry(n, () -> api().send("DELETE", GROUP + "/" + n, "application/json", "{\"dryRun\":[\"all\"]}")),
        400, "BadRequest", "DeleteOptions dryRun: Unsupported value: \"all\"");
    assertStatus(dry(n, () -> api().send("DELETE", GROUP + "/" + n, "application/json", "{\"propagationPolicy\":\"Later\"}")),
        400, "BadRequest", "propagationPolicy: Unsupported value: \"Later\"");
    assertStatus(dry(n, () -> api().send("DELETE", GROUP + "/" + n, "application/json", "{\"gracePeriod\":3}")),
        400, "BadRequest", "unknown DeleteOptions field(s) \"gracePeriod\"");
    assertStatus(dry(n, () -> api().send("POST", GROUP + "/" + n + "/start?dryRun=true", null, null)),
        400, "BadRequest", "\"true\"");
    assertStatus(dry(n, () -> api().send("PUT", GROUP + "/" + n + "?fieldManager=" + "m".repeat(129), "application/xml",
        DomainXml.tiny(n, uuid, 48))), 400, "BadRequest", "fieldManager: Too long");
  }

  @Test
  void putWithoutPreconditionIsAnUnconditionalButVersionedUpdate() {
    String n = name("uncond");
    String uuid = defineBehindTheBack(n, 32);
    long before = revision();
    ApiClient.Response r = api().send("PUT", "/api/v1/domains/" + uuid, "application/xml", DomainXml.tiny(n, uuid, 36));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/metadata/resourceVersion").asLong()).isEqualTo(before + 1);
  }

  /** N concurrent PUTs with the same If-Match: exactly one wins, the others get 412. */
  @Test
  void concurrentConditionalPutsHaveExactlyOneWinner() throws Exception {
    String n = name("race");
    String uuid = defineBehindTheBack(n, 32);
    String etag = api().get("/api/v1/domains/" + n).header("etag");
    int parallel = 16;
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Callable<ApiClient.Response>> puts = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        int mem = 33 + i;
        puts.add(() -> api().send("PUT", "/api/v1/domains/" + n, "application/xml", DomainXml.tiny(n, uuid, mem),
            "If-Match", etag));
      }
      List<Integer> codes = new ArrayList<>();
      String winnerXml = null;
      for (Future<ApiClient.Response> f : pool.invokeAll(puts)) {
        ApiClient.Response r = f.get();
        codes.add(r.status());
        if (r.status() == 200) {
          winnerXml = r.json().at("/spec/xml").asText();
        }
      }
      assertThat(codes).filteredOn(c -> c == 200).hasSize(1);
      assertThat(codes).filteredOn(c -> c == 412).hasSize(parallel - 1);
      assertThat(hypervisorXml(n)).isEqualTo(io.virtrev.api.EditBase.strip(winnerXml));
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Someone changed the domain behind the daemon's back and the daemon has not seen it yet (no event):
   * a conditional PUT from the old RV commits that change as its own revision and fails with the new RV.
   */
  @Test
  void anOutOfBandChangeIsCommittedFirstAndFailsTheConditionalPut() {
    String n = name("oob");
    String uuid = defineBehindTheBack(n, 48);
    String etag = api().get("/api/v1/domains/" + n).header("etag");
    long before = revision();
    setMemorySilently(n, 40);
    ApiClient.Response r = api().send("PUT", "/api/v1/domains/" + n, "application/xml",
        DomainXml.tiny(n, uuid, 44), "If-Match", etag);
    assertStatus(r, 412, "PreconditionFailed", "the object has been modified");
    assertThat(r.json().at("/details/currentResourceVersion").asLong()).isEqualTo(before + 1);
    assertThat(r.header("etag")).isEqualTo("\"" + (before + 1) + "\"");
    JsonNode now = api().get("/api/v1/domains/" + n).json();
    assertThat(now.at("/metadata/resourceVersion").asLong()).isEqualTo(before + 1);
    assertThat(now.at("/spec/xml").asText()).contains(">40960<");
    assertThat(hypervisorXml(n)).contains(">40960<").doesNotContain(">45056<");
  }

  // ---- bad input: a clear error, and nothing changes ----

  @Test
  void badInputIsRejectedAndChangesNothing() {
    String n = name("bad");
    String uuid = defineBehindTheBack(n, 32);
    String xml = hypervisorXml(n);
    long rev = revision();
    String good = DomainXml.tiny(n, uuid, 40);
    String url = "/api/v1/domains/" + n;

    assertStatus(api().send("PUT", url, "application/xml", "<domain type='qemu'><name>" + n + "</name"), 400,
        "BadRequest", "malformed XML");
    assertStatus(api().send("PUT", url, "application/xml", DomainXml.tiny(n, UUID.randomUUID().toString(), 40)),
        400, "BadRequest", "the XML is for uuid");
    assertStatus(api().send("PUT", url, "application/xml", DomainXml.tiny("other-name", uuid, 40)), 400,
        "BadRequest", "renaming");
    assertStatus(api().send("PUT", url, "application/xml", good.replaceAll("<uuid>[^<]*</uuid>", "")), 400,
        "BadRequest", "has no <uuid>");
    assertStatus(api().send("PUT", url, "application/xml", good, "If-Match", "\"abc\""), 400, "BadRequest",
        "If-Match");
    assertStatus(api().send("PUT", url, "text/plain", good), 415, "UnsupportedMediaType", "text/plain");
    assertStatus(api().send("PUT", url, "application/xml", ""), 400, "BadRequest", "body is required");
    assertStatus(api().send("PUT", url, "application/json", "{\"spec\":"), 400, "BadRequest", "malformed JSON");
    String xxe = "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
        + good.replace("<name>" + n + "</name>", "<name>" + n + "</name><description>&x;</description>");
    assertStatus(api().send("PUT", url, "application/xml", xxe), 400, "BadRequest", "DOCTYPE");
    String bomb = "<!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>" + good;
    assertStatus(api().send("PUT", url, "application/xml", bomb), 400, "BadRequest", "DOCTYPE");
    String huge = good.replace("</domain>", "<description>" + "x".repeat(2 << 20) + "</description></domain>");
    assertStatus(api().send("PUT", url, "application/xml", huge), 413, "RequestEntityTooLarge", "larger than");
    if (validatesSchema()) {
      String invalid = good.replace("<devices>", "<devices><bogus/>");
      ApiClient.Response r = api().send("PUT", url, "application/xml", invalid);
      assertStatus(r, 422, "Invalid", "failed to validate against schema");
    }
    assertUnchanged(n, xml, rev);
  }

  // ---- fieldValidation ----

  @Test
  void fieldValidationDecidesWhatHappensToXmlOutsideLibvirtsSchema() {
    String n = name("fv");
    String uuid = defineBehindTheBack(n, 32);
    String url = "/api/v1/domains/" + n;
    String xml = hypervisorXml(n);
    long rev = revision();
    String invalid = DomainXml.tiny(n, uuid, 48).replace("<devices>", "<devices><bogus/>");

    assertStatus(api().send("PUT", url + "?fieldValidation=Loose", "application/xml", invalid), 400, "BadRequest",
        "fieldValidation \"Loose\" is not one of Strict, Warn, Ignore");
    assertStatus(api().send("PUT", url + "?fieldValidation=Strict", "application/xml", invalid), 422, "Invalid",
        "failed to validate against schema");
    assertStatus(api().send("PUT", url, "application/xml", invalid), 422, "Invalid",
        "failed to validate against schema");
    assertUnchanged(n, xml, rev);

    ApiClient.Response warned = api().send("PUT", url + "?fieldValidation=Warn", "application/xml", invalid);
    assertThat(warned.status()).as(warned.body()).isEqualTo(200);
    assertThat(warned.header("warning")).startsWith("299 - \"").contains("fieldValidation=Warn")
        .contains("failed to validate against schema");
    assertThat(io.virtrev.api.EditBase.strip(warned.json().at("/spec/xml").asText())).contains(">49152<")
        .doesNotContain("bogus").isEqualTo(hypervisorXml(n));
    assertThat(revision()).isEqualTo(rev + 1);

    ApiClient.Response ignored = api().send("PUT", url + "?fieldValidation=Ignore", "application/xml",
        DomainXml.tiny(n, uuid, 56).replace("<devices>", "<devices><bogus/>"), "If-Match", warned.header("etag"));
    assertThat(ignored.status()).as(ignored.body()).isEqualTo(200);
    assertThat(ignored.header("warning")).isNull();
    assertThat(io.virtrev.api.EditBase.strip(ignored.json().at("/spec/xml").asText())).contains(">57344<")
        .doesNotContain("bogus").isEqualTo(hypervisorXml(n));
    assertThat(revision()).isEqualTo(rev + 2);

    // Valid XML under Warn: no warning at all.
    ApiClient.Response clean = api().send("PUT", url + "?fieldValidation=Warn", "application/xml",
        DomainXml.tiny(n, uuid, 64));
    assertThat(clean.status()).as(clean.body()).isEqualTo(200);
    assertThat(clean.header("warning")).isNull();

    String created = name("fv-new");
    ApiClient.Response post = api().send("POST", "/api/v1/domains?fieldValidation=Ignore", "application/xml",
        DomainXml.tiny(created, UUID.randomUUID().toString(), 32).replace("<devices>", "<devices><bogus/>"));
    assertThat(post.status()).as(post.body()).isEqualTo(201);
    assertThat(post.json().at("/spec/xml").asText()).doesNotContain("bogus");
  }

  // ---- POST (create) ----

  /** Location is the name as one RFC 3986 path segment (UTF-8, percent-encoded), and addresses the domain. */
  @Test
  void locationIsPercentEncodedAndAddressesTheCreatedDomain() {
    String base = name("loc");
    String n = base + " sp%\u00fc\u20ac+";
    ApiClient.Response r = api().send("POST", "/api/v1/domains", "application/xml",
        DomainXml.tiny(n, UUID.randomUUID().toString(), 32));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.header("location")).isEqualTo("/apis/virtrev.io/v1/domains/" + base + "%20sp%25%C3%BC%E2%82%AC%2B");
    ApiClient.Response got = api().get(r.header("location"));
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    assertThat(got.json().at("/metadata/name").asText()).isEqualTo(n);
  }

  /** A name whose URL would not fit a request line (4096 bytes) is refused at POST: it could never be addressed. */
  @Test
  void aNameTooLongToAddressIsRefusedAtPostAndNothingIsDefined() {
    String n = name("long") + "-" + "x".repeat(5000);
    String uuid = UUID.randomUUID().toString();
    long rev = revision();
    ApiClient.Response r = api().send("POST", "/api/v1/domains", "application/xml", DomainXml.tiny(n, uuid, 32));
    assertStatus(r, 422, "Invalid", "at most 3530 fit in a request line of 4096 bytes");
    assertThat(r.json().at("/details/causes/0/field").asText()).isEqualTo("metadata.name");
    assertThat(revision()).isEqualTo(rev);
    assertThat(api().get("/api/v1/domains/" + uuid).status()).isEqualTo(404);
    assertThat(api().get("/api/v1/domains/" + n).status()).as("such a URL cannot be served").isEqualTo(400);
    for (String dot : new String[] {".", ".."}) {
      assertStatus(api().send("POST", "/api/v1/domains", "application/xml", DomainXml.tiny(dot, uuid, 32)), 422,
          "Invalid", "dot-segment");
    }
    assertThat(revision()).isEqualTo(rev);
  }

  @Test
  void createAnswers201WithLocationAndRefusesDuplicates() {
    String n = name("new");
    String uuid = UUID.randomUUID().toString();
    long before = revision();
    ApiClient.Response r = api().send("POST", "/api/v1/domains", "application/xml", DomainXml.tiny(n, uuid, 32),
        "If-None-Match", "*");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.header("location")).isEqualTo("/apis/virtrev.io/v1/domains/" + n);
    assertThat(r.json().at("/metadata/resourceVersion").asLong()).isEqualTo(before + 1);
    assertThat(r.json().at("/metadata/uuid").asText()).isEqualTo(uuid);
    assertThat(r.header("etag")).isEqualTo("\"" + (before + 1) + "\"");
    assertThat(hypervisorXml(n)).contains(uuid);
    assertNoFurtherRevisionAfter(n, before + 1);

    long rev = revision();
    assertStatus(api().send("POST", "/api/v1/domains", "application/xml", DomainXml.tiny(n, UUID.randomUUID().toString(), 32)),
        409, "AlreadyExists", "already exists");
    assertStatus(api().send("POST", "/api/v1/domains", "application/xml", DomainXml.tiny(n + "-x", uuid, 32)),
        409, "AlreadyExists", "already exists");
    assertThat(revision()).isEqualTo(rev);
  }

  // ---- DELETE ----

  @Test
  void deleteHonoursIfMatchAndKubernetesPreconditions() {
    String n = name("del");
    String uuid = defineBehindTheBack(n, 32);
    long rv = api().get("/api/v1/domains/" + n).json().at("/metadata/resourceVersion").asLong();
    long rev = revision();
    assertStatus(api().send("DELETE", "/api/v1/domains/" + n, null, null, "If-Match", "\"" + (rv - 1) + "\""),
        412, "PreconditionFailed", "modified");
    assertStatus(api().send("DELETE", "/api/v1/domains/" + n, "application/json",
        "{\"preconditions\":{\"uid\":\"" + UUID.randomUUID() + "\"}}"), 409, "Conflict", "uid precondition");
    assertThat(revision()).isEqualTo(rev);
    ApiClient.Response r = api().send("DELETE", "/api/v1/domains/" + n, "application/json",
        "{\"preconditions\":{\"uid\":\"" + uuid + "\",\"resourceVersion\":\"" + rv + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/metadata/resourceVersion").asLong()).isEqualTo(rev + 1);
    assertThat(api().get("/api/v1/domains/" + n).status()).isEqualTo(404);
    assertStatus(api().send("DELETE", "/api/v1/domains/" + n, null, null), 404, "NotFound", "not found");
  }

  // ---- lifecycle actions ----

  @Test
  void lifecycleActionsAnswerTheRevisionThatReflectsTheNewState() {
    String n = name("life");
    defineBehindTheBack(n, 32);
    WatchClient w = WatchClient.open(api(), "/api/v1/domains?watch=true&resourceVersion=" + revision());
    try {
      long start = revision();
      JsonNode started = action(n, "start", 200);
      assertThat(started.at("/status/state").asText()).isEqualTo("running");
      JsonNode suspended = action(n, "suspend", 200);
      assertThat(suspended.at("/status/state").asText()).isEqualTo("paused");
      assertStatus(api().send("POST", "/api/v1/domains/" + n + "/suspend", null, null,
          "If-Match", "\"" + started.at("/metadata/resourceVersion").asText() + "\""), 412, "PreconditionFailed", "modified");
      JsonNode resumed = action(n, "resume", 200);
      assertThat(resumed.at("/status/state").asText()).isEqualTo("running");
      long t0 = System.nanoTime();
      JsonNode shut = action(n, "shutdown", 202);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("shutdown must not wait for the guest")
          .isLessThan(Duration.ofSeconds(10));
      assertThat(shut.at("/status/state").asText()).isEqualTo("running");
      action(n, "reset", 200);
      JsonNode destroyed = action(n, "destroy", 200);
      assertThat(destroyed.at("/status/state").asText()).isEqualTo("shutoff");
      assertThat(destroyed.at("/status/reason").asText()).isEqualTo("destroyed");
      settle(); // reset's reboot events arrive after it returned: each is a revision of its own
      long rev = revision();
      ApiClient.Response again = api().send("POST", "/api/v1/domains/" + n + "/destroy", null, null);
      assertStatus(again, 409, "Conflict", "libvirt: ");
      assertThat(again.json().at("/message").asText()).containsIgnoringCase("not running");
      assertThat(revision()).isEqualTo(rev);

      // The watch never showed the domain going backwards, and each action was one revision.
      long end = destroyed.at("/metadata/resourceVersion").asLong();
      await().atMost(WAIT).until(() -> w.lastResourceVersion() >= end);
      List<SeenEvent> seen = w.events();
      assertThat(WatchGuarantees.all(start, seen)).isEmpty();
      List<String> states = seen.stream().filter(e -> n.equals(e.name())).map(e -> state(e.objectJson())).toList();
      assertThat(states).containsSubsequence("running", "paused", "running", "shutoff");
      assertThat(states.get(states.size() - 1)).isEqualTo("shutoff");
      assertThat(states.stream().filter("paused"::equals).count()).isEqualTo(1);
    } finally {
      w.close();
    }
  }

  private JsonNode action(String n, String action, int expected) {
    ApiClient.Response r = api().send("POST", "/api/v1/domains/" + n + "/" + action, null, null);
    assertThat(r.status()).as(action + ": " + r.body()).isEqualTo(expected);
    assertThat(r.header("etag")).isEqualTo("\"" + r.json().at("/metadata/resourceVersion").asText() + "\"");
    return r.json();
  }

  static String state(String objectJson) {
    int i = objectJson.indexOf("\"state\":\"");
    return objectJson.substring(i + 9, objectJson.indexOf('"', i + 9));
  }

  void assertUnchanged(String name, String xml, long rev) {
    assertThat(revision()).as("no revision was created").isEqualTo(rev);
    assertThat(hypervisorXml(name)).as("nothing changed in the hypervisor").isEqualTo(xml);
  }

  /**
   * Waits until every event libvirt sent so far has been processed: events are processed in the order
   * libvirt sends them, so once a sentinel domain defined now is in the store, all earlier ones are.
   */
  void settle() {
    defineBehindTheBack(name("sentinel"), 32);
  }

  /**
   * After a mutation of {@code name} at {@code rv}, libvirt's echo event creates nothing new. Events are
   * processed in the order libvirt sends them, so once a sentinel domain defined afterwards is in the
   * store, the echo has been processed too.
   */
  void assertNoFurtherRevisionAfter(String name, long rv) {
    assertThat(revision()).isEqualTo(rv);
    defineBehindTheBack(name("sentinel-" + rv), 32);
    assertThat(api().get("/api/v1/domains/" + name).json().at("/metadata/resourceVersion").asLong())
        .as("libvirt's echo of the change created a second revision").isEqualTo(rv);
    assertThat(revision()).as("only the sentinel's ADDED after the mutation").isEqualTo(rv + 1);
  }
}
