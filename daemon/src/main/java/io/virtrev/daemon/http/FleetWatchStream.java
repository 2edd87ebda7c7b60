package io.virtrev.daemon.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import io.virtrev.fleet.FleetEvent;
import io.virtrev.fleet.FleetObject;
import io.virtrev.fleet.FleetSelector;
import io.virtrev.fleet.FleetView;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One fleet watch response: the etcd watch's events after the start revision that pass the selector, in etcd
 * order, each once, as Kubernetes watch events whose resourceVersion is the etcd revision. BOOKMARKs (with
 * {@code allowWatchBookmarks}) come from etcd's periodic progress notifications, which etcd sends a watcher only
 * once it has sent it every change up to the revision named, so a BOOKMARK promises that nothing up to it is
 * left out; one at the stream's last revision is written only after {@code bookmarkInterval} without a write.
 *
 * <p>etcd pushes: its events are queued (on the event loop) and written while the channel is writable. Past
 * {@code watchQueue} queued events (a client that does not keep up) the etcd watch is closed; once the queue is
 * written it is opened again after the last revision written, so a slow client costs about {@code watchQueue}
 * events of memory and misses nothing. A compacted start (also on such a resume) or an etcd failure ends the
 * stream with an ERROR event (410 Expired: the client relists).
 *
 * <p>Threads: jetcd calls the listener on its threads; each call hops to the channel's event loop, to which
 * every field is confined.
 */
final class FleetWatchStream implements ConnectionStream {
  private static final Logger LOG = LoggerFactory.getLogger(FleetWatchStream.class);
  /**
   * A fleet watch request.
   *
   * @param kind the kind watched; null: every kind ({@code /apis/virtrev.io/v1/all})
   * @param host the one host watched (its etcd sub-prefix), or null for all
   * @param selector field and label selectors
   * @param bookmarks {@code allowWatchBookmarks}
   * @param sendInitialEvents ends the initial ADDED with a BOOKMARK annotated {@code k8s.io/initial-events-end}
   * @param timeout when the server ends the stream
   * @param format JSON lines or SSE
   * @param table null, or the Table each event's object is
   * @param watchQueue most events held for a slow client before the etcd watch pauses
   */
  record Request(ApiKind kind, String host, FleetSelector selector, boolean bookmarks, boolean sendInitialEvents,
      Duration timeout, WatchFormat format, DomainTable.Options table, int watchQueue) {}

  private final Channel channel;
  private final FleetView view;
  private final Request request;
  private final Duration idle;
  private final HttpMetrics metrics;
  private final Runnable onEnd;
  private final long start;
  private final boolean resumed;
  private final List<FleetObject> initial;
  private final ArrayDeque<FleetEvent> queue = new ArrayDeque<>();
  private FleetView.Handle handle;
  private long cursor;
  private long lastWriteNanos = System.nanoTime();
  private int nextInitial; // the next initial ADDED to write
  private boolean initialDone; // every initial ADDED (and the line closing them) is written
  private boolean paused; // the etcd watch is closed until the queue is written (a slow client)
  private int generation; // of the current etcd watch: callbacks of an earlier one are ignored
  private boolean finished;
  private boolean columnsSent;
  private boolean slotHeld = true;
  private ScheduledFuture<?> timeoutTask;
  private ScheduledFuture<?> idleTask;

  /**
   * @param start the revision the stream starts after
   * @param resumed {@code start} is a client's resourceVersion ({@link FleetView#watch})
   * @param initial the state at {@code start}, sent as ADDED first (already filtered)
   * @param onEnd runs once when the stream ends, for any reason (releases the watcher slot)
   */
  FleetWatchStream(Channel channel, ApiContext api, FleetView view, Request request, long start, boolean resumed,
      List<FleetObject> initial, Runnable onEnd) {
    this.channel = channel;
    this.view = view;
    this.request = request;
    this.idle = api.http().bookmarkInterval();
    this.metrics = api.metrics();
    this.onEnd = onEnd;
    this.start = start;
    this.resumed = resumed;
    this.initial = initial;
    this.cursor = start;
  }

  @Override
  public void begin() {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE,
        request.table() == null ? request.format().contentType() : request.table().version().mediaType());
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store");
    head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    channel.write(head);
    send(request.format().preamble());
    channel.flush();
    channel.closeFuture().addListener(f -> onLoop(this::closed));
    timeoutTask = channel.eventLoop().schedule(this::finish, request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    long every = Math.max(1, idle.toMillis() / 2);
    idleTask = channel.eventLoop().scheduleAtFixedRate(this::onIdleCheck, every, every, TimeUnit.MILLISECONDS);
    handle = watchEtcd(start, resumed);
    pump();
  }

  /**
   * Writes the initial ADDED events while the channel is writable (a client that does not read holds at most the
   * buffer plus one), then the line that closes them. True once all are written.
   */
  private boolean writeInitial() {
    while (nextInitial < initial.size() && channel.isWritable()) {
      send(request.format().event(WatchEvent.ADDED, null, objectJson(initial.get(nextInitial++))));
    }
    if (nextInitial < initial.size()) {
      channel.flush();
      return false;
    }
    initialDone = true;
    if (request.sendInitialEvents()) {
      bookmark(true);
    } else if (!initial.isEmpty() || !resumed) {
      send(request.format().position(Revision.of(cursor)));
    }
    channel.flush();
    return true;
  }

