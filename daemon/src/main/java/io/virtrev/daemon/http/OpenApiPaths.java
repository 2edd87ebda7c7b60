package io.virtrev.daemon.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.DeleteOptions;
import io.virtrev.api.Domain;
import io.virtrev.api.DomainList;
import io.virtrev.api.Status;
import io.virtrev.api.WatchEvent;
import io.virtrev.api.source.LifecycleAction;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The operations of the API group's paths, described once and rendered as Swagger 2.0 or OpenAPI 3.0
 * path items, shaped as the apiserver shapes a custom resource's: operationIds such as
 * {@code listVirtrevIoV1Domain}, {@code x-kubernetes-action}, {@code x-kubernetes-group-version-kind} on
 * every operation, the query parameters each route takes. kubectl decides whether the server validates
 * fields ({@code fieldValidation}) by finding that parameter on the PATCH operation of the kind; the
 * merge-patch and JSON-patch content types tell {@code kubectl apply} to send a merge patch. Immutable.
 */
final class OpenApiPaths {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String WATCH_JSON = "application/json;stream=watch";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";
  /** The body of a PATCH, as the apiserver names it: not a model class, a patch document. */
  static final String PATCH_SCHEMA = OpenApiSchemas.META_V1 + "Patch";

  /** A parameter: {@code in} is query, path or header; every one is a string, boolean or integer. */
  record Param(String name, String in, String type, String description) {}

  /** A body or answer in one media type: {@code model} a schema's class, String (text), or null (a patch). */
  record Media(String type, Class<?> model) {}

  record Response(String code, String description, List<Media> content) {}

  record Op(String method, String operationId, String action, String description, List<Param> params,
      List<Media> body, List<Response> responses, Class<?> kind) {}

  record PathItem(String path, List<Param> params, List<Op> ops) {}

