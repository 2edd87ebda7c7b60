package io.virtrev.daemon.http;

import io.virtrev.api.ApiException;
import io.virtrev.versioning.FieldSelector;
import io.virtrev.versioning.Kind;
import io.virtrev.versioning.KindModel;
import io.virtrev.versioning.Kinds;
import io.virtrev.versioning.Snapshot;
import java.util.ArrayList;
import io.virtrev.api.Revision;
import java.util.List;
import java.util.Map;

/**
 * A GET with {@code watch=true}: of the collection, or of one domain's URL. Answers a {@link Reply.Stream}
 * (the {@link WatchStream} takes the connection over), or a complete refusal (a WebSocket asked for, bad
 * parameters, too many watches).
 */
final class WatchRoutes {
  private WatchRoutes() {}

  /** A watch of all domains, or ({@code domain} not null) of one domain's URL. */
  static Reply watch(Call c, String domain) {
    return watch(c, KindScope.DOMAINS, domain);
  }

  /**
   * A watch of {@code scope}'s kind (null: every kind, {@code /apis/virtrev.io/v1/all}), or ({@code name} not
   * null) of one object's URL.
   */
  static Reply watch(Call c, KindScope<?> scope, String name) {
    if (WebSocketRefusal.requested(c.req())) {
      return WebSocketRefusal.reply();
    }
    ApiContext api = c.api();
    WatchRequest w = WatchRequest.parse(c.req(), c.query(), api, scope, name);
    return RevisionWait.atRevision(c.req(), api, w.resourceVersion(), snap -> new Reply.Stream(ctx -> {
      if (!ctx.channel().isActive()) {
        return null; // the client left while we waited for the revision
      }
      Revision start;
      List<?> initial = List.of();
      if (w.resourceVersion().isPresent() && !w.sendInitialEvents()) {
        api.store().checkRetained(w.resourceVersion().get());
        start = w.resourceVersion().get();
      } else {
        // No revision (or "0"), or a streaming list: the current state as synthetic ADDED, then changes.
        start = snap.revision();
        initial = state(snap, scope, w.selector());
      }
      if (api.watchers().incrementAndGet() > api.http().maxWatchers()) {
        api.watchers().decrementAndGet();
        throw new ApiException(ApiException.Reason.TOO_MANY_REQUESTS, "too many watches open (the limit is "
            + api.http().maxWatchers() + "); retry later", Map.of("retryAfterSeconds", 1), null);
      }
      return new WatchStream(ctx.channel(), api, w, start, initial, api.watchers()::decrementAndGet);
    }));
  }

  /** The objects of {@code scope} (null: of every kind, kind by kind) in {@code snap} that pass {@code selector}. */
  static List<Object> state(Snapshot snap, KindScope<?> scope, FieldSelector selector) {
    List<Object> out = new ArrayList<>();
    if (scope == null) {
      for (Kind k : Kind.values()) {
        add(out, snap, Kinds.of(k), null, selector);
      }
    } else {
      add(out, snap, scope.model(), scope.ownerUid(), selector);
    }
    return out;
  }

  private static <T> void add(List<Object> out, Snapshot snap, KindModel<?, T> model, String ownerUid,
      FieldSelector selector) {
    for (T o : snap.items(model, ownerUid)) {
      if (selector.isEverything() || selector.matches(model.view(o))) {
        out.add(o);
      }
    }
  }
}
