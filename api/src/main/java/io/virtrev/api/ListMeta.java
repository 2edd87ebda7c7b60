package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Metadata of a list: the snapshot revision, the store's identity (a new id means a new, wiped store
 * whose revisions are unrelated to the old one's), and the compacted revision (a watch must start at or
 * after it).
 *
 * @param continueToken Kubernetes' {@code continue}: set when more items follow; pass it back as the
 *     {@code continue} query parameter for the next page (of the same snapshot). Opaque. Null (absent)
 *     on the last page.
 * @param remainingItemCount how many items follow this page, when known (no field selector); null
 *     otherwise and on the last page
 */
@JsonClassDescription("Metadata of a list (a superset of Kubernetes' ListMeta).")
public record ListMeta(
    @JsonPropertyDescription("The revision of the snapshot the list shows: watch from it to miss nothing.")
    Revision resourceVersion,
    @JsonPropertyDescription("The store's identity: a new id means a new, wiped store whose revisions are"
        + " unrelated to the old one's (relist).")
    String storeId,
    @JsonPropertyDescription("The oldest revision still retained: a watch or list at a revision must start"
        + " at or after it (410 Expired otherwise).")
    Revision compactedRevision,
    @JsonProperty("continue")
    @JsonPropertyDescription("Set when more items follow: pass it back as the continue query parameter for"
        + " the next page of the same snapshot. Opaque.")
    String continueToken,
    @JsonPropertyDescription("How many items follow this page, when known.")
    Long remainingItemCount) {
  public ListMeta(Revision resourceVersion, String storeId, Revision compactedRevision) {
    this(resourceVersion, storeId, compactedRevision, null, null);
  }
}
