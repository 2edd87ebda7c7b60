package io.virtrev.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.virtrev.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's reads of the fleet in etcd (docs/fleet.md, "Gateway"): list of a kind at the current revision
 * or at R with limit/continue all from one revision, get by {@code <host>.<name>}, watch from R, each object
 * transformed to its fleet form ({@link FleetObject}). Stateless beyond the etcd client; thread-safe. Every
 * failure reaches the caller as an {@link ApiException}: 410 Expired for a compacted revision, 504 Timeout for
 * a revision etcd has not reached, 503 ServiceUnavailable when etcd does not answer within the request timeout.
 */
public final class FleetView {
  private static final Logger LOG = LoggerFactory.getLogger(FleetView.class);
  /** Keys read per etcd range while a selector filters (an unfiltered page reads exactly its limit). */
  private static final int FILTERED_BATCH = 500;

  private final Client client;
  private final Duration timeout;

  /** {@code timeout}: how long one etcd read may take before the request answers 503. */
  public FleetView(Client client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  /**
   * The etcd prefix of {@code kind}, of one host's objects if {@code host} is not null; {@code kind} null: every
   * object of every kind ({@code host} then narrows nothing: the layout is by kind first).
   */
  public static String prefix(String kind, String host) {
    return kind == null ? FleetKeys.allObjects() : host == null ? FleetKeys.kind(kind) : FleetKeys.kindOnHost(kind, host);
  }

  /** etcd's current revision (a count-only range, linearizable): what /readyz checks. */
  public CompletableFuture<Long> revision() {
    return timed(client.getKVClient().get(bytes(FleetKeys.ROOT),
        GetOption.builder().isPrefix(true).withCountOnly(true).build()))
        .thenApply(r -> r.getHeader().getRevision());
  }

  /**
   * A page of {@code kind}'s objects that pass {@code selector}, on one host if {@code host} is not null.
   *
   * @param at the etcd revision to read at; 0: the current one
   * @param after continue after this key (from a continue token), or null for the first page
   * @param limit most objects in the page; 0: all
   */
  public CompletableFuture<FleetPage> list(String kind, String host, long at, String after, FleetSelector selector,
      int limit) {
    String prefix = prefix(kind, host);
    List<FleetObject> items = new ArrayList<>();
    return page(prefix, after == null ? prefix : after + "\0", at, selector, limit, items);
  }

  /** Reads ranges from {@code start} at {@code at} (0 at first: the current revision) until the page is full. */
  private CompletableFuture<FleetPage> page(String prefix, String start, long at, FleetSelector selector, int limit,
      List<FleetObject> items) {
    boolean filtered = !selector.isEverything();
    long want = limit == 0 ? 0 : filtered ? Math.max(FILTERED_BATCH, limit) : limit;
    GetOption.Builder opt = GetOption.builder().withRange(bytes(rangeEnd(prefix))).withLimit(want);
    if (at > 0) {
      opt.withRevision(at);
    }
    return timed(client.getKVClient().get(bytes(start), opt.build())).thenCompose(r -> {
      long rev = at > 0 ? at : r.getHeader().getRevision();
      List<KeyValue> kvs = r.getKvs();
      for (int i = 0; i < kvs.size(); i++) {
        KeyValue kv = kvs.get(i);
        FleetObject o = object(kv, kv.getModRevision());
        if (o != null && selector.matches(o)) {
          items.add(o);
          if (limit > 0 && items.size() == limit) {
            boolean more = i < kvs.size() - 1 || r.isMore();
            FleetContinue next = more ? new FleetContinue(rev, string(kv.getKey()), prefix, selector.fieldText(),
                selector.labelText()) : null;
            Long remaining = more && !filtered ? r.getCount() - kvs.size() : null;
            return CompletableFuture.completedFuture(new FleetPage(rev, items, next, remaining));
          }
        }
      }
      if (r.isMore() && !kvs.isEmpty()) {
        return page(prefix, string(kvs.get(kvs.size() - 1).getKey()) + "\0", rev, selector, limit, items);
      }
      return CompletableFuture.completedFuture(new FleetPage(rev, items, null, null));
    });
  }

  /**
   * The object named {@code fleetName} ({@code <host>.<name>}) of {@code kind}, at {@code at} (0: now).
   *
   * @return the object and the revision read at; fails with NOT_FOUND if there is none
   */
  public CompletableFuture<FleetObject> get(String kind, String fleetName, long at) {
    FleetKeys.FleetName n = FleetKeys.splitName(fleetName);
    if (n == null) {
      return CompletableFuture.failedFuture(new ApiException(ApiException.Reason.NOT_FOUND, kind + " \""
          + fleetName + "\" not found: a fleet name is <host>.<name>", Map.of("name", fleetName, "kind", kind),
          null));
    }
    return get(kind, n.host(), n.name(), null, at, fleetName);
  }

  /**
   * The object {@code name} of {@code kind} on {@code host} that passes {@code owner} (null: any), at {@code at}
   * (0: now); {@code shown} is the name as the request gave it (for the 404).
   */
  public CompletableFuture<FleetObject> get(String kind, String host, String name, FleetSelector owner, long at,
      String shown) {
    String prefix = FleetKeys.kindOnHost(kind, host);
    GetOption.Builder opt = GetOption.builder().isPrefix(true);
    if (at > 0) {
      opt.withRevision(at);
    }
    // Names are unique per host and kind; the key is by uid, so the host's objects of the kind are scanned.
    byte[] needle = ("\"name\":\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .getBytes(StandardCharsets.UTF_8);
    return timed(client.getKVClient().get(bytes(prefix), opt.build())).thenApply(r -> {
      for (KeyValue kv : r.getKvs()) {
        if (contains(kv.getValue().getBytes(), needle)) {
          FleetObject o = object(kv, kv.getModRevision());
          if (o != null && o.hostName().equals(name) && (owner == null || owner.matches(o))) {
            return o;
          }
        }
      }
      throw new ApiException(ApiException.Reason.NOT_FOUND, kind + " \"" + shown + "\" not found",
          Map.of("name", shown, "kind", kind), null);
    });
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** What a fleet watch tells its owner; called on jetcd's threads, one call at a time per watch. */
  public interface Listener {
    /** Changes after the last ones, in etcd order, that pass the selector (maybe none). */
    void events(List<FleetEvent> events);

    /**
     * etcd's periodic progress notification ({@code --experimental-watch-progress-notify-interval}): etcd sends
     * it only to a watcher that has been sent every event, on that watcher's own channel, so every change up to
     * {@code revision} has been delivered before it and a BOOKMARK may promise it. Requested progress
     * ({@code WatchProgressRequest}) is not used: etcd 3.4.23 (Debian's) answers it at once with the store's
     * revision, possibly ahead of events not yet sent (etcd-io/etcd#15220).
     */
    void progress(long revision);

    /** The watch ended with {@code e} (410 when compacted); nothing more is called. */
    void failed(ApiException e);
  }

  /** A running fleet watch. */
  public interface Handle extends AutoCloseable {

    @Override
    void close();
  }

  /**
   * Watches {@code kind} (one host's if {@code host} is not null) for changes after revision {@code after}.
   *
   * @param resumed the client resumes from {@code after} as the resourceVersion of an event it saw: if that
   *     revision changed several objects under the prefix (a host's full re-mirror), the stream may have been
   *     cut among them, so the watch fails with 410 and the client relists (docs/fleet.md). False after a
   *     list read at {@code after} (the state at it is complete).
   */
  public Handle watch(String kind, String host, long after, boolean resumed, FleetSelector selector,
      Listener listener) {
    String prefix = prefix(kind, host);
    AtomicBoolean ended = new AtomicBoolean();
    long from = resumed ? after : after + 1;
    WatchOption opt = WatchOption.builder().withRevision(from).withPrefix(bytes(prefix)).withPrevKV(true)
        .withProgressNotify(true).build();
    Watch.Watcher w = client.getWatchClient().watch(bytes(prefix), opt, new Watch.Listener() {
      @Override
      public void onNext(WatchResponse r) {
        if (ended.get()) {
          return;
        }
        if (r.isProgressNotify()) {
          listener.progress(r.getHeader().getRevision());
          return;
        }
        List<FleetEvent> out = new ArrayList<>();
        int atAfter = 0;
        for (WatchEvent e : r.getEvents()) {
          long rev = e.getKeyValue().getModRevision();
          if (rev <= after) {
            atAfter++;
            continue;
          }
          FleetEvent fe;
          try {
            fe = event(e, selector);
          } catch (LostDelete lost) {
            end(new ApiException(ApiException.Reason.EXPIRED, "the object " + lost.key + " deleted at revision "
                + lost.revision + " has no previous value left in etcd (compacted): list again", Map.of(), null));
            return;
          }
          if (fe != null) {
            out.add(fe);
          }
        }
        if (atAfter > 1) {
          end(new ApiException(ApiException.Reason.EXPIRED, "resourceVersion " + after + " changed " + atAfter
              + " objects at once (a host's full re-mirror): a watch cannot resume inside it; list again",
              Map.of(), null));
          return;
        }
        listener.events(out);
      }

      @Override
      public void onError(Throwable t) {
        if (t instanceof CompactedException c) {
          end(expired(after, c.getCompactedRevision()));
        } else {
          LOG.debug("fleet watch of {} failed: {}", prefix, t.toString());
          end(new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "etcd watch failed: " + t.getMessage(),
              Map.of("retryAfterSeconds", 1), null));
        }
      }

      @Override
      public void onCompleted() {
        end(new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "etcd ended the watch",
            Map.of("retryAfterSeconds", 1), null));
      }

      private void end(ApiException e) {
        if (ended.compareAndSet(false, true)) {
          listener.failed(e);
        }
      }
    });
    return new Handle() {

      @Override
      public void close() {
        ended.set(true);
        w.close();
      }
    };
  }

  /** A watch event through {@code selector}: ADDED/MODIFIED/DELETED as the object starts, keeps, stops matching. */
  private static FleetEvent event(WatchEvent e, FleetSelector selector) {
    long rev = e.getKeyValue().getModRevision();
    KeyValue prevKv = e.getPrevKV();
    FleetObject prev = prevKv == null || prevKv.getKey().isEmpty() ? null : object(prevKv, prevKv.getModRevision());
    if (e.getEventType() == WatchEvent.EventType.DELETE) {
      if (prev == null) {
        if (FleetKeys.parse(e.getKeyValue().getKey().toString(StandardCharsets.UTF_8)) == null) {
          return null; // not an object's key
        }
        // An object was deleted but etcd no longer has its last value (compacted meanwhile): the DELETED
        // cannot be built, and dropping it would leave the client a ghost object.
        throw new LostDelete(e.getKeyValue().getKey().toString(StandardCharsets.UTF_8), rev);
      }
      return selector.matches(prev) ? new FleetEvent("DELETED", rev, prev.at(rev)) : null;
    }
    if (e.getEventType() != WatchEvent.EventType.PUT) {
      return null;
    }
    FleetObject now = object(e.getKeyValue(), rev);
    if (now == null) {
      return null;
    }
    boolean before = prev != null && selector.matches(prev);
    boolean after = selector.matches(now);
    if (before && after) {
      return new FleetEvent("MODIFIED", rev, now);
    }
    if (after) {
      return new FleetEvent("ADDED", rev, now);
    }
    return before ? new FleetEvent("DELETED", rev, now) : null;
  }

  /** The object at a key, or null (logged) if the key or value is not one. */
  private static FleetObject object(KeyValue kv, long rev) {
    String key = string(kv.getKey());
    try {
      return FleetObject.of(key, kv.getValue().getBytes(), rev);
    } catch (RuntimeException e) {
      LOG.warn("skipping etcd key {}: {}", key, e.getMessage());
      return null;
    }
  }

  static ApiException expired(long rv, long compacted) {
    return new ApiException(ApiException.Reason.EXPIRED, "too old resource version: " + rv + " (etcd compacted"
        + " the fleet's history up to " + compacted + "); list again", Map.of("compactedRevision",
        Long.toString(compacted)), null);
  }

  /** {@code f} bounded by the timeout, its etcd failures as ApiExceptions. */
  private <T> CompletableFuture<T> timed(CompletableFuture<T> f) {
    return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((v, t) -> {
      if (t == null) {
        return v;
      }
      throw translate(t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
    });
  }

  private ApiException translate(Throwable t) {
    if (t instanceof ApiException a) {
      return a;
    }
    String m = String.valueOf(t.getMessage());
    if (t instanceof CompactedException c) {
      return expired(0, c.getCompactedRevision());
    }
    if (m.contains("required revision has been compacted")) {
      return new ApiException(ApiException.Reason.EXPIRED, "too old resource version: etcd compacted the"
          + " revision asked for; list again without resourceVersion");
    }
    if (m.contains("future revision")) {
      return new ApiException(ApiException.Reason.TIMEOUT, "Too large resource version: the fleet (etcd) has"
          + " not reached the revision asked for", Map.of("retryAfterSeconds", 1), null);
    }
    if (t instanceof TimeoutException) {
      return new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "etcd did not answer within " + timeout,
          Map.of("retryAfterSeconds", 1), null);
    }
    return new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "etcd: " + m,
        Map.of("retryAfterSeconds", 1), null);
  }

  /** The end of the range of keys starting with {@code prefix} (the prefix with its last byte plus one). */
  static String rangeEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** A DELETE whose previous value etcd no longer has. */
  private static final class LostDelete extends RuntimeException {
    final String key;
    final long revision;

    LostDelete(String key, long revision) {
      super(null, null, false, false);
      this.key = key;
      this.revision = revision;
    }
  }
}
