package io.virtrev.client;

import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;

/**
 * A list of domains ({@code kind: DomainList}). Its {@code metadata} is fabric8's ListMeta:
 * {@code resourceVersion} (the snapshot), {@code continue}, {@code remainingItemCount}; virtrev's
 * {@code storeId} and {@code compactedRevision} are in its additional properties.
 */
public final class DomainList extends DefaultKubernetesResourceList<Domain> {}
