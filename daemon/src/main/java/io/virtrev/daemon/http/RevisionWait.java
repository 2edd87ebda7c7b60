package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpRequest;
import io.virtrev.api.ApiException;
import io.virtrev.api.Revision;
import io.virtrev.versioning.Snapshot;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** Serving "at least revision R": now if the store is there, else after it gets there, else 504. */
final class RevisionWait {

  private RevisionWait() {}

  /**
   * The reply {@code then} gives for a snapshot at or after {@code min}: now, or (a revision the store has
   * not reached yet) on the event loop once it has, waiting up to {@code tooLargeWait} (or the request's
   * shorter {@code timeout}), then 504 as Kubernetes answers.
   */
  static Reply atRevision(HttpRequest req, ApiContext api, Optional<Revision> min, Function<Snapshot, Reply> then) {
    Snapshot snap = api.store().snapshot();
    if (min.isEmpty() || min.get().compareTo(snap.revision()) <= 0) {
      return then.apply(snap);
    }
    Revision wanted = min.get();
    return new Reply.Later<>(api.store().awaitRevision(wanted)
        .orTimeout(Query.bound(req, api.http().tooLargeWait()).toMillis(), TimeUnit.MILLISECONDS), (r, err) -> {
          if (err != null) {
            Revision now = api.store().snapshot().revision();
            throw err instanceof TimeoutException
                ? tooLarge(wanted, now)
                : new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, err.getMessage());
          }
          return then.apply(api.store().snapshot());
        });
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
