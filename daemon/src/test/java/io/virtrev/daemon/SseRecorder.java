package io.virtrev.daemon;

import com.launchdarkly.eventsource.ConnectStrategy;
import com.launchdarkly.eventsource.ErrorStrategy;
import com.launchdarkly.eventsource.EventSource;
import com.launchdarkly.eventsource.MessageEvent;
import com.launchdarkly.eventsource.background.BackgroundEventHandler;
import com.launchdarkly.eventsource.background.BackgroundEventSource;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SSE client (LaunchDarkly's EventSource: it reconnects with Last-Event-ID like a browser)
 * that records the id of every change event it receives and how often it connected.
 */
final class SseRecorder implements AutoCloseable {
  final List<Long> ids = Collections.synchronizedList(new ArrayList<>());
  final List<String> types = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger opens = new AtomicInteger();
  private final BackgroundEventSource source;

  SseRecorder(URI uri) {
    BackgroundEventHandler handler = new BackgroundEventHandler() {
      @Override public void onOpen() {
        opens.incrementAndGet();
      }

      @Override public void onClosed() { }

      @Override public void onMessage(String event, MessageEvent m) {
        types.add(event);
        if (!event.equals("BOOKMARK") && m.getLastEventId() != null && !m.getLastEventId().isEmpty()) {
          ids.add(Long.parseLong(m.getLastEventId()));
        }
      }

      @Override public void onComment(String comment) { }

      @Override public void onError(Throwable t) { } // the server ends streams: the client reconnects
    };
    EventSource.Builder es = new EventSource.Builder(ConnectStrategy.http(uri))
        .errorStrategy(ErrorStrategy.alwaysContinue()).retryDelay(50, TimeUnit.MILLISECONDS);
    this.source = new BackgroundEventSource.Builder(handler, es).build();
    this.source.start();
  }

  long last() {
    synchronized (ids) {
      return ids.isEmpty() ? -1 : ids.get(ids.size() - 1);
    }
  }

  List<Long> snapshot() {
    synchronized (ids) {
      return new ArrayList<>(ids);
    }
  }

  @Override
  public void close() {
    source.close();
  }
}
