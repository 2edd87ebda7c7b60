package io.virtrev.daemon.http;

import io.virtrev.api.ApiException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The query parameters each endpoint takes: the one place they are declared. A parameter not declared
 * for the endpoint is a 400 naming it and the endpoint, never silently ignored. Every name here is read
 * by the route it is declared for, or is documented in docs/api.md as accepted with no effect
 * ({@code pretty}, {@code fieldManager}, DeleteOptions' {@code propagationPolicy}, ...).
 */
final class QueryParams {
  /** Accepted on every JSON endpoint; answers are compact either way (docs/api.md). */
  private static final String PRETTY = "pretty";
  /**
   * client-go's request deadline (kubectl sends {@code timeout=32s}), accepted everywhere: a Go duration,
   * honoured as an upper bound where the daemon waits (a mutation, a resourceVersion not reached yet);
   * as in apiserver, a watch ends by {@code timeoutSeconds}, not by it.
   */
  static final String TIMEOUT = "timeout";

  static final Set<String> PLAIN = Set.of(TIMEOUT);
  static final Set<String> DISCOVERY = Set.of(PRETTY, TIMEOUT);
  /** A list of domains (GET /domains without watch). */
  static final Set<String> LIST = Set.of(TIMEOUT, PRETTY, "limit", "continue", "resourceVersion", "resourceVersionMatch",
      "fieldSelector", "labelSelector", "includeObject", "watch");
  /** A watch (list or one domain's URL with {@code watch=true}). */
  static final Set<String> WATCH = Set.of(TIMEOUT, PRETTY, "watch", "resourceVersion", "resourceVersionMatch",
      "allowWatchBookmarks", "timeoutSeconds", "sendInitialEvents", "fieldSelector", "labelSelector", "includeObject");
  /** GET of one domain (now, or at {@code resourceVersion}); {@code live} for its live XML. */
  static final Set<String> GET = Set.of(TIMEOUT, PRETTY, "resourceVersion", "live", "includeObject", "watch");
  /** A list of every kind at one revision ({@code /apis/virtrev.io/v1/all} without watch). */
  static final Set<String> ALL = Set.of(TIMEOUT, PRETTY, "resourceVersion", "resourceVersionMatch", "watch");
  static final Set<String> HISTORY = Set.of(TIMEOUT, PRETTY, "limit", "continue");
  static final Set<String> DIFF = Set.of(TIMEOUT, "from", "to");
  /** POST of a domain and PUT of one. */
  static final Set<String> WRITE = Set.of(TIMEOUT, PRETTY, "dryRun", "fieldManager", "fieldValidation");
  /**
   * PATCH of one domain: as PUT, and {@code force} of server-side apply (kubectl's --force-conflicts),
   * checked as a boolean and without effect (server-side apply is 415).
   */
  static final Set<String> PATCH = Set.of(TIMEOUT, PRETTY, "dryRun", "fieldManager", "fieldValidation", "force");
  /** DELETE of one domain: DeleteOptions as query parameters, and libvirt's undefine flags. */
  static final Set<String> DELETE = Set.of(TIMEOUT, PRETTY, "dryRun", "gracePeriodSeconds", "propagationPolicy",
      "orphanDependents", "managedSave", "snapshotsMetadata", "checkpointsMetadata", "nvram", "keepNvram");
  /** {@code /openapi/v2} and the {@code /openapi/v3} index. */
  static final Set<String> OPENAPI = Set.of(TIMEOUT);
  /** The group's OpenAPI v3 document: {@code hash} names its version (its ETag). */
  static final Set<String> OPENAPI_GROUP = Set.of(TIMEOUT, "hash");
  /** DELETE of an object of another kind: DeleteOptions as query parameters (no libvirt flags). */
  static final Set<String> KIND_DELETE = Set.of(TIMEOUT, PRETTY, "dryRun", "gracePeriodSeconds", "propagationPolicy",
      "orphanDependents");
  /** POST of another kind's action: {@code enabled} for autostart, {@code capacity} for resize. */
  static final Set<String> KIND_ACTION = Set.of(TIMEOUT, PRETTY, "dryRun", "enabled", "capacity");
  /** POST of a lifecycle action. */
  static final Set<String> ACTION = Set.of(TIMEOUT, PRETTY, "dryRun");

  private QueryParams() {}

  /**
   * Refuses the request unless every parameter it carries is in {@code allowed}.
   *
   * @param endpoint the method and path pattern, for the message (e.g. {@code GET /apis/virtrev.io/v1/domains})
   * @throws ApiException BAD_REQUEST naming the parameters, the endpoint and what it takes
   */
  static void check(Query query, Set<String> allowed, String endpoint) {
    query.goDuration(TIMEOUT);
    if (allowed.contains(PRETTY)) {
      query.flag(PRETTY);
    }
    List<String> unknown = query.names().stream().filter(n -> !allowed.contains(n)).sorted().toList();
    if (unknown.isEmpty()) {
      return;
    }
    String names = unknown.stream().map(n -> "\"" + LogSafe.value(n) + "\"").collect(Collectors.joining(", "));
    throw new ApiException(ApiException.Reason.BAD_REQUEST, (unknown.size() == 1 ? "unknown query parameter "
        : "unknown query parameters ") + names + " for " + endpoint + "; it takes "
        + (allowed.isEmpty() ? "none" : String.join(", ", new TreeSet<>(allowed))));
  }
}
