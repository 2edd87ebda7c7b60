package io.virtrev.daemon.http;

import io.netty.buffer.Unpooled;
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
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import io.virtrev.versioning.DomainStore;
import io.virtrev.versioning.StoredEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch response: a chunked stream of JSON lines that delivers every revision after
 * {@code cursor}, in order, exactly once.
 *
 * <p>It pulls rather than being pushed to: the store's writer only calls {@link #wake()}, which
 * schedules {@link #pump()} on the channel's event loop. The pump writes while the channel is
 * writable, from the in-memory event log or, when the watcher lags behind it, from the database on the
 * blocking executor. So a slow client costs the writer nothing and holds at most Netty's outbound
 * buffer (its high-water mark) in memory; one that lags past the retained history gets an ERROR event
 * with a 410 Status and is closed.
 *
 * <p>Threads: all fields except {@code wakeScheduled} are confined to the channel's event loop.
 */
final class WatchStream {
  private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);
  private static final byte[] NEWLINE = {'\n'};

  private final Channel channel;
  private final DomainStore store;
  private final Executor blocking;
  private final int batch;
  private final AtomicBoolean wakeScheduled = new AtomicBoolean();
  private Revision cursor;
  private boolean historyInFlight;
  private boolean finished;
  private AutoCloseable subscription;
  private ScheduledFuture<?> timeoutTask;

  WatchStream(Channel channel, DomainStore store, Executor blocking, int batch, Revision start) {
    this.channel = channel;
    this.store = store;
    this.blocking = blocking;
    this.batch = batch;
    this.cursor = start;
  }

  /** Sends the response head and {@code initial} lines, then streams every revision after the start. */
  void begin(List<byte[]> initial, Duration timeout) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, Responses.JSON);
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store");
    channel.write(head);
    for (byte[] line : initial) {
      channel.write(chunk(line));
    }
    channel.flush();
    subscription = store.subscribe(this::wake);
    timeoutTask = channel.eventLoop().schedule(this::finish, timeout.toMillis(), TimeUnit.MILLISECONDS);
    pump();
  }

  /** Called by the store's writer after a commit: schedules a pump, never blocks. */
  void wake() {
    if (wakeScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::pump);
    }
  }

  /** The channel became writable again, or a commit arrived: write what there is to write. */
  void pump() {
    wakeScheduled.set(false);
    if (finished || historyInFlight) {
      return;
    }
    boolean wrote = false;
    while (channel.isWritable()) {
      var read = store.readRecent(cursor, batch);
      if (read.outOfRange()) {
        readHistory();
        break;
      }
      if (read.events().isEmpty()) {
        break;
      }
      write(read.events());
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  private void readHistory() {
    historyInFlight = true;
    Revision from = cursor;
    blocking.execute(() -> {
      List<StoredEvent> events;
      try {
        events = store.readHistory(from, batch);
      } catch (ApiException e) {
        channel.eventLoop().execute(() -> fail(e));
        return;
      } catch (RuntimeException e) {
        LOG.error("history read for a watcher failed", e);
        channel.eventLoop().execute(() -> fail(new ApiException(ApiException.Reason.INTERNAL_ERROR,
            "history read failed: " + e.getMessage())));
        return;
      }
      channel.eventLoop().execute(() -> {
        historyInFlight = false;
        if (finished) {
          return;
        }
        write(events);
        channel.flush();
        pump();
      });
    });
  }

  private void write(List<StoredEvent> events) {
    for (StoredEvent e : events) {
      if (e.revision().compareTo(cursor) <= 0) {
        continue; // already sent (history and log overlap); Unique
      }
      if (e.revision().value() != cursor.value() + 1) {
        throw new IllegalStateException("watch gap: after " + cursor + " came " + e.revision());
      }
      channel.write(chunk(e.line()));
      cursor = e.revision();
    }
  }

  /** Ends the stream with an ERROR event carrying {@code e}'s Status. */
  private void fail(ApiException e) {
    if (finished) {
      return;
    }
    channel.write(chunk(Json.bytes(new WatchEvent(WatchEvent.ERROR, e.toStatus()))));
    finish();
  }

  /** Ends the response cleanly (timeout, error, shutdown) and closes the connection. */
  void finish() {
    if (finished) {
      return;
    }
    finished = true;
    unsubscribe();
    if (channel.isActive()) {
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The connection went away. */
  void closed() {
    finished = true;
    unsubscribe();
  }

  private void unsubscribe() {
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
      timeoutTask = null;
    }
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception ignored) {
        // removing from a list does not fail
      }
      subscription = null;
    }
  }

  private static DefaultHttpContent chunk(byte[] line) {
    return new DefaultHttpContent(Unpooled.wrappedBuffer(line, NEWLINE));
  }
}