  /** The etcd watch of the kind after {@code after}; its listener hops to the event loop. */
  private FleetView.Handle watchEtcd(long after, boolean isResume) {
    int gen = ++generation; // what a closed watch still delivers is dropped
    return view.watch(request.kind() == null ? null : request.kind().resource(), request.host(), after, isResume,
        request.selector(),
        new FleetView.Listener() {
          @Override
          public void events(List<FleetEvent> events) {
            if (!events.isEmpty()) {
              onLoop(() -> {
                if (gen == generation) {
                  arrived(events);
                }
              });
            }
          }

          @Override
          public void progress(long revision) {
            onLoop(() -> {
              if (gen == generation) {
                progressed(revision);
              }
            });
          }

          @Override
          public void failed(ApiException e) {
            onLoop(() -> {
              if (gen == generation) {
                fail(e);
              }
            });
          }
        });
  }

  private void arrived(List<FleetEvent> events) {
    if (finished) {
      return;
    }
    queue.addAll(events);
    pump();
    if (queue.size() > request.watchQueue()) {
      // A client that does not keep up: stop reading etcd for it; pump() resumes from the cursor once the
      // queue is written, so it holds at most about watchQueue events plus one etcd response.
      handle.close();
      handle = null;
      generation++;
      paused = true;
    }
  }

  private void progressed(long revision) {
    boolean idleLong = System.nanoTime() - lastWriteNanos >= idle.toNanos();
    if (finished || !initialDone || !queue.isEmpty() || revision < cursor || revision == cursor && !idleLong) {
      return; // a BOOKMARK at the cursor only when the stream has been idle for the bookmark interval
    }
    cursor = revision;
    if (request.bookmarks()) {
      bookmark(false);
      channel.flush();
    }
  }

  @Override
  public void pump() {
    if (finished || !initialDone && !writeInitial()) {
      return;
    }
    int n = 0;
    while (!queue.isEmpty() && channel.isWritable()) {
      FleetEvent e = queue.poll();
      if (e.revision() < cursor) {
        // etcd delivers in revision order and a progress notification only after every event before it
        // (FleetView.Listener#progress): an event behind the cursor means that promise was broken. Never
        // skip it silently: the client relists.
        LOG.error("fleet watch: event at revision {} after the stream's cursor {}; ending the stream with 410",
            e.revision(), cursor);
        queue.clear();
        fail(new ApiException(ApiException.Reason.EXPIRED, "the fleet watch lost its order at revision "
            + e.revision() + " (after " + cursor + "): list again", Map.of(), null));
        return;
      }
      cursor = e.revision();
      send(request.format().event(e.type(), Revision.of(e.revision()), objectJson(e.object())));
      n++;
    }
    if (n > 0) {
      channel.flush();
      metrics.eventsSent(n);
    }
    if (paused && queue.isEmpty()) {
      // Everything etcd delivered up to the cursor is written (the queue held whole revisions): go on after it.
      paused = false;
      handle = watchEtcd(cursor, false);
    }
  }

  private byte[] objectJson(FleetObject o) {
    if (request.table() == null) {
      return o.bytes();
    }
    byte[] t = FleetTable.one(request.kind(), request.table(), o, !columnsSent);
    columnsSent = true;
    return t;
  }

  /**
   * Idle for the bookmark interval without bookmarks asked for: an SSE heartbeat. BOOKMARKs come only from
   * etcd's periodic progress notifications ({@link #progressed}; FleetView.Listener#progress says why not
   * from requested ones).
   */
  private void onIdleCheck() {
    if (finished || paused || !initialDone || System.nanoTime() - lastWriteNanos < idle.toNanos()
        || !channel.isWritable()) {
      return;
    }
    if (!request.bookmarks()) {
      send(request.format().heartbeat());
      channel.flush();
    }
  }

  private void bookmark(boolean initialEventsEnd) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("resourceVersion", Long.toString(cursor));
    if (initialEventsEnd) {
      meta.put("annotations", Map.of("k8s.io/initial-events-end", "true"));
    }
    Map<String, Object> obj = new LinkedHashMap<>();
    if (request.kind() != null) { // a watch of every kind: no one kind to name
      obj.put("kind", request.kind().kind());
    }
    obj.put("apiVersion", Domain.API_VERSION);
    obj.put("metadata", meta);
    send(request.format().event(WatchEvent.BOOKMARK, Revision.of(cursor), Json.bytes(obj)));
  }

  private void send(ByteBuf buf) {
    if (buf != null) {
      channel.write(new DefaultHttpContent(buf));
      lastWriteNanos = System.nanoTime();
    }
  }

  private void fail(ApiException e) {
    if (finished) {
      return;
    }
    pump(); // what etcd delivered before the failure goes first (as far as the client reads)
    send(request.format().event(WatchEvent.ERROR, null, Json.bytes(e.toStatus())));
    if (e.reason() == ApiException.Reason.EXPIRED) {
      metrics.watcherExpired();
    }
    end();
  }

  @Override
  public void finish() {
    if (finished) {
      return;
    }
    if (request.bookmarks() && queue.isEmpty() && initialDone) {
      bookmark(false); // not while initial events are left: it would promise them
    }
    end();
  }

  private void end() {
    finished = true;
    release();
    if (channel.isActive()) {
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void closed() {
    finished = true;
    release();
  }

  private void release() {
    queue.clear();
    if (handle != null) {
      handle.close();
      handle = null;
    }
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
      timeoutTask = null;
    }
    if (idleTask != null) {
      idleTask.cancel(false);
      idleTask = null;
    }
    if (slotHeld) {
      slotHeld = false;
      onEnd.run();
    }
  }

  private void onLoop(Runnable task) {
    try {
      channel.eventLoop().execute(task);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      // the loop is gone, and so is the watch
    }
  }
}
