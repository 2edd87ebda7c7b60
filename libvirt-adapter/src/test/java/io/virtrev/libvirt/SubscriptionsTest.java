package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.source.SourceEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Every libvirt 9.0 domain event id is registered, and deregistered again, on libvirt's in-process test
 * driver: a second connection to {@code test:///default} in the same JVM shares its state and events.
 */
class SubscriptionsTest {
  private static final String URI = "test:///default";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<SourceEvent> received = new CopyOnWriteArrayList<>();
  private NativeConnect connect;
  private Connect mutator;

  @BeforeEach
  void connect() throws LibvirtException {
    EventLoop.ensureStarted();
    connect = new NativeConnect(URI);
    mutator = new Connect(URI);
  }

  @AfterEach
  void close() throws LibvirtException {
    mutator.close();
    connect.close();
  }

  @Test
  void oneCallbackPerEventIdInIdOrderAndOneTypeNamePerId() {
    List<DomainCallbacks.Registration> all = new DomainCallbacks((dom, event) -> {}).all();
    assertThat(all).extracting(DomainCallbacks.Registration::eventId)
        .containsExactlyElementsOf(IntStream.range(0, DomainEventNative.ID_LAST).boxed().toList());
    assertThat(all).extracting(DomainCallbacks.Registration::callback).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(LibvirtEvent.TYPES).hasSize(DomainEventNative.ID_LAST).doesNotHaveDuplicates();
    assertThat(LibvirtEvent.TYPES.get(DomainEventNative.ID_BLOCK_JOB_2)).isEqualTo(LibvirtEvent.BLOCK_JOB_2);
    assertThat(LibvirtEvent.TYPES.get(DomainEventNative.ID_MEMORY_DEVICE_SIZE_CHANGE))
        .isEqualTo(LibvirtEvent.MEMORY_DEVICE_SIZE_CHANGE);
  }

  /**
   * libvirt accepts every id of ours and refuses the next one ({@code VIR_DOMAIN_EVENT_ID_LAST}), so no
   * id of this libvirt is left out; after deregister, libvirt knows none of the callback ids any more.
   */
  @Test
  void registersEveryEventIdLibvirtKnowsAndDeregistersEachAgain() throws Exception {
    Subscriptions subscriptions = new Subscriptions(received::add);
    int[] ids = subscriptions.register(connect);
    assertThat(ids).hasSize(DomainEventNative.ID_LAST);
    assertThat(Arrays.stream(ids).distinct().filter(id -> id >= 0).count()).isEqualTo(DomainEventNative.ID_LAST);

    int beyond = LibvirtNative.INSTANCE.virConnectDomainEventRegisterAny(connect.pointer(), null,
        DomainEventNative.ID_LAST, (DomainEventNative.GenericCallback) (c, d, o) -> { }, null, null);
    assertThat(beyond).as("libvirt 9.0 has no event id %d", DomainEventNative.ID_LAST).isEqualTo(-1);

    mutator.domainLookupByName("test").suspend();
    await().atMost(WAIT).until(() -> received.stream().anyMatch(e -> e.event().type().equals("lifecycle")));

    subscriptions.deregister(connect, ids);
    for (int id : ids) {
      assertThat(LibvirtNative.INSTANCE.virConnectDomainEventDeregisterAny(connect.pointer(), id))
          .as("callback %d is still registered", id).isEqualTo(-1);
    }
    int before = received.size();
    Domain test = mutator.domainLookupByName("test");
    test.resume();
    test.suspend();
    test.resume();
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> received.size() == before);
  }

  /** Closing the source deregisters everything before closing the connection: no event arrives after. */
  @Test
  void noCallbackFiresAfterTheSourceIsClosed() throws Exception {
    LibvirtDomainSource source = new LibvirtDomainSource(LibvirtSourceConfig.defaults(URI));
    RecordingListener listener = new RecordingListener();
    source.start(listener);
    await().atMost(WAIT).until(source::isConnected);
    Domain test = mutator.domainLookupByName("test");
    test.suspend();
    await().atMost(WAIT).until(() -> listener.events.size() == 1);
    source.close();
    test.resume();
    test.suspend();
    test.resume();
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> listener.events.size() == 1);
  }
}
