package io.virtrev.api;

/**
 * One line of a watch stream. {@code object} is a {@link Domain} for ADDED / MODIFIED / DELETED (for
 * DELETED: the last state, with the revision of the deletion), a {@link Status} for ERROR.
 */
public record WatchEvent(String type, Object object) {
  public static final String ADDED = "ADDED";
  public static final String MODIFIED = "MODIFIED";
  public static final String DELETED = "DELETED";
  public static final String BOOKMARK = "BOOKMARK";
  public static final String ERROR = "ERROR";
}
