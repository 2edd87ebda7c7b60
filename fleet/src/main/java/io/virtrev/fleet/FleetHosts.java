package io.virtrev.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the gateway's mutations read of the hosts in etcd (docs/fleet.md, "Mutations"): a host's
 * registration (where its API is) and its mirror's progress, and the wait until the mirror has published
 * a host revision. Stateless beyond the etcd client; thread-safe. Failures reach the caller as
 * {@link ApiException}s: 503 when a host is not registered or etcd does not answer, 504 when the mirror
 * has not published a revision within the bound.
 */
public final class FleetHosts {
  private final Client client;
  private final Duration timeout;

  /** {@code timeout}: how long one etcd read may take before the request answers 503. */
  public FleetHosts(Client client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  /** A host's registration: where the gateway sends its mutations. */
  public record Registration(String host, String apiUrl, String storeId) {}

  /**
   * The mirror's progress at an etcd revision.
   *
   * @param etcdRevision the etcd revision it was read at
   * @param hostRevision the last host revision mirrored (0: none yet)
   */
  public record Progress(long etcdRevision, long hostRevision) {}

  /** The registration of {@code host}; 503 (ServiceUnavailable) if it has none (its daemon is down or gone). */
  public CompletableFuture<Registration> registration(String host) {
    return timed(client.getKVClient().get(bytes(FleetKeys.registration(host)))).thenApply(r -> {
      if (r.getKvs().isEmpty()) {
        throw new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "host " + host + " is not registered in"
            + " the fleet (its virtrevd is stopped, or has not reached etcd within its lease): its objects cannot"
            + " be changed now", Map.of("retryAfterSeconds", 5), null);
      }
      JsonNode j = json(r.getKvs().get(0));
      String url = j.path("apiUrl").asText("");
      if (url.isEmpty()) {
        throw new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "host " + host + " registered no apiUrl",
            Map.of("retryAfterSeconds", 5), null);
      }
      return new Registration(host, url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
          j.path("storeId").asText(null));
    });
  }

  /** The progress of {@code host}'s mirror now, with the etcd revision read at. */
  public CompletableFuture<Progress> progress(String host) {
    return timed(client.getKVClient().get(bytes(FleetKeys.progress(host)))).thenApply(r ->
        new Progress(r.getHeader().getRevision(), r.getKvs().isEmpty() ? 0 : hostRevision(r.getKvs().get(0))));
  }

  /**
   * The etcd revision at which {@code host}'s mirror published host revision {@code hostRevision}: the
   * first change of its progress key after {@code since} (a {@link Progress} read before the host was
   * asked) to a revision at or past it. One mirror transaction carries a host revision and its progress,
   * so that is the revision at which the host's change is visible in the fleet (for a deletion: the
   * delete's revision). If {@code since} had already reached {@code hostRevision} (the host made no new
   * revision, e.g. a patch that changed nothing), 0.
   *
   * @throws ApiException (as the future's failure) TIMEOUT after {@code bound}, naming the host revision
   *     not mirrored yet; SERVICE_UNAVAILABLE when the etcd watch fails
   */
  public CompletableFuture<Long> mirrored(String host, String storeId, long hostRevision, Progress since,
      Duration bound) {
    if (since.hostRevision() >= hostRevision) {
      return CompletableFuture.completedFuture(0L);
    }
    // Progress of the store that answered (a new data dir under the host name restarts its revisions: its
    // progress says nothing of this change).
    return firstEvent(FleetKeys.progress(host), since, bound,
        e -> e.getEventType() == WatchEvent.EventType.PUT && hostRevision(e.getKeyValue()) >= hostRevision
            && (storeId == null || storeId.equals(json(e.getKeyValue()).path("storeId").asText())),
        "the change was made on host " + host + " (its revision " + hostRevision + ")",
        Map.of("hostResourceVersion", Long.toString(hostRevision)));
  }

  /**
   * The mod revision of the first change of {@code key} after {@code since} that {@code wanted} accepts;
   * the etcd watch is closed when it completes, fails or times out.
   */
  private CompletableFuture<Long> firstEvent(String key, Progress since, Duration bound,
      java.util.function.Predicate<WatchEvent> wanted, String done, Map<String, Object> details) {
    CompletableFuture<Long> found = new CompletableFuture<>();
    Watch.Watcher w = client.getWatchClient().watch(bytes(key),
        WatchOption.builder().withRevision(since.etcdRevision() + 1).build(), new Watch.Listener() {
          @Override
          public void onNext(WatchResponse r) {
            for (WatchEvent e : r.getEvents()) {
              if (wanted.test(e)) {
                found.complete(e.getKeyValue().getModRevision());
                return;
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            // The change is made: 504 (not a 503 inviting a retry), naming what was done.
            found.completeExceptionally(new ApiException(ApiException.Reason.TIMEOUT, done
                + ", but watching its mirror in etcd failed: " + t.getMessage(), details, null));
          }

          @Override
          public void onCompleted() {
            onError(new IllegalStateException("etcd ended the watch"));
          }
        });
    return found.orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS).handle((rev, t) -> {
      w.close();
      if (t == null) {
        return rev;
      }
      Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      if (c instanceof TimeoutException) {
        throw new ApiException(ApiException.Reason.TIMEOUT, done + ", but its mirror has not published it into"
            + " the fleet within " + bound + "; it will appear in the fleet once the host's mirror catches up:"
            + " watch the object", details, null);
      }
      throw c instanceof ApiException a ? a : new CompletionException(c);
    });
  }

  private static long hostRevision(KeyValue kv) {
    return json(kv).path("revision").asLong(0);
  }

  private static JsonNode json(KeyValue kv) {
    try {
      return Json.mapper().readTree(kv.getValue().getBytes());
    } catch (IOException e) {
      throw new ApiException(ApiException.Reason.INTERNAL_ERROR, "etcd key " + kv.getKey().toString(
          StandardCharsets.UTF_8) + " does not hold JSON: " + e.getMessage());
    }
  }

  /** {@code f} bounded by the timeout, its etcd failures as 503. */
  private <T> CompletableFuture<T> timed(CompletableFuture<T> f) {
    return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((v, t) -> {
      if (t == null) {
        return v;
      }
      Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      if (c instanceof ApiException a) {
        throw a;
      }
      throw new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, c instanceof TimeoutException
          ? "etcd did not answer within " + timeout : "etcd: " + c.getMessage(), Map.of("retryAfterSeconds", 1), null);
    });
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
