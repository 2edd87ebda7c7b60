package io.virtrev.versioning;

import io.virtrev.api.Revision;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** What the store's writer ({@link StoreWriter}) is asked to do, in submission order. */
sealed interface StoreCommand {

  /** Applies an observation, then (if {@code pre} is given) checks the precondition against the result. */
  record Observe(KindModel<?, ?> model, String uuid, Object observed, Cause cause, Precondition pre,
      CompletableFuture<Optional<StoredEvent>> done) implements StoreCommand {}

  /** Makes the objects of a kind ({@code owned}: only those of {@code ownerUid}) equal to {@code all}. */
  record Resync(KindModel<?, ?> model, boolean owned, String ownerUid, List<?> all, Set<String> keep,
      CompletableFuture<List<StoredEvent>> done) implements StoreCommand {}

  /** The compactor committed a new mark: publish a snapshot carrying it. */
  record Compacted(Revision upTo) implements StoreCommand {}

  record Stop() implements StoreCommand {}

  /** Fails the caller's future of {@code c}, if it has one. */
  static void fail(StoreCommand c, Exception e) {
    if (c instanceof Observe o) {
      o.done().completeExceptionally(e);
    } else if (c instanceof Resync r) {
      r.done().completeExceptionally(e);
    }
  }
}
