package io.virtrev.daemon.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The served OpenAPI documents, serialized once: {@code /openapi/v2} (Swagger 2.0), the OpenAPI 3.0
 * document of the group ({@code /openapi/v3/apis/virtrev.io/v1}) and the v3 index naming it with its
 * hash. Each carries its hash as the apiserver computes it (upper-case hex SHA-512 of the bytes), used as
 * ETag and as the {@code hash} query parameter of the index's URL.
 *
 * <p>Generating them takes a few hundred milliseconds of reflection (seconds on a cold JVM): they are
 * built once per process, on the first call of {@link #get}, which blocks until they are (call it off the
 * event loop: {@link OpenApiRoutes} does, through {@link Blocking}). Thread-safe: the JVM's class
 * initialization publishes them (lazy holder); the arrays and trees are never modified after.
 */
record OpenApiDocuments(Doc v2, Doc v3Group, Doc v3Index) {
  /** The v3 document's path under {@code /openapi/v3/}, as the index names it. */
  static final String V3_GROUP_KEY = "apis/" + ApiGroup.GROUP_VERSION;
  static final String V3_GROUP_PATH = "/openapi/v3/" + V3_GROUP_KEY;

  /** A serialized document and its hash. */
  record Doc(byte[] json, String hash) {
    static Doc of(ObjectNode tree) {
      byte[] bytes = Json.bytes(tree);
      return new Doc(bytes, OpenApiDocuments.hash(bytes));
    }
  }

  private static final class Holder {
    static final OpenApiDocuments DOCUMENTS = build();
  }

  /**
   * The documents of another route table (a fleet gateway's), built on the first {@link #get} (off the event
   * loop, as {@link OpenApiDocuments#get}). Lock-free: two first calls at once may both build; the documents
   * are a pure function of the table, so either result is the same, and the first one stored is kept.
   */
  static final class Lazy implements java.util.function.Supplier<OpenApiDocuments> {
    private final java.util.function.Supplier<RouteTable> table;
    private final java.util.concurrent.atomic.AtomicReference<OpenApiDocuments> built =
        new java.util.concurrent.atomic.AtomicReference<>();

    /** @param table the table the documents describe (read at the first {@link #get}, once it is built) */
    Lazy(java.util.function.Supplier<RouteTable> table) {
      this.table = table;
    }

    @Override
    public OpenApiDocuments get() {
      OpenApiDocuments d = built.get();
      if (d == null) {
        built.compareAndSet(null, build(table.get()));
        d = built.get();
      }
      return d;
    }
  }

  /** The documents; blocks while the first call builds them. */
  static OpenApiDocuments get() {
    return Holder.DOCUMENTS;
  }

  /** The host's documents (of {@link RouteTable#API}). */
  static OpenApiDocuments build() {
    return build(OpenApiPaths.ITEMS);
  }

  /** The documents of the operations {@code table} serves ({@link OpenApiPaths#items}). */
  static OpenApiDocuments build(RouteTable table) {
    return build(OpenApiPaths.items(table));
  }

  private static OpenApiDocuments build(java.util.List<OpenApiPaths.PathItem> items) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    String version = Discovery.VERSION.gitVersion();

    ObjectNode v2 = f.objectNode().put("swagger", "2.0");
    v2.putObject("info").put("title", "virtrevd").put("version", version);
    v2.set("paths", OpenApiPaths.swagger2(items));
    ObjectNode defs = OpenApiSchemas.swagger2();
    defs.set(OpenApiPaths.PATCH_SCHEMA, OpenApiPaths.patchSchema());
    v2.set("definitions", defs);
    v2.putObject("securityDefinitions").putObject("BearerToken").put("type", "apiKey")
        .put("name", "authorization").put("in", "header").put("description", "Bearer Token authentication");
    v2.putArray("security").addObject().putArray("BearerToken");

    ObjectNode v3 = f.objectNode().put("openapi", "3.0.0");
    v3.putObject("info").put("title", "virtrevd").put("version", version);
    v3.set("paths", OpenApiPaths.openApi3(items));
    ObjectNode components = v3.putObject("components");
    ObjectNode schemas = OpenApiSchemas.openApi3();
    schemas.set(OpenApiPaths.PATCH_SCHEMA, OpenApiPaths.patchSchema());
    components.set("schemas", schemas);
    components.putObject("securitySchemes").putObject("BearerToken").put("type", "apiKey")
        .put("name", "authorization").put("in", "header").put("description", "Bearer Token authentication");
    v3.putArray("security").addObject().putArray("BearerToken");
    Doc group = Doc.of(v3);

    ObjectNode index = f.objectNode();
    index.putObject("paths").putObject(V3_GROUP_KEY).put("serverRelativeURL", V3_GROUP_PATH + "?hash=" + group.hash());
    return new OpenApiDocuments(Doc.of(v2), group, Doc.of(index));
  }

  static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes)).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-512", e);
    }
  }
}
