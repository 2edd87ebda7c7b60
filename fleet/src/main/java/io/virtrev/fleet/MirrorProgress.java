package io.virtrev.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The value of {@code /virtrev/v1/hosts/<host>/progress} (docs/fleet.md, "Mirror"): the store whose
 * revisions were mirrored and the last one mirrored. {@link #raw} is the exact bytes read from (or written
 * to) etcd: every mirror transaction compares on them, so a progress key written by anyone else since
 * (a second daemon on the host, a retried transaction that did apply) fails the compare. Immutable.
 *
 * @param storeId the host store's id ({@link io.virtrev.versioning.Snapshot#storeId()})
 * @param revision the last host revision whose change is in etcd
 * @param raw the key's value as stored
 */
public record MirrorProgress(String storeId, long revision, byte[] raw) {
  public MirrorProgress {
    Objects.requireNonNull(storeId, "storeId");
    if (revision < 0) {
      throw new IllegalArgumentException("progress revision < 0: " + revision);
    }
    raw = raw.clone();
  }

  /** The progress of {@code storeId} at {@code revision}, encoded as the mirror writes it. */
  public static MirrorProgress of(String storeId, long revision) {
    String json = "{\"storeId\":" + new String(Json.bytes(storeId), StandardCharsets.UTF_8) + ",\"revision\":"
        + revision + "}";
    return new MirrorProgress(storeId, revision, json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses a stored value.
   *
   * @throws IllegalArgumentException if it is not {@code {"storeId":..,"revision":N}}
   */
  public static MirrorProgress parse(byte[] raw) {
    JsonNode n;
    try {
      n = Json.mapper().readTree(raw);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("progress value is not JSON: " + e.getMessage());
    }
    if (n == null || !n.path("storeId").isTextual() || !n.path("revision").canConvertToLong()) {
      throw new IllegalArgumentException("progress value is not {\"storeId\":..,\"revision\":N}: "
          + new String(raw, StandardCharsets.UTF_8));
    }
    return new MirrorProgress(n.get("storeId").asText(), n.get("revision").asLong(), raw);
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  /** The stored bytes without a copy; callers must not modify them. */
  byte[] rawShared() {
    return raw;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MirrorProgress p && storeId.equals(p.storeId) && revision == p.revision
        && Arrays.equals(raw, p.raw);
  }

  @Override
  public int hashCode() {
    return Objects.hash(storeId, revision, Arrays.hashCode(raw));
  }

  @Override
  public String toString() {
    return "{storeId=" + storeId + ", revision=" + revision + "}";
  }
}