  private static final Param NAME = new Param("name", "path", "string", "name or uuid of the Domain");
  private static final Param DRY_RUN = query("dryRun", "string", "When present, indicates that modifications"
      + " should not be persisted. Valid value: All (every check runs; nothing is changed).");
  private static final Param FIELD_MANAGER = query("fieldManager", "string", "A name associated with the actor"
      + " making these changes.");
  private static final Param FIELD_VALIDATION = query("fieldValidation", "string", "How the server treats"
      + " unknown fields in a Domain object and XML outside libvirt's schema: Strict (refuse), Warn (accept,"
      + " with a Warning header), Ignore. Default: the daemon's --field-validation (Strict).");
  private static final Param RESOURCE_VERSION = query("resourceVersion", "string", "A list, get or watch at"
      + " or after this revision (see resourceVersionMatch); a watch starts after it.");
  private static final Param WATCH = query("watch", "boolean", "Watch for changes and return them as a stream"
      + " of WatchEvents.");
  private static final Param BOOKMARKS = query("allowWatchBookmarks", "boolean", "A watch may send BOOKMARK"
      + " events carrying only metadata.resourceVersion.");
  private static final Param TIMEOUT = query("timeoutSeconds", "integer", "End a watch after this many seconds.");
  private static final Param IF_MATCH = new Param("If-Match", "header", "string", "The ETag (quoted"
      + " resourceVersion) the domain must have (412 Precondition Failed otherwise).");
  private static final List<Param> WATCH_PARAMS = List.of(WATCH, BOOKMARKS, TIMEOUT,
      query("sendInitialEvents", "boolean", "A watch starts with the current state as ADDED events, then a"
          + " BOOKMARK annotated k8s.io/initial-events-end."));
  private static final List<Param> LIST_PARAMS = List.of(
      query("labelSelector", "string", "Only domains whose labels match this selector."),
      query("fieldSelector", "string", "Only domains whose fields match (metadata.name, metadata.uuid,"
          + " status.state with =, == or !=)."),
      query("limit", "integer", "At most this many items; more follow through continue."),
      query("continue", "string", "The metadata.continue of the previous page."),
      RESOURCE_VERSION,
      query("resourceVersionMatch", "string", "NotOlderThan or Exact: how resourceVersion is matched."));
  private static final Param PRETTY = query("pretty", "boolean", "Accepted for kubectl's sake; answers are"
      + " compact either way.");
  private static final Param REQUEST_TIMEOUT = query("timeout", "string", "client-go's request deadline (a Go"
      + " duration such as 32s): the longest the server waits for a mutation or a resourceVersion.");
  private static final Param INCLUDE_OBJECT = query("includeObject", "string", "With a Table (Accept:"
      + " application/json;as=Table;v=v1;g=meta.k8s.io): None, Metadata or Object, what each row carries.");
  /** On every operation of the group (QueryParams' timeout and pretty). */
  private static final List<Param> COMMON = List.of(PRETTY, REQUEST_TIMEOUT);
  private static final List<Param> WATCH_ONE_PARAMS = concat(WATCH_PARAMS, List.of(
      query("labelSelector", "string", "Only while the domain's labels match this selector."),
      query("fieldSelector", "string", "Only while the domain's fields match (metadata.name, metadata.uid,"
          + " status.state with =, == or !=)."),
      query("resourceVersionMatch", "string", "NotOlderThan or Exact: how resourceVersion is matched.")));
  private static final List<Param> WRITE_PARAMS = List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION);


  private OpenApiPaths() {}

  private static Param query(String name, String type, String description) {
    return new Param(name, "query", type, description);
  }

  /**
   * The path items of the operations {@code table} serves, and only those: the domains' (described here, each
   * kept only where {@code table} has its path and method), every other kind's read off its rows
   * ({@link #kindItems}), and {@code /all} where the table serves it. A host's table gives the host's document,
   * a fleet gateway's the gateway's.
   */
  static List<PathItem> items(RouteTable table) {
    List<PathItem> out = new ArrayList<>();
    for (PathItem i : domainItems()) {
      List<Op> ops = i.ops().stream().filter(o -> serves(table, i.path(), o.method())).toList();
      if (!ops.isEmpty()) {
        out.add(new PathItem(i.path(), i.params(), ops));
      }
    }
    for (ApiKind k : ApiKind.values()) {
      if (k != ApiKind.DOMAINS) {
        out.addAll(kindItems(k, table));
      }
    }
    PathItem all = allItem();
    if (serves(table, all.path(), "get")) {
      out.add(all);
    }
    return List.copyOf(out);
  }

  /** Whether {@code table} has a route for the OpenAPI path {@code path} (its parameters as {@code {name}}) taking {@code method}. */
  static boolean serves(RouteTable table, String path, String method) {
    RouteTable.Match m = table.find(path);
    return m != null && !m.viaAlias()
        && m.route().operations().containsKey(HttpMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT)));
  }

  private static List<PathItem> domainItems() {
    List<Media> domainIn = List.of(new Media(Reply.JSON, Domain.class), new Media(Reply.XML, String.class));
    List<Media> domainOut = List.of(new Media(Reply.JSON, Domain.class));
    List<PathItem> out = new ArrayList<>();
    out.add(new PathItem(ApiGroup.DOMAINS, List.of(), List.of(
        new Op("get", "listVirtrevIoV1Domain", "list", "list or watch Domains",
            concat(concat(COMMON, LIST_PARAMS), concat(WATCH_PARAMS, List.of(INCLUDE_OBJECT))),
            null, List.of(ok("200", List.of(new Media(Reply.JSON, DomainList.class),
                new Media(WATCH_JSON, WatchEvent.class)))), Domain.class),
        new Op("post", "createVirtrevIoV1Domain", "post", "define a Domain (spec.xml, or the XML itself)",
            concat(COMMON, WRITE_PARAMS), domainIn, List.of(ok("201", domainOut)), Domain.class))));
    out.add(new PathItem(ApiGroup.DOMAINS + "/{name}", List.of(NAME), List.of(
        new Op("get", "readVirtrevIoV1Domain", "get", "read the specified Domain (its XML with Accept:"
            + " application/xml), or watch it", concat(concat(COMMON, List.of(RESOURCE_VERSION, INCLUDE_OBJECT,
                query("live", "boolean", "With Accept: application/xml, the live XML of a running domain."))),
                WATCH_ONE_PARAMS),
            null, List.of(ok("200", List.of(new Media(Reply.JSON, Domain.class),
                new Media(Reply.XML, String.class), new Media(WATCH_JSON, WatchEvent.class)))), Domain.class),
        new Op("put", "replaceVirtrevIoV1Domain", "put", "replace the specified Domain's config XML"
            + " (conditional on metadata.resourceVersion or If-Match)", concat(concat(COMMON, WRITE_PARAMS),
                List.of(IF_MATCH)),
            domainIn, List.of(ok("200", domainOut)), Domain.class),
        new Op("patch", "patchVirtrevIoV1Domain", "patch", "partially update the specified Domain",
            concat(concat(COMMON, WRITE_PARAMS), List.of(IF_MATCH, query("force", "boolean", "Server-side"
                + " apply's; accepted and without effect (server-side apply is answered 415)."))),
            List.of(new Media(JSON_PATCH, null), new Media(MERGE_PATCH, null)), List.of(ok("200", domainOut)),
            Domain.class),
        new Op("delete", "deleteVirtrevIoV1Domain", "delete", "undefine the specified Domain",
            concat(concat(COMMON, List.of(DRY_RUN, IF_MATCH)), List.of(
                query("gracePeriodSeconds", "integer", "DeleteOptions'; accepted and without effect on a"
                    + " domain (undefine is immediate)."),
                query("propagationPolicy", "string", "DeleteOptions' (Orphan, Background, Foreground); accepted"
                    + " and without effect: a domain owns no objects."),
                query("orphanDependents", "boolean", "DeleteOptions' (deprecated); accepted and without effect."),
                query("managedSave", "boolean", "Also remove its managed save image."),
                query("snapshotsMetadata", "boolean", "Also remove its snapshots' metadata."),
                query("checkpointsMetadata", "boolean", "Also remove its checkpoints' metadata."),
                query("nvram", "boolean", "Also remove its NVRAM file."),
                query("keepNvram", "boolean", "Keep its NVRAM file."))),
            List.of(new Media(Reply.JSON, DeleteOptions.class)), List.of(ok("200", domainOut)), Domain.class))));
    out.add(new PathItem(ApiGroup.DOMAINS + "/{name}/history", List.of(NAME), List.of(
        new Op("get", "readVirtrevIoV1DomainHistory", "get", "the retained revisions of the specified Domain,"
            + " newest first", List.of(PRETTY, REQUEST_TIMEOUT, query("limit", "integer", "At most this many revisions."),
                query("continue", "string", "The metadata.continue of the previous page.")),
            null, List.of(ok("200", List.of(new Media(Reply.JSON, DomainHistory.class)))), DomainHistory.class))));
    out.add(new PathItem(ApiGroup.DOMAINS + "/{name}/diff", List.of(NAME), List.of(
        new Op("get", "readVirtrevIoV1DomainDiff", "get", "a unified diff of the specified Domain's config XML"
            + " between two revisions", List.of(REQUEST_TIMEOUT, query("from", "string", "The older revision (default: the"
                + " previous change of spec.xml)."), query("to", "string", "The newer revision (default: the"
                + " current one).")),
            null, List.of(ok("200", List.of(new Media("text/plain", String.class)))), Domain.class))));
    for (LifecycleAction a : LifecycleAction.values()) {
      String verb = Character.toUpperCase(a.wireName().charAt(0)) + a.wireName().substring(1);
      out.add(new PathItem(ApiGroup.DOMAINS + "/{name}/" + a.wireName(), List.of(NAME), List.of(
          new Op("post", "create" + "VirtrevIoV1Domain" + verb, "post", a.wireName() + " the specified Domain",
              concat(COMMON, List.of(DRY_RUN, IF_MATCH)), null, List.of(ok("200", domainOut), ok("202", domainOut)),
              Domain.class))));
    }
    return List.copyOf(out);
  }

  private static PathItem allItem() {
    return new PathItem(ApiGroup.ROOT + "/all", List.of(), List.of(new Op("get", "listVirtrevIoV1All", "list",
        "list or watch the objects of every kind at one revision; watch events carry each object's kind",
        concat(concat(COMMON, List.of(RESOURCE_VERSION, query("resourceVersionMatch", "string", "NotOlderThan (the"
            + " only match taken)."), KIND_PARAMS.get("labelSelector"), KIND_PARAMS.get("fieldSelector"),
            INCLUDE_OBJECT)), WATCH_PARAMS),
        null, List.of(ok("200", List.of(new Media(Reply.JSON, AllList.class), new Media(WATCH_JSON, WatchEvent.class)))),
        AllList.class)));
  }

  /** Every query parameter a route of a kind other than domains may take, described once. */
  private static final java.util.Map<String, Param> KIND_PARAMS = kindParams();

  /** Every path the host's routes ({@link RouteTable#API}) serve (after what {@link #items} reads). */
  static final List<PathItem> ITEMS = items(RouteTable.API);

  private static java.util.Map<String, Param> kindParams() {
    java.util.Map<String, Param> m = new java.util.LinkedHashMap<>();
    for (Param p : concat(concat(COMMON, LIST_PARAMS), concat(WATCH_PARAMS, concat(WRITE_PARAMS,
        List.of(INCLUDE_OBJECT, DRY_RUN))))) {
      m.putIfAbsent(p.name(), p);
    }
    m.put("labelSelector", query("labelSelector", "string", "Only objects whose labels match this selector."));
    m.put("fieldSelector", query("fieldSelector", "string", "Only objects whose fields match (metadata.name,"
        + " metadata.uid and the kind's status field, with =, == or !=; docs/api.md)."));
    m.put("force", query("force", "boolean", "Server-side apply's; accepted and without effect."));
    m.put("gracePeriodSeconds", query("gracePeriodSeconds", "integer", "DeleteOptions'; accepted and without effect."));
    m.put("propagationPolicy", query("propagationPolicy", "string", "DeleteOptions'; accepted and without effect."));
    m.put("orphanDependents", query("orphanDependents", "boolean", "DeleteOptions' (deprecated); accepted and"
        + " without effect."));
    m.put("from", query("from", "string", "The older revision (default: the previous change of spec.xml)."));
    m.put("to", query("to", "string", "The newer revision (default: the current one)."));
    m.put("enabled", query("enabled", "boolean", "autostart: true to start the object when libvirtd starts, false"
        + " not to."));
    m.put("live", query("live", "boolean", "With Accept: application/xml, the live XML of an active network or"
        + " pool."));
    m.put("capacity", query("capacity", "integer", "resize: the volume's new capacity in bytes."));
    return m;
  }

  /**
   * The path items of {@code k}'s rows in {@code table} (none for a kind without rows): the same operations
   * as a domain's where the kind has them, each with exactly the query parameters its route takes.
   */
  static List<PathItem> kindItems(ApiKind k, RouteTable table) {
    Class<?> object = OpenApiSchemas.kindClass(k);
    Class<?> list = OpenApiSchemas.listClass(k);
    String id = "VirtrevIoV1" + k.kind();
    List<Media> in = List.of(new Media(Reply.JSON, object), new Media(Reply.XML, String.class));
    List<Media> out = List.of(new Media(Reply.JSON, object));
    List<Param> owner = k.ownerParam() == null ? List.of()
        : List.of(new Param(k.ownerParam(), "path", "string", "name or uuid of the " + k.owner().kind()));
    List<Param> named = concat(owner, List.of(new Param("name", "path", "string", "name of the " + k.kind())));
    PathTemplate one = k.collection().param("name");
    List<PathItem> items = new ArrayList<>();
    for (Route r : table.routes()) {
      List<Op> ops = new ArrayList<>();
      List<Param> pathParams = named;
      if (r.path().equals(k.collection())) {
        pathParams = owner;
        ops.add(new Op("get", "list" + id, "list", "list or watch " + k.kind() + "s", params(r, HttpMethod.GET), null,
            List.of(ok("200", List.of(new Media(Reply.JSON, list), new Media(WATCH_JSON, WatchEvent.class)))), object));
        op(ops, r, HttpMethod.POST, "post", "create" + id, "post", "create a " + k.kind() + " (spec.xml, or the XML"
            + " itself)", in, List.of(ok("201", out)), object);
      } else if (r.path().equals(one)) {
        ops.add(new Op("get", "read" + id, "get", "read the specified " + k.kind() + ", or watch it",
            params(r, HttpMethod.GET), null, List.of(ok("200", List.of(new Media(Reply.JSON, object),
                new Media(Reply.XML, String.class), new Media(WATCH_JSON, WatchEvent.class)))), object));
        op(ops, r, HttpMethod.PUT, "put", "replace" + id, "put", "replace the specified " + k.kind()
            + "'s XML (conditional on metadata.resourceVersion or If-Match)", in, List.of(ok("200", out)), object);
        op(ops, r, HttpMethod.PATCH, "patch", "patch" + id, "patch", "partially update the specified " + k.kind(),
            List.of(new Media(JSON_PATCH, null), new Media(MERGE_PATCH, null)), List.of(ok("200", out)), object);
        op(ops, r, HttpMethod.DELETE, "delete", "delete" + id, "delete", "delete the specified " + k.kind(),
            List.of(new Media(Reply.JSON, DeleteOptions.class)), List.of(ok("200", out)), object);
      } else if (r.path().equals(one.literal("history"))) {
        ops.add(new Op("get", "read" + id + "History", "get", "the retained revisions of the specified " + k.kind()
            + ", newest first", params(r, HttpMethod.GET), null,
            List.of(ok("200", List.of(new Media(Reply.JSON, DomainHistory.class)))), DomainHistory.class));
      } else if (r.path().equals(one.literal("diff"))) {
        ops.add(new Op("get", "read" + id + "Diff", "get", "a unified diff of the specified " + k.kind() + "'s XML"
            + " between two revisions", params(r, HttpMethod.GET), null,
            List.of(ok("200", List.of(new Media("text/plain", String.class)))), object));
      } else if (r.path().equals(one.choice("action", k.actions()))) {
        for (String a : k.actions()) {
          String verb = Character.toUpperCase(a.charAt(0)) + a.substring(1);
          items.add(new PathItem(one.literal(a).openApiPaths().get(0), named, List.of(new Op("post", "create" + id
              + verb, "post", a + " the specified " + k.kind(), params(r, HttpMethod.POST), null,
              List.of(ok("200", out), ok("202", out)), object))));
        }
        continue;
      } else {
        continue;
      }
      items.add(new PathItem(r.path().openApiPaths().get(0), pathParams, List.copyOf(ops)));
    }
    return items;
  }

  private static void op(List<Op> ops, Route r, HttpMethod m, String method, String operationId, String action,
      String description, List<Media> body, List<Response> responses, Class<?> kind) {
    if (r.operations().containsKey(m)) {
      ops.add(new Op(method, operationId, action, description, params(r, m), body, responses, kind));
    }
  }

  /** The described query parameters of {@code r}'s {@code m} (and its watch's, for a GET), sorted by name. */
  private static List<Param> params(Route r, HttpMethod m) {
    java.util.SortedSet<String> names = new java.util.TreeSet<>(r.operations().get(m).params());
    if (m.equals(HttpMethod.GET) && r.watch() != null) {
      names.addAll(r.watch().params());
    }
    List<Param> out = new ArrayList<>();
    for (String n : names) {
      Param p = KIND_PARAMS.get(n);
      if (p == null) {
        throw new IllegalStateException("query parameter " + n + " of " + r.path() + " has no description");
      }
      out.add(p);
    }
    boolean action = r.path().segments().get(r.path().segments().size() - 1) instanceof PathTemplate.Choice;
    if (m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH) || m.equals(HttpMethod.DELETE)
        || m.equals(HttpMethod.POST) && action) {
      out.add(IF_MATCH); // a header: the object's ETag
    }
    return List.copyOf(out);
  }

  private static Response ok(String code, List<Media> content) {
    return new Response(code, code.equals("202") ? "Accepted" : code.equals("201") ? "Created" : "OK", content);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> l = new ArrayList<>(a);
    l.addAll(b);
    return List.copyOf(l);
  }

  /** Swagger 2.0's {@code paths} of the host. */
  static ObjectNode swagger2() {
    return swagger2(ITEMS);
  }

  /** Swagger 2.0's {@code paths} of {@code items}. */
  static ObjectNode swagger2(List<PathItem> items) {
    String prefix = "#/definitions/";
    ObjectNode paths = F.objectNode();
    for (PathItem item : items) {
      ObjectNode p = paths.putObject(item.path());
      for (Op op : item.ops()) {
        ObjectNode o = operation(p.putObject(op.method()), op);
        if (op.body() != null) {
          o.set("consumes", mediaTypes(op.body()));
        }
        Set<String> produces = new LinkedHashSet<>();
        op.responses().forEach(r -> r.content().forEach(m -> produces.add(m.type())));
        o.set("produces", F.arrayNode().addAll(produces.stream().map(F::textNode).toList()));
        ArrayNode params = o.putArray("parameters");
        if (op.body() != null) {
          params.addObject().put("name", "body").put("in", "body").put("required", !op.method().equals("delete"))
              .set("schema", schema(op.body().get(0), prefix));
        }
        op.params().forEach(pa -> params.add(parameter(pa, false)));
        ObjectNode responses = o.putObject("responses");
        for (Response r : op.responses()) {
          responses.putObject(r.code()).put("description", r.description())
              .set("schema", schema(r.content().get(0), prefix));
        }
        responses.putObject("401").put("description", "Unauthorized");
      }
      pathParams(p, item, false);
    }
    return paths;
  }

  /** OpenAPI 3.0's {@code paths} of the host. */
  static ObjectNode openApi3() {
    return openApi3(ITEMS);
  }

  /** OpenAPI 3.0's {@code paths} of {@code items}. */
  static ObjectNode openApi3(List<PathItem> items) {
    String prefix = "#/components/schemas/";
    ObjectNode paths = F.objectNode();
    for (PathItem item : items) {
      ObjectNode p = paths.putObject(item.path());
      for (Op op : item.ops()) {
        ObjectNode o = operation(p.putObject(op.method()), op);
        ArrayNode params = o.putArray("parameters");
        op.params().forEach(pa -> params.add(parameter(pa, true)));
        if (op.body() != null) {
          ObjectNode content = o.putObject("requestBody").put("required", !op.method().equals("delete"))
              .putObject("content");
          op.body().forEach(m -> content.putObject(m.type()).set("schema", schema(m, prefix)));
        }
        ObjectNode responses = o.putObject("responses");
        for (Response r : op.responses()) {
          ObjectNode content = responses.putObject(r.code()).put("description", r.description()).putObject("content");
          r.content().forEach(m -> content.putObject(m.type()).set("schema", schema(m, prefix)));
        }
        responses.putObject("401").put("description", "Unauthorized");
      }
      pathParams(p, item, true);
    }
    return paths;
  }

  /** The Patch schema both documents define (a patch document, in either patch type). */
  static ObjectNode patchSchema() {
    return F.objectNode().put("type", "object").put("description", "A JSON merge patch (RFC 7386) or a JSON"
        + " patch (RFC 6902) of a Domain, as named by Content-Type.");
  }

  private static ObjectNode operation(ObjectNode o, Op op) {
    o.putArray("tags").add("virtrevIo_v1");
    o.put("description", op.description()).put("operationId", op.operationId());
    o.put("x-kubernetes-action", op.action());
    List<OpenApiSchemas.Gvk> gvks = OpenApiSchemas.ROOTS.get(op.kind());
    // One kind per operation, as the apiserver writes it: an object, not an array.
    o.set("x-kubernetes-group-version-kind", OpenApiSchemas.gvkExtension(gvks.subList(0, 1)).get(0));
    return o;
  }

  private static void pathParams(ObjectNode p, PathItem item, boolean v3) {
    if (!item.params().isEmpty()) {
      ArrayNode params = p.putArray("parameters");
      item.params().forEach(pa -> params.add(parameter(pa, v3)));
    }
  }

  private static ObjectNode parameter(Param pa, boolean v3) {
    ObjectNode n = F.objectNode().put("name", pa.name()).put("in", pa.in()).put("description", pa.description());
    if (pa.in().equals("path")) {
      n.put("required", true);
    }
    if (v3) {
      n.putObject("schema").put("type", pa.type()).put("uniqueItems", true);
    } else {
      n.put("type", pa.type()).put("uniqueItems", true);
    }
    return n;
  }

  private static ArrayNode mediaTypes(List<Media> media) {
    ArrayNode a = F.arrayNode();
    media.forEach(m -> a.add(m.type()));
    return a;
  }

  private static ObjectNode schema(Media m, String prefix) {
    if (m.model() == null) {
      return F.objectNode().put("$ref", prefix + PATCH_SCHEMA);
    }
    if (m.model() == String.class) {
      return F.objectNode().put("type", "string");
    }
    return OpenApiSchemas.ref(prefix, m.model());
  }

  static {
    // Every kind an operation names is a root of the schemas (so it has a GVK and a definition).
    for (PathItem i : ITEMS) {
      for (Op op : i.ops()) {
        if (!OpenApiSchemas.ROOTS.containsKey(op.kind())) {
          throw new AssertionError(op.operationId() + " names " + op.kind() + ", which is not a schema root");
        }
      }
    }
    if (!OpenApiSchemas.ROOTS.containsKey(Status.class)) {
      throw new AssertionError("Status must be a schema root: every error answers one");
    }
  }
}
