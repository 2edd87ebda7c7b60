package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.virtrev.api.ApiException;
import io.virtrev.api.Revision;
import io.virtrev.versioning.Snapshot;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Serving "at least revision R": now if the store is there, else after it gets there, else 504. */
final class RevisionWait {

  private RevisionWait() {}

  /**
   * Runs {@code then} with a snapshot at or after {@code min}. A revision the store has not reached
   * yet is waited for up to {@code tooLargeWait} (or the request's shorter {@code timeout}), then answered
   * 504 as Kubernetes does.
   */
  static void atRevision(ChannelHandlerContext ctx, FullHttpRequest req, ApiContext api, Optional<Revision> min,
      Consumer<Snapshot> then) {
    Snapshot snap = api.store().snapshot();
    if (min.isEmpty() || min.get().compareTo(snap.revision()) <= 0) {
      then.accept(snap);
      return;
    }
    Revision wanted = min.get();
    req.retain();
    api.store().awaitRevision(wanted)
        .orTimeout(Query.bound(req, api.http().tooLargeWait()).toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((r, err) -> ctx.executor().execute(() -> {
          try {
            if (err != null) {
              Revision now = api.store().snapshot().revision();
              throw err instanceof TimeoutException
                  ? tooLarge(wanted, now)
                  : new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, err.getMessage());
            }
            then.accept(api.store().snapshot());
          } catch (RuntimeException e) {
            Responses.failure(ctx, req, e);
          } finally {
            req.release();
          }
        }));
  }


  /**
   * The apiserver's Status for a resourceVersion not reached in time (its NewTooLargeResourceVersionError):
   * 504 Timeout, a cause with reason {@code ResourceVersionTooLarge} (what client-go's reflector looks for
   * before relisting) and {@code retryAfterSeconds} (also the Retry-After header).
   */
  static ApiException tooLarge(Revision wanted, Revision now) {
    return StoreErrors.api(io.virtrev.versioning.StoreException.tooNew(wanted, now));
  }
}
