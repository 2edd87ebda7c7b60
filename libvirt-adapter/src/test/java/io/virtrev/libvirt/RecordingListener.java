package io.virtrev.libvirt;

import io.virtrev.api.source.SourceEvent;
import io.virtrev.api.source.SourceListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records everything a source reports, in order; safe to read from the test thread. */
final class RecordingListener implements SourceListener {
  final List<SourceEvent> events = new CopyOnWriteArrayList<>();
  /** "connected" and "disconnected" in call order. */
  final List<String> connection = new CopyOnWriteArrayList<>();
  final List<String> threads = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(SourceEvent event) {
    threads.add(Thread.currentThread().getName());
    events.add(event);
  }

  @Override
  public void onConnected() {
    connection.add("connected");
  }

  @Override
  public void onDisconnected(String reason) {
    connection.add("disconnected");
  }

  long connectedCount() {
    return connection.stream().filter("connected"::equals).count();
  }

  long disconnectedCount() {
    return connection.stream().filter("disconnected"::equals).count();
  }

  /** "type/event/detail" of the events for {@code uuid}, in arrival order. */
  List<String> eventsFor(String uuid) {
    return events.stream()
        .filter(e -> e.uuid().equals(uuid))
        .map(e -> e.event().type() + "/" + e.event().event() + "/" + e.event().detail())
        .collect(Collectors.toList());
  }
}
