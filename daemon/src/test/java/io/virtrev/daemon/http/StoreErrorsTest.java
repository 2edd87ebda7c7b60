package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.ApiException;
import io.virtrev.api.Revision;
import io.virtrev.versioning.StoreException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping of the store's errors to HTTP: every reason, the message and details kept. */
class StoreErrorsTest {
  @Test
  void everyReasonHasItsCodeAndStatusReason() {
    Map<StoreException.Reason, String> expected = new EnumMap<>(StoreException.Reason.class);
    expected.put(StoreException.Reason.COMPACTED, "410 Expired");
    expected.put(StoreException.Reason.TOO_NEW, "504 Timeout");
    expected.put(StoreException.Reason.NOT_FOUND, "404 NotFound");
    expected.put(StoreException.Reason.ALREADY_EXISTS, "409 AlreadyExists");
    expected.put(StoreException.Reason.CONFLICT, "409 Conflict");
    expected.put(StoreException.Reason.PRECONDITION_FAILED, "412 PreconditionFailed");
    expected.put(StoreException.Reason.MALFORMED, "400 BadRequest");
    expected.put(StoreException.Reason.INVALID, "422 Invalid");
    expected.put(StoreException.Reason.UNAVAILABLE, "503 ServiceUnavailable");
    expected.put(StoreException.Reason.INTERNAL, "500 InternalError");
    for (StoreException.Reason r : StoreException.Reason.values()) {
      if (r == StoreException.Reason.FAILED) {
        continue;
      }
      ApiException api = StoreErrors.api(new StoreException(r, "why " + r, Map.of("uid", "u-1"), null));
      assertThat(api.reason().httpCode() + " " + api.reason().statusReason()).as(r.name()).isEqualTo(expected.get(r));
      assertThat(api.getMessage()).isEqualTo("why " + r);
      assertThat(api.details()).containsEntry("uid", "u-1");
    }
    assertThat(expected).hasSize(StoreException.Reason.values().length - 1);
  }

  @Test
  void aBrokenStoreIsNoClientErrorButAFailureAnswered500() {
    StoreException broken = new StoreException("disk on fire");
    assertThat(broken.reason()).isEqualTo(StoreException.Reason.FAILED);
    assertThat(StoreErrors.api(broken)).isNull();
    assertThat(StoreErrors.httpCode(broken)).isEqualTo(500);
    assertThat(StoreErrors.httpCode(new IllegalStateException("bug"))).isEqualTo(500);
    ApiException own = new ApiException(ApiException.Reason.FORBIDDEN, "no");
    assertThat(StoreErrors.api(own)).isSameAs(own);
  }

  @Test
  void tooNewIsApiserversResourceVersionTooLarge() {
    ApiException api = StoreErrors.api(StoreException.tooNew(Revision.of(50), Revision.of(42)));
    assertThat(api.getMessage()).isEqualTo("Too large resource version: 50, current: 42");
    assertThat(api.details()).containsEntry("currentResourceVersion", "42").containsEntry("retryAfterSeconds", 1)
        .containsEntry("causes", List.of(Map.of("reason", "ResourceVersionTooLarge", "message",
            "Too large resource version")));
  }

  @Test
  void compactedNamesTheCompactedRevision() {
    ApiException api = StoreErrors.api(StoreException.compacted(3, 10));
    assertThat(api.toStatus().code()).isEqualTo(410);
    assertThat(api.getMessage()).isEqualTo("too old resource version: 3 (oldest retained: 11); list again and watch"
        + " from the list's resourceVersion");
    assertThat(api.details()).containsEntry("compactedRevision", "10");
  }
}
