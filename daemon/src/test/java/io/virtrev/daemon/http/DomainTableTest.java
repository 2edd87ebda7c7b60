package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.api.ApiException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DomainTableTest {
  @Test
  void memoryIsAQuantityWithTheLargestSuffixThatDividesIt() {
    assertThat(DomainTable.quantity(32L << 20)).isEqualTo("32Mi");
    assertThat(DomainTable.quantity(3L << 30)).isEqualTo("3Gi");
    assertThat(DomainTable.quantity(1536L << 10)).isEqualTo("1536Ki");
    assertThat(DomainTable.quantity(5_000_000L)).isEqualTo("5M");
    assertThat(DomainTable.quantity(2_000_000_000L)).isEqualTo("2G");
    assertThat(DomainTable.quantity(1234L)).isEqualTo("1234");
    assertThat(DomainTable.quantity(0L)).isEqualTo("0");
    assertThat(DomainTable.quantity(Long.MAX_VALUE)).isEqualTo(Long.toString(Long.MAX_VALUE));
  }

  @Test
  void negotiationTakesQualityThenSpecificityThenOrderAndRefusesWhatItCannotServe() {
    Set<Representation> get = Representation.GET;
    assertThat(Representation.negotiate((String) null, get)).isEqualTo(Representation.JSON);
    assertThat(Representation.negotiate("text/xml", get)).isEqualTo(Representation.XML);
    assertThat(Representation.negotiate("application/*;q=0.5, application/xml;q=0.4", get))
        .isEqualTo(Representation.JSON);
    assertThat(Representation.negotiate("application/xml;q=0.4, application/*;q=0.5", get))
        .isEqualTo(Representation.JSON);
    assertThat(Representation.negotiate("application/*, application/xml", get)).isEqualTo(Representation.XML);
    assertThat(Representation.negotiate("application/json;as=Table;v=v1;g=meta.k8s.io;q=0.x, application/xml", get))
        .isEqualTo(Representation.XML);
    assertThat(Representation.negotiate("text/event-stream, application/json", Representation.WATCH))
        .isEqualTo(Representation.EVENT_STREAM);
    assertThatThrownBy(() -> Representation.negotiate("text/event-stream", Representation.LIST))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.reason()).isEqualTo(ApiException.Reason.NOT_ACCEPTABLE));
    assertThatThrownBy(() -> Representation.negotiate("application/xml;as=Table;v=v1;g=meta.k8s.io", get))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("application/xml"));
  }
}
