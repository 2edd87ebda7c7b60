package io.virtrev.versioning;

import io.virtrev.api.Revision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * One page of the state of one kind at one revision, in list order (name, then uid).
 *
 * @param <T> the kind's served object
 * @param revision the revision the whole state (every page) is read at
 * @param items the page's objects that match the selector
 * @param next the key of the last item if more matching items follow (the next page starts after
 *     it), else null
 * @param remaining how many items follow this page, or null if unknown (a selector is applied: counting
 *     would mean evaluating every remaining item, which Kubernetes does not do either)
 */
public record ListPage<T>(Revision revision, List<T> items, ListKey next, Long remaining) {
  public ListPage {
    items = List.copyOf(items);
  }

  /** One entry of a sorted state: its key, and the history row (revision) holding it. */
  public record Head(ListKey key, long revision) {}

  /** A page of the domains of an in-memory snapshot; never blocks. {@code limit <= 0}: everything after {@code after}. */
  public static ListPage<io.virtrev.api.Domain> of(Snapshot snap, ListKey after, FieldSelector selector, int limit) {
    return of(snap, Kinds.DOMAINS, null, after, selector, limit);
  }

  /**
   * A page of the objects of {@code kind} in an in-memory snapshot (of {@code ownerUid}'s only, unless
   * null); never blocks. {@code limit <= 0}: everything after {@code after}.
   */
  public static <T> ListPage<T> of(Snapshot snap, KindModel<?, T> kind, String ownerUid, ListKey after,
      FieldSelector selector, int limit) {
    List<T> items = snap.items(kind, ownerUid);
    List<Head> heads = new ArrayList<>(items.size());
    for (T o : items) {
      StoredObject v = kind.view(o);
      heads.add(new Head(new ListKey(v.name(), v.uid()), v.resourceVersion().value()));
    }
    return cut(snap.revision(), heads, after, selector, limit, kind, hs -> {
      List<T> out = new ArrayList<>(hs.size());
      for (Head h : hs) {
        out.add(snap.byUid(kind, h.key().uuid()).orElseThrow());
      }
      return out;
    });
  }

  /**
   * Cuts the page after {@code after} out of {@code sorted} (ascending keys), loading objects only for
   * the entries it looks at: up to {@code limit + 1} matches, so that {@code next} is set only if a
   * matching item really follows.
   */
  public static <T> ListPage<T> cut(Revision at, List<Head> sorted, ListKey after, FieldSelector selector,
      int limit, KindModel<?, T> kind, Function<List<Head>, List<T>> load) {
    int from = 0;
    if (after != null) {
      int i = Collections.binarySearch(sorted, new Head(after, 0), (a, b) -> a.key().compareTo(b.key()));
      from = i >= 0 ? i + 1 : -i - 1;
    }
    long want = limit <= 0 ? Long.MAX_VALUE : (long) limit + 1;
    List<T> out = new ArrayList<>();
    int endOfPage = sorted.size(); // index after the last item that makes it into the page
    int i = from;
    while (i < sorted.size() && out.size() < want) {
      int n = (int) Math.min(sorted.size() - i, selector.isEverything() ? want - out.size() : Math.max(256, want));
      List<T> batch = load.apply(sorted.subList(i, i + n));
      for (int k = 0; k < batch.size() && out.size() < want; k++) {
        T d = batch.get(k);
        if (selector.matches(kind.view(d))) {
          out.add(d);
          if (out.size() == limit) {
            endOfPage = i + k + 1;
          }
        }
      }
      i += n;
    }
    if (limit > 0 && out.size() > limit) {
      List<T> page = out.subList(0, limit);
      Long remaining = selector.isEverything() ? (long) (sorted.size() - endOfPage) : null;
      StoredObject last = kind.view(page.get(limit - 1));
      return new ListPage<>(at, page, new ListKey(last.name(), last.uid()), remaining);
    }
    return new ListPage<>(at, out, null, null);
  }
}
