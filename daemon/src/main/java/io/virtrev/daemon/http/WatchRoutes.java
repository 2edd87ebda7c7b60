package io.virtrev.daemon.http;

import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
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
    if (WebSocketRefusal.requested(c.req())) {
      return WebSocketRefusal.reply();
    }
    ApiContext api = c.api();
    WatchRequest w = WatchRequest.parse(c.req(), c.query(), api, domain);
    return RevisionWait.atRevision(c.req(), api, w.resourceVersion(), snap -> new Reply.Stream(ctx -> {
      if (!ctx.channel().isActive()) {
        return null; // the client left while we waited for the revision
      }
      Revision start;
      List<Domain> initial = List.of();
      if (w.resourceVersion().isPresent() && !w.sendInitialEvents()) {
        api.store().checkRetained(w.resourceVersion().get());
        start = w.resourceVersion().get();
      } else {
        // No revision (or "0"), or a streaming list: the current state as synthetic ADDED, then changes.
        start = snap.revision();
        initial = w.selector().isEverything() ? snap.items()
            : snap.items().stream().filter(w.selector()::matches).toList();
      }
      if (api.watchers().incrementAndGet() > api.http().maxWatchers()) {
        api.watchers().decrementAndGet();
        throw new ApiException(ApiException.Reason.TOO_MANY_REQUESTS, "too many watches open (the limit is "
            + api.http().maxWatchers() + "); retry later", Map.of("retryAfterSeconds", 1), null);
      }
      return new WatchStream(ctx.channel(), api, w, start, initial, api.watchers()::decrementAndGet);
    }));
  }
}
