package io.virtrev.daemon.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.SeenEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The fleet's guarantees as named checks over what clients saw, each returning its violations (empty:
 * it holds), after {@code WatchGuarantees}:
 *
 * <ul>
 *   <li><b>PerHostOrder</b>: the fleet stream's events of one host are exactly the host's own watch
 *       events, in the host's order: nothing lost, nothing duplicated, nothing reordered. A step is
 *       (type, name, host resource version); a DELETED step's host resource version is not compared
 *       (the fleet's DELETED carries the object's last state, the host's the deletion's revision).
 *   <li><b>Converged</b>: the fleet client's view is the union of the hosts' lists, object by object at
 *       the same host resource version.
 * </ul>
 */
final class FleetChecks {
  static final String DOMAINS = "/apis/virtrev.io/v1/domains";

  private FleetChecks() {}

  /** One change of one object, as both a host and the fleet name it. */
  record Step(String type, String name, long hostRv) {
    @Override
    public String toString() {
      return type + " " + name + (hostRv < 0 ? "" : "@" + hostRv);
    }
  }

  /**
   * PerHostOrder for {@code host}: the fleet events of {@code host} whose name {@code names} accepts
   * equal {@code hostEvents} (the host's own watch, started when the fleet client's was, with nothing
   * changing in between) restricted to the same names.
   */
  static List<String> perHostOrder(String host, List<SeenEvent> hostEvents, List<FleetEvent> fleetEvents,
      Predicate<String> names) {
    List<Step> expected = hostEvents.stream()
        .filter(e -> !e.type().equals("BOOKMARK") && names.test(e.name()))
        .map(e -> new Step(e.type(), e.name(), e.type().equals("DELETED") ? -1 : e.resourceVersion())).toList();
    List<Step> actual = fleetEvents.stream()
        .filter(e -> host.equals(e.host()) && names.test(e.name()))
        .map(e -> new Step(e.type(), e.name(), e.type().equals("DELETED") ? -1 : e.hostRv())).toList();
    List<String> out = new ArrayList<>();
    int n = Math.min(expected.size(), actual.size());
    for (int i = 0; i < n; i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        out.add("PerHostOrder: host " + host + " step " + i + ": the host's watch has " + expected.get(i)
            + ", the fleet's " + actual.get(i) + " (host: " + around(expected, i) + "; fleet: " + around(actual, i) + ")");
        return out;
      }
    }
    if (expected.size() > n) {
      out.add("PerHostOrder: host " + host + ": the fleet lost " + (expected.size() - n) + " change(s) from "
          + expected.get(n) + " on (the host made " + expected.size() + ")");
    } else if (actual.size() > n) {
      out.add("PerHostOrder: host " + host + ": the fleet has " + (actual.size() - n) + " change(s) more than the host, from "
          + actual.get(n) + " on (duplicated or invented)");
    }
    return out;
  }

  private static String around(List<Step> steps, int i) {
    return steps.subList(Math.max(0, i - 2), Math.min(steps.size(), i + 3)).toString();
  }

  /** A host's objects as the fleet must show them: fleet name → host resource version. */
  static Map<String, Long> hostView(String host, ApiClient api, Predicate<String> names) {
    ApiClient.Response r = api.get(DOMAINS);
    if (r.status() != 200) {
      throw new AssertionError("host " + host + " list: " + r.status() + " " + r.body());
    }
    Map<String, Long> out = new TreeMap<>();
    for (JsonNode item : r.json().get("items")) {
      String name = item.at("/metadata/name").asText();
      if (names.test(name)) {
        out.put(host + "." + name, Long.parseLong(item.at("/metadata/resourceVersion").asText()));
      }
    }
    return out;
  }

  /** The fleet client's view of {@code host}'s objects whose name {@code names} accepts. */
  static Map<String, Long> fleetView(String host, Map<String, FleetEvent> cache, Predicate<String> names) {
    Map<String, Long> out = new TreeMap<>();
    cache.values().stream().filter(e -> host.equals(e.host()) && names.test(e.name()))
        .forEach(e -> out.put(e.fleetName(), e.hostRv()));
    return out;
  }

  /** A host's current list (resource version and items) as a watch start: its resource version. */
  static long listRv(ApiClient api) {
    ApiClient.Response r = api.get(DOMAINS);
    if (r.status() != 200) {
      throw new AssertionError("list: " + r.status() + " " + r.body());
    }
    return Long.parseLong(r.json().at("/metadata/resourceVersion").asText());
  }
}
