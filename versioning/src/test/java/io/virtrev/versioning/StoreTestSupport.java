package io.virtrev.versioning;

import io.virtrev.api.ApiRequest;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.fixtures.DomainXml;

final class StoreTestSupport {
  /** The request tests make their mutations as. */
  static final ApiRequest BY = new ApiRequest("POST", "/apis/virtrev.io/v1/domains/test", "token:test");

  private StoreTestSupport() {}

  static DomainObservation obs(String uuid, String name, int memMiB, String state) {
    boolean active = !state.equals("shutoff");
    String xml = DomainXml.tiny(name, uuid, memMiB);
    return new DomainObservation(uuid, name, xml, active ? xml : null, true, false, state,
        active ? "booted" : "unknown", active ? 1 : null);
  }
}
