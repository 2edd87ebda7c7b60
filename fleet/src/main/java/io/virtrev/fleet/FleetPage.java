package io.virtrev.fleet;

import java.util.List;

/**
 * One page of a fleet list, all read at one etcd revision.
 *
 * @param revision the etcd revision the page was read at (the list's resourceVersion)
 * @param items the objects, in key order ({@code <kind>/<host>/<uid>})
 * @param next the token of the next page, or null for the last page
 * @param remaining how many objects follow this page (only without a selector), or null
 */
public record FleetPage(long revision, List<FleetObject> items, FleetContinue next, Long remaining) {
  public FleetPage {
    items = List.copyOf(items);
  }
}
