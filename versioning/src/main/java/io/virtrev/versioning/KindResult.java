package io.virtrev.versioning;

import java.util.List;

/**
 * A mutation's outcome for an object of any kind but domains (domains have {@link Mutations.Result}): the
 * object at the revision that holds the result (a DELETED object's last state for a delete that removed
 * it), whether a revision was made, and warnings for the caller (Kubernetes' {@code Warning} header).
 */
public record KindResult<T>(T object, boolean changed, List<String> warnings) {
  public KindResult {
    warnings = List.copyOf(warnings);
  }
}
