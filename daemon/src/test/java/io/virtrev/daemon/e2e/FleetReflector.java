package io.virtrev.daemon.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A fleet client as client-go's reflector is one: list {@code path} from a gateway, watch from the
 * list's resource version, resume from the last resource version seen (an event's or a BOOKMARK's)
 * whenever the stream ends or the gateway does not answer, and relist on {@code 410 Expired} (as a
 * status or an ERROR event). {@link #useGateway} moves it to another gateway at its next connection,
 * as a load balancer would.
 *
 * <p>Threads: one {@code fleet-reflector} thread runs the loop and is the only writer of the state
 * below; tests read copies. Locks: {@code this} guards {@link #cache}, {@link #events}, {@link #lists},
 * {@link #expired} and {@link #paused}; nothing is called while holding it but map/list updates.
 */
final class FleetReflector implements AutoCloseable {
  private static final Duration ANSWER = Duration.ofSeconds(30);
  private static final long RETRY_MILLIS = 200;

  private final String path;
  private volatile ApiClient gateway;
  private volatile boolean closed;
  private volatile Throwable broken; // what ended the loop if not close(): a served object that is not a fleet object
  private volatile WatchClient current;
  private final Thread thread;
  private final Map<String, FleetEvent> cache = new HashMap<>(); // fleet name → last state
  private final List<FleetEvent> events = new ArrayList<>(); // every watch event, in arrival order
  private final List<Long> lists = new ArrayList<>(); // the resource version of every list
  private int expired; // 410s seen
  private boolean paused;
  private long lastRv;
  private CompletableFuture<Void> pausedAck = new CompletableFuture<>();

  private FleetReflector(ApiClient gateway, String path) {
    this.gateway = gateway;
    this.path = path;
    this.thread = new Thread(this::run, "fleet-reflector");
    this.thread.setDaemon(true);
  }

  /** Starts listing and watching {@code path} (e.g. {@code /apis/virtrev.io/v1/domains}) on {@code gateway}. */
  static FleetReflector start(ApiClient gateway, String path) {
    FleetReflector r = new FleetReflector(gateway, path);
    r.thread.start();
    return r;
  }

  /** The gateway the next connection (a resume or a relist) goes to. */
  void useGateway(ApiClient next) {
    gateway = next;
  }

  /**
   * Stops watching (closes the stream) and returns once the loop is idle: the client falls behind.
   * {@link #resume()} continues from the last resource version seen.
   */
  void pause() {
    CompletableFuture<Void> ack;
    synchronized (this) {
      paused = true;
      ack = pausedAck;
    }
    WatchClient w = current;
    if (w != null) {
      w.close();
    }
    ack.orTimeout(30, TimeUnit.SECONDS).join();
  }

  void resume() {
    synchronized (this) {
      paused = false;
      pausedAck = new CompletableFuture<>();
      notifyAll();
    }
  }

  private void run() {
    boolean needList = true;
    while (!closed) {
      try {
        awaitUnpaused();
        if (needList) {
          needList = !list();
          if (needList) {
            Thread.sleep(RETRY_MILLIS);
          }
          continue;
        }
        switch (watchOnce()) {
          case EXPIRED -> needList = true;
          case FAILED -> Thread.sleep(RETRY_MILLIS);
          case ENDED -> { }
        }
      } catch (InterruptedException e) {
        return;
      } catch (AssertionError e) {
        broken = e;
        return;
      } catch (RuntimeException e) {
        // a gateway that went away mid-request: try again (from the same resource version)
        try {
          Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void awaitUnpaused() throws InterruptedException {
    synchronized (this) {
      while (paused && !closed) {
        pausedAck.complete(null);
        wait();
      }
    }
  }

  /** One list; true if it answered 200 and the cache now holds it. */
  private boolean list() {
    ApiClient.Response r = gateway.get(path);
    if (r.status() == 410) {
      // the list itself does not expire (no resourceVersion asked); count it anyway, it must not happen
      synchronized (this) {
        expired++;
      }
      return false;
    }
    if (r.status() != 200) {
      return false;
    }
    JsonNode j = r.json();
    Map<String, FleetEvent> items = new HashMap<>();
    for (JsonNode item : j.get("items")) {
      FleetEvent e = FleetEvent.of("ADDED", item);
      items.put(e.fleetName(), e);
    }
    long rv = Long.parseLong(j.get("metadata").get("resourceVersion").asText());
    synchronized (this) {
      cache.clear();
      cache.putAll(items);
      lists.add(rv);
      lastRv = rv;
    }
    return true;
  }

  private enum Outcome { ENDED, EXPIRED, FAILED }

  private Outcome watchOnce() throws InterruptedException {
    long from;
    synchronized (this) {
      from = lastRv;
    }
    WatchClient w = WatchClient.open(gateway, path + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + from);
    current = w;
    try {
      int status;
      try {
        status = w.status(ANSWER);
      } catch (IllegalStateException e) {
        return Outcome.FAILED; // no answer: the gateway is down
      }
      if (status == 410) {
        synchronized (this) {
          expired++;
        }
        return Outcome.EXPIRED;
      }
      if (status != 200) {
        return Outcome.FAILED;
      }
      int seen = 0;
      while (true) {
        boolean ended = w.ended().isDone();
        List<SeenEvent> now = w.events();
        for (; seen < now.size(); seen++) {
          apply(now.get(seen));
        }
        for (JsonNode error : w.errors()) {
          if (error.path("code").asInt() == 410) {
            synchronized (this) {
              expired++;
            }
            return Outcome.EXPIRED;
          }
        }
        if (!w.errors().isEmpty()) {
          return Outcome.FAILED;
        }
        if (ended || closed || isPaused()) {
          return Outcome.ENDED;
        }
        try {
          w.ended().get(20, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
          // poll again
        }
      }
    } finally {
      w.close();
    }
  }

  private synchronized boolean isPaused() {
    return paused;
  }

  private void apply(SeenEvent seen) {
    FleetEvent e;
    try {
      e = FleetEvent.of(seen.type(), Json.mapper().readTree(seen.objectJson()));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    synchronized (this) {
      lastRv = e.fleetRv();
      if (e.bookmark()) {
        return;
      }
      events.add(e);
      if (e.type().equals("DELETED")) {
        cache.remove(e.fleetName());
      } else {
        cache.put(e.fleetName(), e);
      }
    }
  }

  /** Throws what stopped the client, if something did (the gateway served something not a fleet object). */
  void check() {
    Throwable b = broken;
    if (b != null) {
      throw new AssertionError("the fleet client stopped: " + b.getMessage(), b);
    }
  }

  /** A copy of the client's view: fleet name → last state. */
  synchronized Map<String, FleetEvent> cache() {
    return new HashMap<>(cache);
  }

  /** Every watch event so far (no BOOKMARKs), over every connection, in arrival order. */
  synchronized List<FleetEvent> events() {
    return new ArrayList<>(events);
  }

  /** The resource version of every list made (the first, then one per relist). */
  synchronized List<Long> lists() {
    return new ArrayList<>(lists);
  }

  /** How many 410 Expired answers (status or ERROR event) the client got. */
  synchronized int expired() {
    return expired;
  }

  /** The last resource version the client saw (a list's, an event's or a BOOKMARK's). */
  synchronized long lastResourceVersion() {
    return lastRv;
  }

  /** The watch events as {@link SeenEvent}s (fleet resource versions), for {@code WatchGuarantees}. */
  List<SeenEvent> seen() {
    return events().stream().map(e -> new SeenEvent(e.type(), null, e.fleetName(), e.fleetRv(), null)).toList();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      notifyAll();
    }
    WatchClient w = current;
    if (w != null) {
      w.close();
    }
    thread.interrupt();
  }
}
