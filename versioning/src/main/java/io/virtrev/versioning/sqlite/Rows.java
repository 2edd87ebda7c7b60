package io.virtrev.versioning.sqlite;

import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.versioning.Kind;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.StoredEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/** How history rows are read and written: the columns, labels as JSON, a row as a {@link StoredEvent}. Stateless. */
final class Rows {
  private Rows() {}

  /** The columns {@link #event} reads, in its order. */
  static final String ROW = "revision, type, time_ms, json, prev_name, prev_state, prev_labels, kind, uuid,"
      + " owner, name, state, labels";

  /** A history row read with {@link #ROW}; the object is parsed only if asked for ({@link StoredEvent#object()}). */
  static StoredEvent event(ResultSet rs) throws SQLException {
    return StoredEvent.fromRow(Revision.of(rs.getLong(1)), rs.getString(2), Kind.of(rs.getString(8)), rs.getString(9),
        rs.getString(10), rs.getString(11), rs.getString(12), Instant.ofEpochMilli(rs.getLong(3)), rs.getBytes(4),
        rs.getString(5), rs.getString(6), Rows.labelsOf(rs.getString(13)), Rows.labelsOf(rs.getString(7)));
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, String>> LABELS =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  /** A label map as a history column: a JSON object, or NULL for none. */
  static String labelsJson(Map<String, String> labels) {
    return labels.isEmpty() ? null : new String(Json.bytes(labels), java.nio.charset.StandardCharsets.UTF_8);
  }

  static Map<String, String> labelsOf(String column) {
    if (column == null) {
      return Map.of();
    }
    try {
      return java.util.Collections.unmodifiableMap(Json.mapper().readValue(column, LABELS));
    } catch (java.io.IOException e) {
      throw new StoreException("history holds labels that are not a JSON object: " + column, e);
    }
  }

}
