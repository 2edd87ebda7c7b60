package io.virtrev.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A fleet list's continue token: the etcd revision every page is read at, the last key returned, and what
 * the list selects (the etcd prefix and the selectors), so a token is refused on another list. Opaque to
 * clients (base64url of JSON). Immutable.
 */
public record FleetContinue(long revision, String lastKey, String prefix, String fieldSelector,
    String labelSelector) {

  public String encode() {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("v", 1).put("rv", revision).put("key", lastKey).put("prefix", prefix).put("fs", fieldSelector)
        .put("ls", labelSelector);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(o));
  }

  /**
   * @throws ApiException BAD_REQUEST for a token this gateway did not issue
   */
  public static FleetContinue decode(String token) {
    try {
      JsonNode o = Json.mapper().readTree(new String(Base64.getUrlDecoder().decode(token.strip()),
          StandardCharsets.UTF_8));
      if (o.path("v").asInt() != 1 || !o.path("rv").canConvertToLong() || o.path("rv").asLong() < 1
          || !o.path("key").isTextual() || !o.path("prefix").isTextual()) {
        throw new IllegalArgumentException("fields");
      }
      return new FleetContinue(o.get("rv").asLong(), o.get("key").asText(), o.get("prefix").asText(),
          o.path("fs").asText(""), o.path("ls").asText(""));
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "continue token is not valid: list again without"
          + " continue (it is not one this fleet gateway issued)");
    }
  }
}
