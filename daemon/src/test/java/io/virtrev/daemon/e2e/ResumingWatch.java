package io.virtrev.daemon.e2e;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's watch of {@code path} that outlives its daemon: as a Kubernetes reflector does, it
 * resumes from the last resource version it saw (or its start) on a new connection. {@link #events()}
 * is everything seen over every connection, in order. Used by one test thread; the connections'
 * reader threads only append inside {@link WatchClient}.
 */
final class ResumingWatch implements AutoCloseable {
  private final String path;
  private final long start;
  private final List<SeenEvent> earlier = new ArrayList<>(); // from connections already closed
  private WatchClient current;

  private ResumingWatch(String path, long start) {
    this.path = path;
    this.start = start;
  }

  /** Opens {@code path} (a watch path without query, or with one) from {@code start}; waits for 200. */
  static ResumingWatch open(ApiClient api, String path, long start, Duration wait) {
    ResumingWatch w = new ResumingWatch(path, start);
    w.connect(api, start, wait);
    return w;
  }

  String path() {
    return path;
  }

  long start() {
    return start;
  }

  /** Closes the current connection (its daemon is gone) and opens a new one from the last RV seen. */
  void resume(ApiClient api, Duration wait) {
    current.close();
    earlier.addAll(current.events());
    List<SeenEvent> seen = events();
    connect(api, seen.isEmpty() ? start : seen.get(seen.size() - 1).resourceVersion(), wait);
  }

  private void connect(ApiClient api, long from, Duration wait) {
    String sep = path.contains("?") ? "&" : "?";
    current = WatchClient.open(api, path + sep + "watch=true&resourceVersion=" + from);
    int status = current.status(wait);
    if (status != 200) {
      current.ended().join();
      throw new AssertionError("watch " + path + " from " + from + ": " + status + " " + current.errorBody());
    }
  }

  /** Every event of every connection so far, in arrival order. */
  List<SeenEvent> events() {
    List<SeenEvent> out = new ArrayList<>(earlier);
    out.addAll(current.events());
    return out;
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
    }
  }
}
