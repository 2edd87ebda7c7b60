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
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One fleet watch response: the etcd watch's events after the start revision that pass the selector, in etcd
 * order, each once, as Kubernetes watch events whose resourceVersion is the etcd revision. BOOKMARKs (with
 * {@code allowWatchBookmarks}) come from etcd progress notifications: after {@code bookmarkInterval} without a
 * write the stream asks etcd for one, and etcd answers once it has sent every change up to the revision it
 * names, so a BOOKMARK promises that nothing up to it is left out.
 *
 * <p>etcd pushes: its events are queued (on the event loop) and written while the channel is writable. A
 * client that does not read holds at most {@code watchQueue} events; past that the stream ends (cleanly; the
 * client resumes from the last resourceVersion it saw). A compacted start or an etcd failure ends the stream
 * with an ERROR event (410 Expired: the client relists).
 *
 * <p>Threads: jetcd calls the listener on its threads; each call hops to the channel's event loop, to which
 * every field is confined.
 */
final class FleetWatchStream implements ConnectionStream {
  /**
   * A fleet watch request.
   *
   * @param kind the kind watched
   * @param host the one host watched (its etcd sub-prefix), or null for all
   * @param selector field and label selectors
   * @param bookmarks {@code allowWatchBookmarks}
   * @param sendInitialEvents ends the initial ADDED with a BOOKMARK annotated {@code k8s.io/initial-events-end}
   * @param timeout when the server ends the stream
   * @param format JSON lines or SSE
   * @param table null, or the Table each event's object is
   * @param watchQueue most events held for a slow client
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
  private boolean progressAsked;
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
    for (FleetObject o : initial) {
      send(request.format().event(WatchEvent.ADDED, null, objectJson(o)));
    }
    if (request.sendInitialEvents()) {
      bookmark(true);
    } else if (!initial.isEmpty() || !resumed) {
      send(request.format().position(Revision.of(cursor)));
    }
    channel.flush();
    channel.closeFuture().addListener(f -> onLoop(this::closed));
    timeoutTask = channel.eventLoop().schedule(this::finish, request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    long every = Math.max(1, idle.toMillis() / 2);
    idleTask = channel.eventLoop().scheduleAtFixedRate(this::onIdleCheck, every, every, TimeUnit.MILLISECONDS);
    handle = view.watch(request.kind().resource(), request.host(), start, resumed, request.selector(),
        new FleetView.Listener() {
          @Override
          public void events(List<FleetEvent> events) {
            if (!events.isEmpty()) {
              onLoop(() -> arrived(events));
            }
          }

          @Override
          public void progress(long revision) {
            onLoop(() -> progressed(revision));
          }

          @Override
          public void failed(ApiException e) {
            onLoop(() -> fail(e));
          }
        });
  }

  private void arrived(List<FleetEvent> events) {
    if (finished) {
      return;
    }
    queue.addAll(events);
    if (queue.size() > request.watchQueue()) {
      end(); // a client that does not read: it resumes from the last resourceVersion it saw
      return;
    }
    pump();
  }

  private void progressed(long revision) {
    progressAsked = false;
    boolean idleLong = System.nanoTime() - lastWriteNanos >= idle.toNanos();
    if (finished || !queue.isEmpty() || revision < cursor || revision == cursor && !idleLong) {
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
    if (finished) {
      return;
    }
    int n = 0;
    while (!queue.isEmpty() && channel.isWritable()) {
      FleetEvent e = queue.poll();
      if (e.revision() <= cursor) {
        continue; // never twice, nor out of order
      }
      cursor = e.revision();
      send(request.format().event(e.type(), Revision.of(e.revision()), objectJson(e.object())));
      n++;
    }
    if (n > 0) {
      channel.flush();
      metrics.eventsSent(n);
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

  /** Idle for the bookmark interval: ask etcd for a progress notification (a BOOKMARK), or an SSE heartbeat. */
  private void onIdleCheck() {
    if (finished || System.nanoTime() - lastWriteNanos < idle.toNanos() || !channel.isWritable()) {
      return;
    }
    if (request.bookmarks()) {
      if (!progressAsked && handle != null) {
        progressAsked = true;
        handle.requestProgress();
      }
    } else {
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
    obj.put("kind", request.kind().kind());
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
    pump(); // what etcd delivered before the failure goes first
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
    if (request.bookmarks() && queue.isEmpty()) {
      bookmark(false);
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
