package io.virtrev.api;

/**
 * Metadata of a list: the snapshot revision, the store's identity (a new id means a new, wiped store
 * whose revisions are unrelated to the old one's), and the compacted revision (a watch must start at or
 * after it).
 */
public record ListMeta(Revision resourceVersion, String storeId, Revision compactedRevision) {}
