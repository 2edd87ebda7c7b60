package io.virtrev.versioning;

import io.virtrev.api.Revision;
import java.util.List;

/**
 * Retained revisions of one domain, newest first: those after {@code compacted}, plus its state at
 * {@code compacted} (its newest revision at or below it) unless that is a deletion.
 *
 * @param events the page, newest first
 * @param compacted the compacted revision the page was read under
 * @param more whether older retained revisions follow (the next page starts below the last event)
 */
public record HistoryPage(List<StoredEvent> events, Revision compacted, boolean more) {
  public HistoryPage {
    events = List.copyOf(events);
  }
}
