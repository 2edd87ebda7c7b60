package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One line of a watch stream. {@code object} is a {@link Domain} for ADDED / MODIFIED / DELETED (for
 * DELETED: the last state, with the revision of the deletion), a {@link Status} for ERROR.
 */
@JsonClassDescription("One event of a watch stream (one JSON line).")
public record WatchEvent(
    @JsonPropertyDescription("ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.")
    String type,
    @JsonPropertyDescription("A Domain for ADDED, MODIFIED and DELETED (for DELETED: the last state, with the"
        + " revision of the deletion); for BOOKMARK an object carrying only metadata.resourceVersion (and"
        + " annotations); a Status for ERROR.")
    Object object) {
  public static final String ADDED = "ADDED";
  public static final String MODIFIED = "MODIFIED";
  public static final String DELETED = "DELETED";
  public static final String BOOKMARK = "BOOKMARK";
  public static final String ERROR = "ERROR";
}
