package io.virtrev.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.versioning.ListKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The opaque {@code continue} of a paginated list or history: base64url (no padding) of a small JSON
 * object holding the store id, the revision every page is read at, where the next page starts, the
 * field selector, and a CRC-32 of those fields. The CRC catches a damaged or hand-edited token (400); it
 * is not a signature, and needs none: a token only ever selects data the client may read anyway.
 *
 * @param kind {@code list} or {@code history}
 * @param storeId the store the token belongs to; another store's token is refused
 * @param revision the snapshot all pages come from (list), or the current revision at the first page
 *     (history: newer revisions do not appear)
 * @param compacted history only: the compacted revision at the first page (compaction since then may
 *     have dropped revisions the next pages would show: 410)
 * @param after list only: the last key served
 * @param before history only: the last revision served; the next page is older
 * @param uuid history: the object's uid; list: the collection's scope ({@link KindScope#tokenScope}), null
 *     for domains
 * @param selector list only: the field selector, as text (applies to every page)
 * @param labelSelector list only: the label selector, as text (applies to every page); null or empty: none
 */
record ContinueToken(String kind, String storeId, Revision revision, Revision compacted, ListKey after,
    Revision before, String uuid, String selector, String labelSelector) {
  static final String LIST = "list";
  static final String HISTORY = "history";

  static ContinueToken list(String storeId, Revision at, ListKey after, String selector, String labelSelector) {
    return list(storeId, at, after, selector, labelSelector, null);
  }

  /** A list token of a collection other than domains: {@code scope} ({@link KindScope#tokenScope}) in {@code uuid}. */
  static ContinueToken list(String storeId, Revision at, ListKey after, String selector, String labelSelector,
      String scope) {
    return new ContinueToken(LIST, storeId, at, null, after, null, scope, selector, labelSelector);
  }

  static ContinueToken history(String storeId, Revision at, Revision compacted, String uuid, Revision before) {
    return new ContinueToken(HISTORY, storeId, at, compacted, null, before, uuid, null, null);
  }

  String encode() {
    Map<String, Object> m = fields();
    m.put("crc", crc(m));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(m));
  }

  private Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("v", 1);
    m.put("kind", kind);
    m.put("storeId", storeId);
    m.put("rv", revision.toString());
    if (compacted != null) {
      m.put("compacted", compacted.toString());
    }
    if (after != null) {
      m.put("name", after.name());
      m.put("uid", after.uuid());
    }
    if (before != null) {
      m.put("before", before.toString());
    }
    if (uuid != null) {
      m.put("domain", uuid);
    }
    if (selector != null) {
      m.put("fieldSelector", selector);
    }
    if (labelSelector != null && !labelSelector.isEmpty()) {
      m.put("labelSelector", labelSelector);
    }
    return m;
  }

  private static long crc(Map<String, Object> fields) {
    CRC32 c = new CRC32();
    c.update(fields.toString().getBytes(StandardCharsets.UTF_8));
    return c.getValue();
  }

  /**
   * Decodes a token of {@code kind} for store {@code storeId}.
   *
   * @throws ApiException BAD_REQUEST if it is not one of ours, damaged, of another kind or another store
   */
  static ContinueToken decode(String text, String kind, String storeId) {
    JsonNode j;
    try {
      j = Json.mapper().readTree(Base64.getUrlDecoder().decode(text));
    } catch (IllegalArgumentException | IOException e) {
      throw bad("continue token is malformed (not a token this server issued); list again without continue");
    }
    ContinueToken t;
    try {
      if (j == null || !j.isObject() || j.path("v").asInt() != 1) {
        throw new IllegalArgumentException("version");
      }
      ListKey after = j.has("name") ? new ListKey(text(j, "name"), text(j, "uid")) : null;
      t = new ContinueToken(text(j, "kind"), text(j, "storeId"), Revision.parse(text(j, "rv")),
          j.has("compacted") ? Revision.parse(text(j, "compacted")) : null, after,
          j.has("before") ? Revision.parse(text(j, "before")) : null,
          j.has("domain") ? text(j, "domain") : null, j.has("fieldSelector") ? text(j, "fieldSelector") : null,
          j.has("labelSelector") ? text(j, "labelSelector") : null);
      if (!j.path("crc").canConvertToLong() || j.path("crc").asLong() != crc(t.fields())) {
        throw new IllegalArgumentException("crc");
      }
    } catch (RuntimeException e) {
      throw bad("continue token is malformed or was modified; list again without continue");
    }
    if (!t.kind().equals(kind)) {
      throw bad("continue token is for a " + t.kind() + ", not a " + kind + "; use it with the request that issued it");
    }
    if (!t.storeId().equals(storeId)) {
      throw bad("continue token is from store " + t.storeId() + ", this is store " + storeId
          + " (the store was replaced); list again without continue");
    }
    if (kind.equals(LIST) && t.after() == null || kind.equals(HISTORY) && (t.before() == null || t.uuid() == null
        || t.compacted() == null)) {
      throw bad("continue token is malformed or was modified; list again without continue");
    }
    return t;
  }

  private static String text(JsonNode j, String field) {
    JsonNode v = j.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field);
    }
    return v.asText();
  }

  private static ApiException bad(String message) {
    return new ApiException(ApiException.Reason.BAD_REQUEST, message);
  }
}
