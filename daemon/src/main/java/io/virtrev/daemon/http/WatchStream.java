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
import io.virtrev.versioning.VersionedStore;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.StoredEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch response: a chunked stream that delivers every revision after {@code cursor} that
 * passes the request's field selector, in order, exactly once.
 *
 * <p>It pulls rather than being pushed to: after a commit the store's writer only schedules one task per
 * event loop ({@link WatchWakers}), which calls {@link #pump()} of every stream on that loop. The pump writes while the channel is
 * writable, from the in-memory event log or, when the watcher lags behind it, from history pages
 * (shared by all lagging watchers) read on the blocking executor; each batch of events is one HTTP
 * chunk. So a slow client costs the writer nothing and holds about Netty's outbound buffer (its
 * high-water mark) in memory; one that lags past the retained history gets an ERROR event with a 410
 * Status and is closed.
 *
 * <p>The cursor advances over every revision, delivered or filtered out, so a BOOKMARK at the cursor
 * promises: nothing up to here that matches was left out.
 *
 * <p>Threads: all fields are confined to the channel's event loop.
 */
final class WatchStream implements ConnectionStream {
  private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);

  private final Channel channel;
  private final VersionedStore store;
  private final Executor blocking;
  private final int batch;
  private final WatchRequest request;
  private final Duration idle;
  private final Runnable onEnd;
  private final HttpMetrics metrics;
  private final WatchWakers wakers;
  private Revision cursor;
  private long lastWriteNanos = System.nanoTime();
  private boolean historyInFlight;
  private boolean finished;
  private boolean joined;
  private ScheduledFuture<?> timeoutTask;
  private ScheduledFuture<?> idleTask;
  private boolean slotHeld = true;
  private final List<?> startState; // the synthetic ADDED to write first, given at construction
  private List<?> initial; // synthetic ADDED still to write from nextInitial on; null once written
  private int nextInitial;
  private boolean columnsSent; // a Table watch: the column definitions went with the first event

  /**
   * A stream not begun: nothing is written before {@link #begin}. {@code initial}: the state at the start
   * revision, already filtered, sent as synthetic ADDED first. {@code onEnd} runs once when the stream ends,
   * for any reason (releases its watcher slot).
   */
  WatchStream(Channel channel, ApiContext api, WatchRequest request, Revision start, List<?> initial,
      Runnable onEnd) {
    this.channel = channel;
    this.store = api.store();
    this.blocking = api.blocking();
    this.batch = api.http().watchBatch();
    this.idle = api.http().bookmarkInterval();
    this.request = request;
    this.cursor = start;
    this.startState = initial;
    this.onEnd = onEnd;
    this.metrics = api.metrics();
    this.wakers = api.wakers();
  }

  /**
   * Sends the response head and the synthetic ADDED events of the state at the start revision, then
   * streams every revision after the start. Called once, on the channel's event loop.
   */
  @Override
  public void begin() {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE,
        request.table() == null ? request.format().contentType() : request.table().version().mediaType());
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store");
    head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE); // closed when the stream ends
    channel.write(head);
    send(request.format().preamble());
    this.initial = startState;
    channel.flush();
    wakers.join(channel.eventLoop(), this);
    joined = true;
    // However the connection ends, the stream lets go of its wake-ups, timers and watcher slot.
    channel.closeFuture().addListener(f -> onLoop(this::closed));
    timeoutTask = channel.eventLoop().schedule(this::finish, request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    if (request.bookmarks() || request.format() == WatchFormat.SSE) {
      long every = Math.max(1, idle.toMillis() / 2);
      idleTask = channel.eventLoop().scheduleAtFixedRate(this::onIdleCheck, every, every, TimeUnit.MILLISECONDS);
    }
    pump();
  }

  /** The channel became writable again, or a commit arrived: write what there is to write. */
  @Override
  public void pump() {
    if (finished || historyInFlight) {
      return;
    }
    if (initial != null && !writeInitial()) {
      return;
    }
    boolean wrote = false;
    while (channel.isWritable()) {
      var read = store.readRecent(cursor, batch, Math.max(1, channel.bytesBeforeUnwritable()));
      if (read.outOfRange()) {
        readHistory();
        break;
      }
      if (read.events().isEmpty()) {
        break;
      }
      wrote |= write(read.events());
    }
    if (wrote) {
      channel.flush();
    }
  }

  /**
   * Writes the synthetic ADDED events while the channel is writable (like every other write, so a
   * client that does not read holds at most the buffer plus one event), then the line that closes them.
   * True once all are written.
   */
  private boolean writeInitial() {
    boolean any = !initial.isEmpty();
    while (nextInitial < initial.size() && channel.isWritable()) {
      send(request.format().event(WatchEvent.ADDED, null, objectJson(initial.get(nextInitial++))));
    }
    if (nextInitial < initial.size()) {
      channel.flush();
      return false;
    }
    initial = null;
    if (request.sendInitialEvents()) {
      bookmark(true);
    } else if (any || request.resourceVersion().isEmpty()) {
      send(request.format().position(cursor));
    }
    channel.flush();
    return true;
  }

  private void readHistory() {
    historyInFlight = true;
    Revision from = cursor;
    blocking.execute(() -> {
      List<StoredEvent> events;
      try {
        events = store.readHistory(from, batch);
      } catch (StoreException e) {
        ApiException api = StoreErrors.api(e);
        if (api != null) {
          onLoop(() -> fail(api));
          return;
        }
        LOG.error("history read for a watcher failed", e);
        onLoop(() -> fail(new ApiException(ApiException.Reason.INTERNAL_ERROR,
            "history read failed: " + e.getMessage())));
        return;
      } catch (RuntimeException e) {
        LOG.error("history read for a watcher failed", e);
        onLoop(() -> fail(new ApiException(ApiException.Reason.INTERNAL_ERROR,
            "history read failed: " + e.getMessage())));
        return;
      }
      onLoop(() -> {
        historyInFlight = false;
        if (finished) {
          return;
        }
        if (write(events)) {
          channel.flush();
        }
        pump();
      });
    });
  }

  /** Runs {@code task} on the channel's event loop; at shutdown the loop may be gone, and so is the watch. */
  private void onLoop(Runnable task) {
    try {
      channel.eventLoop().execute(task);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      LOG.debug("watch event loop already stopped");
    }
  }

  /**
   * Writes what passes the selector as one HTTP chunk, and advances the cursor over what it wrote or
   * filtered out. Stops early once the chunk fills what the channel takes before it turns unwritable
   * (at least one event is always written): the rest is read again by the next pump, so a watcher holds
   * about one outbound buffer of memory, however large the batch. True if anything was written.
   */
  private boolean write(List<StoredEvent> events) {
    long room = Math.max(1, channel.bytesBeforeUnwritable());
    ByteBuf out = null;
    int n = 0;
    try {
      for (int i = 0; i < events.size(); i++) {
        if (out != null && out.writerIndex() >= room) {
          break; // full: the cursor stays before the rest
        }
        StoredEvent e = events.get(i);
        if (e.revision().compareTo(cursor) <= 0) {
          continue; // already seen (history and log overlap): Unique
        }
        if (e.revision().value() != cursor.value() + 1) {
          throw new IllegalStateException("watch gap: after " + cursor + " came " + e.revision());
        }
        cursor = e.revision();
        if (!request.covers(e.kind(), e.ownerUid())) {
          continue; // one revision counter for every kind: another kind's revision moves the cursor only
        }
        String type = request.selector().typeThrough(e);
        if (type == null) {
          continue;
        }
        if (out == null) {
          // Unfiltered, every event is written: one allocation for the batch. Filtered, grow as needed.
          out = channel.alloc().ioBuffer(
              request.selector().isEverything() ? estimate(events, i, room) : WatchFormat.estimate(e));
        }
        if (request.table() == null) {
          request.format().append(out, type, e);
        } else {
          request.format().append(out, type, e.revision(), objectJson(e.object(request.scope().model().type())));
        }
        n++;
      }
    } catch (RuntimeException ex) {
      if (out != null) {
        out.release();
      }
      throw ex;
    }
    if (n == 0) {
      return false;
    }
    send(out);
    metrics.eventsSent(n);
    return true;
  }

  /** An event's object: itself, or for a Table watch its one-row Table (columns on the first only). */
  @SuppressWarnings("unchecked")
  private byte[] objectJson(Object o) {
    if (request.table() == null) {
      return Json.bytes(o);
    }
    byte[] t = ((KindTable<Object>) request.scope().table()).one(request.table(), o, !columnsSent);
    columnsSent = true;
    return t;
  }

  /**
   * The bytes events {@code from..} take framed, about, as far as {@code room} reaches (plus the event
   * that crosses it): one allocation for what the batch writes.
   */
  private static int estimate(List<StoredEvent> events, int from, long room) {
    long sum = 0;
    for (int i = from; i < events.size() && sum < room; i++) {
      sum += WatchFormat.estimate(events.get(i));
    }
    return (int) Math.min(sum, Integer.MAX_VALUE - 8);
  }

  /** Every half interval: a BOOKMARK (if allowed) or an SSE heartbeat after {@code idle} without writes. */
  private void onIdleCheck() {
    if (finished || initial != null || System.nanoTime() - lastWriteNanos < idle.toNanos() || !channel.isWritable()) {
      return;
    }
    if (request.bookmarks()) {
      bookmark(false);
    } else {
      send(request.format().heartbeat());
    }
    channel.flush();
  }

  /**
   * A BOOKMARK at the cursor: the object carries only {@code metadata.resourceVersion} (and, at the end
   * of the initial events, the {@code k8s.io/initial-events-end} annotation).
   */
  private void bookmark(boolean initialEventsEnd) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("resourceVersion", cursor.toString());
    if (initialEventsEnd) {
      meta.put("annotations", Map.of("k8s.io/initial-events-end", "true"));
    }
    Map<String, Object> obj = new LinkedHashMap<>();
    if (request.scope() != null) { // a watch of every kind: no one kind to name
      obj.put("kind", request.scope().api().kind());
    }
    obj.put("apiVersion", Domain.API_VERSION);
    obj.put("metadata", meta);
    send(request.format().event(WatchEvent.BOOKMARK, cursor, Json.bytes(obj)));
  }

  private void send(ByteBuf buf) {
    if (buf != null) {
      channel.write(new DefaultHttpContent(buf));
      lastWriteNanos = System.nanoTime();
    }
  }

  /** Ends the stream with an ERROR event carrying {@code e}'s Status. */
  private void fail(ApiException e) {
    if (finished) {
      return;
    }
    send(request.format().event(WatchEvent.ERROR, null, Json.bytes(e.toStatus())));
    if (e.reason() == ApiException.Reason.EXPIRED) {
      metrics.watcherExpired();
    }
    end();
  }

  /** The server ends the stream (timeout, shutdown): a last BOOKMARK if allowed, so the client resumes. */
  @Override
  public void finish() {
    if (finished) {
      return;
    }
    if (request.bookmarks() && initial == null) {
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

  /** The connection went away. */
  @Override
  public void closed() {
    finished = true;
    release();
  }

  private void release() {
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
      timeoutTask = null;
    }
    if (idleTask != null) {
      idleTask.cancel(false);
      idleTask = null;
    }
    if (joined) {
      joined = false;
      wakers.leave(channel.eventLoop(), this);
    }
    if (slotHeld) {
      slotHeld = false;
      onEnd.run();
    }
  }
}
