package io.virtrev.versioning;

import io.virtrev.api.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the writer ({@link StoreWriter}) hands the sync thread ({@link StoreSyncer}), in order. */
sealed interface PipelineStage {

  /**
   * One applied batch: its events (maybe none), the state it leaves ({@code state}; its compacted mark
   * is not used), the count mark to commit with it, a compacted mark to publish ({@code compactedUpTo},
   * from {@link StoreCommand.Compacted} commands), and what to run once it is durable. {@code generation}:
   * the writer's generation it was applied in; a failed commit fails the rest of its generation.
   */
  record Applied(long generation, List<StoreCommand> commands, List<StoredEvent> events, Snapshot state,
      Revision mark, Revision compactedUpTo, List<Runnable> completions) implements PipelineStage {

    /** {@code this} and then {@code b} (of the same generation) as one batch: one group commit. */
    Applied merge(Applied b) {
      return new Applied(generation, concat(commands, b.commands()), concat(events, b.events()), b.state(),
          max(mark, b.mark()), max(compactedUpTo, b.compactedUpTo()), concat(completions, b.completions()));
    }
  }

  /** Completes once every stage handed over before it has been committed or failed. */
  record Drained(CompletableFuture<Void> done) implements PipelineStage {}

  record Halt() implements PipelineStage {}

  /** The later of two revisions, either of which may be null. */
  static Revision max(Revision a, Revision b) {
    return a == null || b != null && b.isAfter(a) ? b : a;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a.size() + b.size());
    out.addAll(a);
    out.addAll(b);
    return out;
  }
}
