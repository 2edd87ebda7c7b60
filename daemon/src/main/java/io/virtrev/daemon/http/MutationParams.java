package io.virtrev.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.ApiException;
import io.virtrev.versioning.DryRun;
import java.util.Optional;
import java.util.Set;

/**
 * The Kubernetes options every mutation may carry, as query parameters or (DELETE) in a DeleteOptions
 * body, checked as the apiserver checks them. Those with no meaning for a libvirt domain are accepted
 * and documented (docs/api.md), never applied half-way.
 */
final class MutationParams {
  /** apiserver's limit on {@code fieldManager}. */
  static final int MAX_FIELD_MANAGER = 128;
  private static final Set<String> PROPAGATION = Set.of("Orphan", "Background", "Foreground");

  private MutationParams() {}

  /** {@code dryRun}: absent is {@link DryRun#NONE}, {@code All} is {@link DryRun#ALL}; anything else 400. */
  static DryRun dryRun(Query query) {
    Optional<String> v = query.get("dryRun");
    return v.isEmpty() ? DryRun.NONE : dryRunValue(v.get(), "query parameter dryRun");
  }

  /** DeleteOptions' {@code dryRun}: null, absent or {@code []} is none; {@code ["All"]} is all. */
  static DryRun dryRun(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return DryRun.NONE;
    }
    if (!n.isArray()) {
      throw bad("DeleteOptions dryRun must be a list of strings (e.g. [\"All\"]), not " + n);
    }
    DryRun d = DryRun.NONE;
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw bad("DeleteOptions dryRun: Unsupported value: " + e + ": supported values: \"All\"");
      }
      d = dryRunValue(e.asText(), "DeleteOptions dryRun");
    }
    return d;
  }

  private static DryRun dryRunValue(String v, String where) {
    if (v.equals("All")) {
      return DryRun.ALL;
    }
    throw bad(where + ": Unsupported value: \"" + LogSafe.value(v) + "\": supported values: \"All\"");
  }

  /**
   * {@code fieldManager}: accepted and without effect (there are no managedFields), but checked as the
   * apiserver checks it: at most 128 printable characters.
   */
  static void checkFieldManager(Query query) {
    query.get("fieldManager").ifPresent(m -> {
      if (m.codePointCount(0, m.length()) > MAX_FIELD_MANAGER) {
        throw bad("fieldManager: Too long: may not be more than " + MAX_FIELD_MANAGER + " bytes (it has "
            + m.length() + ")");
      }
      if (!m.codePoints().allMatch(MutationParams::printable)) {
        throw bad("fieldManager: Invalid value: \"" + LogSafe.value(m) + "\": must only contain printable characters");
      }
    });
  }

  /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
  private static boolean printable(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED,
          Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
      default -> true;
    };
  }

  /**
   * DeleteOptions given as query parameters: {@code propagationPolicy} (Orphan, Background, Foreground)
   * and {@code gracePeriodSeconds} (an integer >= 0) are checked and have no effect: a domain has no
   * dependents and undefine is immediate (a running domain keeps running, transient).
   */
  static void checkDeleteQuery(Query query) {
    query.get("propagationPolicy").ifPresent(p -> propagationPolicy(p, "query parameter propagationPolicy"));
    query.positiveLong("gracePeriodSeconds");
    query.flag("orphanDependents");
  }

  static void propagationPolicy(String p, String where) {
    if (!PROPAGATION.contains(p)) {
      throw bad(where + ": Unsupported value: \"" + LogSafe.value(p)
          + "\": supported values: \"Orphan\", \"Background\", \"Foreground\"");
    }
  }

  private static ApiException bad(String message) {
    return new ApiException(ApiException.Reason.BAD_REQUEST, message);
  }
}
