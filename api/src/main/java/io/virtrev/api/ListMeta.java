package io.virtrev.api;

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
public record ListMeta(Revision resourceVersion, String storeId, Revision compactedRevision,
    @JsonProperty("continue") String continueToken, Long remainingItemCount) {
  public ListMeta(Revision resourceVersion, String storeId, Revision compactedRevision) {
    this(resourceVersion, storeId, compactedRevision, null, null);
  }
}
