package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSpec;
import io.virtrev.api.DomainStatus;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The in-memory event log: dense revisions, OUT_OF_RANGE behind it, bounded by count and by bytes. */
class EventLogTest {
  private static final String UUID = "11111111-1111-1111-1111-111111111111";

  /** The event of revision {@code rev}, with a config XML of about {@code xmlBytes} bytes. */
  static StoredEvent event(long rev, int xmlBytes) {
    String xml = "<domain><name>a</name><description>" + "x".repeat(xmlBytes) + "</description></domain>";
    Domain d = Domain.of(new DomainMeta("a", UUID, Revision.of(rev), 1, Revision.of(2), null), new DomainSpec(xml, true, false),
        new DomainStatus("shutoff", "unknown", null, null));
    return StoredEvent.of(WatchEvent.MODIFIED, d, d, Instant.EPOCH);
  }

  private static List<Long> revisions(RecentEvents r) {
    assertThat(r.outOfRange()).as("in range").isFalse();
    return r.events().stream().map(e -> e.revision().value()).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void keepsOnlyTheNewestEventsThatFitTheByteBudget() {
    // Revisions of three digits: every event has the same size.
    long size = event(102, 1000).retainedBytes();
    EventLog log = new EventLog(1_000, 3 * size + size / 2, Revision.of(101));
    for (long r = 102; r <= 111; r++) {
      log.append(event(r, 1000));
    }
    assertThat(log.size()).isEqualTo(3);
    assertThat(log.bytes()).isEqualTo(3 * size);
    assertThat(revisions(log.readAfter(108, 100))).containsExactly(109L, 110L, 111L);
    assertThat(log.readAfter(107, 100).outOfRange()).isTrue();
    assertThat(log.readAfter(101, 100).outOfRange()).isTrue();
    assertThat(revisions(log.readAfter(111, 100))).as("nothing newer yet").isEmpty();
  }

  @Test
  void aLargeEventEvictsAsManyOldOnesAsItNeedsButTheNewestAlwaysStays() {
    long small = event(102, 100).retainedBytes();
    EventLog log = new EventLog(1_000, 10 * small, Revision.of(101));
    for (long r = 102; r <= 111; r++) {
      log.append(event(r, 100));
    }
    assertThat(log.size()).isEqualTo(10);
    StoredEvent big = event(112, (int) (6 * small));
    log.append(big);
    // big = 7 small - 100 bytes: three small ones still fit beside it.
    assertThat(log.size()).as("the big one plus the small ones that still fit").isEqualTo(4);
    assertThat(log.bytes()).isEqualTo(big.retainedBytes() + 3 * small).isLessThanOrEqualTo(10 * small);
    assertThat(revisions(log.readAfter(108, 100))).containsExactly(109L, 110L, 111L, 112L);
    assertThat(log.readAfter(107, 100).outOfRange()).isTrue();

    StoredEvent huge = event(113, (int) (20 * small));
    log.append(huge);
    assertThat(log.size()).as("alone over the budget, and still kept").isEqualTo(1);
    assertThat(revisions(log.readAfter(112, 100))).containsExactly(113L);
    assertThat(log.readAfter(112, 100).events().get(0).line()).isEqualTo(huge.line());
    assertThat(log.readAfter(111, 100).outOfRange()).isTrue();

    log.append(event(114, 100));
    assertThat(revisions(log.readAfter(113, 100))).as("the huge one goes as soon as it is not the newest")
        .containsExactly(114L);
    assertThat(log.readAfter(112, 100).outOfRange()).isTrue();
  }

  @Test
  void theCountLimitStillHoldsAndTheRingGrowsAndWrapsWithoutLosingOrder() {
    EventLog log = new EventLog(3_000, Long.MAX_VALUE, Revision.of(1));
    for (long r = 2; r <= 5_001; r++) {
      log.append(event(r, 10));
      if (r == 700) {
        assertThat(revisions(log.readAfter(1, 10_000))).isEqualTo(range(2, 700));
      }
    }
    assertThat(log.size()).isEqualTo(3_000);
    assertThat(revisions(log.readAfter(2_001, 10_000))).isEqualTo(range(2_002, 5_001));
    assertThat(revisions(log.readAfter(4_000, 5))).isEqualTo(range(4_001, 4_005));
    assertThat(log.readAfter(2_000, 10).outOfRange()).isTrue();
  }

  @Test
  void aReaderCanAskForNoMoreThanAByteBudgetButAlwaysGetsOneEvent() {
    EventLog log = new EventLog(100, Long.MAX_VALUE, Revision.of(101));
    for (long r = 102; r <= 111; r++) {
      log.append(event(r, 1000));
    }
    int line = log.readAfter(101, 1).events().get(0).line().length;
    assertThat(revisions(log.readAfter(101, 100, 3L * line))).containsExactly(102L, 103L, 104L);
    assertThat(revisions(log.readAfter(101, 100, 3L * line + 1))).as("the event that crosses the budget comes too")
        .containsExactly(102L, 103L, 104L, 105L);
    assertThat(revisions(log.readAfter(105, 100, 1))).containsExactly(106L);
    assertThat(revisions(log.readAfter(105, 2, Long.MAX_VALUE))).containsExactly(106L, 107L);
    assertThat(log.readAfter(100, 100, 1).outOfRange()).isTrue();
  }

  @Test
  void revisionsMustBeDense() {
    EventLog log = new EventLog(10, 1 << 20, Revision.of(1));
    log.append(event(2, 10));
    assertThatThrownBy(() -> log.append(event(4, 10))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> log.append(event(2, 10))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new EventLog(10, 0, Revision.of(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eventsAreKeptWithTheirLineAndSelectorFieldsAndParseBackToTheSameObject() {
    EventLog log = new EventLog(10, 1 << 20, Revision.of(1));
    StoredEvent e = event(2, 10);
    log.append(e);
    StoredEvent kept = log.readAfter(1, 1).events().get(0);
    assertThat(kept.line()).isSameAs(e.line());
    assertThat(kept.uuid()).isEqualTo(UUID);
    assertThat(kept.name()).isEqualTo("a");
    assertThat(kept.state()).isEqualTo("shutoff");
    assertThat(kept.object()).isEqualTo(e.object());
    assertThat(kept.retainedBytes()).isEqualTo(e.retainedBytes());
  }
}
