package io.virtrev.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Busy hosts: on each host, {@code threads} clients alternate {@code suspend} and {@code resume} of a
 * domain of their own through the host's API ({@code POST /apis/virtrev.io/v1/domains/{name}/{action}}),
 * each answer waiting for its committed revision, so each success is one host revision. Runs until
 * {@link #stop()} or until every host made {@code perHost} successes.
 */
final class Churn implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLongArray ok;
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean stop;

  /** {@code domains.get(h)}: the domain names host {@code h}'s clients use, one per client. */
  Churn(Ctx c, List<JarProcess> hosts, List<List<String>> domains, long perHost) {
    ok = new AtomicLongArray(hosts.size());
    for (int h = 0; h < hosts.size(); h++) {
      int host = h;
      int port = hosts.get(h).port;
      for (String dom : domains.get(h)) {
        Thread t = new Thread(() -> {
          boolean suspend = true;
          while (!stop && (perHost < 0 || ok.get(host) < perHost)) {
            String path = Ctx.DOMAINS + "/" + dom + "/" + (suspend ? "suspend" : "resume");
            try {
              HttpResponse<Void> r = c.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
              if (r.statusCode() / 100 == 2) {
                ok.incrementAndGet(host);
              } else {
                failed.incrementAndGet(); // e.g. the domain already in that state: flip and go on
              }
            } catch (java.io.IOException e) {
              failed.incrementAndGet();
            } catch (InterruptedException e) {
              return;
            }
            suspend = !suspend;
          }
        }, "bench-churn-" + hosts.get(h).name + "-" + dom);
        t.setDaemon(true);
        threads.add(t);
      }
    }
    threads.forEach(Thread::start);
  }

  long ok() {
    long n = 0;
    for (int i = 0; i < ok.length(); i++) {
      n += ok.get(i);
    }
    return n;
  }

  long failed() {
    return failed.get();
  }

  /** Waits until every client finished (each host reached its count, or {@link #stop()}). */
  boolean await(java.time.Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    for (Thread t : threads) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      t.join(Math.max(1, left / 1_000_000));
      if (t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  void stop() throws InterruptedException {
    stop = true;
    for (Thread t : threads) {
      t.join(30_000);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
