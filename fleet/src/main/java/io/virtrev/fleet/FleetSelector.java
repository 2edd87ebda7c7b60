package io.virtrev.fleet;

import io.virtrev.api.ApiException;
import io.virtrev.versioning.LabelSelector;
import io.virtrev.versioning.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A fleet list's or watch's selection: a Kubernetes field selector over {@code metadata.name} (the fleet name
 * {@code <host>.<name>}), {@code metadata.uid} (the fleet uid), {@code status.state} and {@code status.host}
 * ({@code =}, {@code ==}, {@code !=}, comma-separated, all must hold), and a label selector over the fleet
 * labels (which include {@code virtrev.io/host}). Immutable.
 *
 * <p>{@link #host()} is the one host an equality on {@code status.host} (or {@code virtrev.io/host} in the
 * label selector is not used for this) names: reads then range over that host's sub-prefix only.
 */
public final class FleetSelector {
  public static final FleetSelector EVERYTHING = new FleetSelector(List.of(), LabelSelector.EVERYTHING, "", "");

  private record Requirement(String field, boolean equal, String value) {
    boolean holds(FleetObject o) {
      String actual = switch (field) {
        case "metadata.name" -> o.fleetName();
        case "metadata.uid" -> o.fleetUid();
        case "status.host" -> o.host();
        default -> o.state();
      };
      return equal == value.equals(actual);
    }
  }

  private final List<Requirement> requirements;
  private final LabelSelector labels;
  private final String fieldText;
  private final String labelText;

  private FleetSelector(List<Requirement> requirements, LabelSelector labels, String fieldText, String labelText) {
    this.requirements = requirements;
    this.labels = labels;
    this.fieldText = fieldText;
    this.labelText = labelText;
  }

  /**
   * A {@code fieldSelector} and a {@code labelSelector} (either null or blank: no requirement).
   *
   * @throws ApiException BAD_REQUEST naming what is wrong
   */
  public static FleetSelector parse(String fieldSelector, String labelSelector) {
    LabelSelector labels;
    try {
      labels = LabelSelector.parse(labelSelector);
    } catch (StoreException e) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, e.getMessage());
    }
    List<Requirement> out = new ArrayList<>();
    if (fieldSelector != null && !fieldSelector.isBlank()) {
      for (String part : fieldSelector.split(",")) {
        String p = part.strip();
        int ne = p.indexOf("!=");
        int eq = p.indexOf('=');
        if (eq <= 0 && ne <= 0) {
          throw bad("fieldSelector requirement \"" + p + "\" has no operator: use field=value or field!=value");
        }
        boolean equal = ne < 0 || eq < ne;
        String field = (equal ? p.substring(0, eq) : p.substring(0, ne)).strip();
        String value = (equal ? p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1) : p.substring(ne + 2)).strip();
        switch (field) {
          case "metadata.name", "status.state", "status.host" -> { }
          case "metadata.uid", "metadata.uuid" -> {
            field = "metadata.uid";
            value = value.toLowerCase(Locale.ROOT);
          }
          default -> throw bad("fieldSelector field \"" + field + "\" is not supported: use metadata.name,"
              + " metadata.uid, status.state or status.host");
        }
        out.add(new Requirement(field, equal, value));
      }
    }
    return new FleetSelector(List.copyOf(out), labels, canonical(out), labels.toString());
  }

  private static String canonical(List<Requirement> rs) {
    List<String> parts = new ArrayList<>();
    for (Requirement r : rs) {
      parts.add(r.field() + (r.equal() ? "=" : "!=") + r.value());
    }
    return String.join(",", parts);
  }

  /** This selector and {@code metadata.name=name} (a watch of one object's URL). */
  public FleetSelector withName(String name) {
    List<Requirement> rs = new ArrayList<>(requirements);
    rs.add(new Requirement("metadata.name", true, name));
    return new FleetSelector(List.copyOf(rs), labels, canonical(rs), labelText);
  }

  public boolean isEverything() {
    return requirements.isEmpty() && labels.isEverything();
  }

  public boolean matches(FleetObject o) {
    for (Requirement r : requirements) {
      if (!r.holds(o)) {
        return false;
      }
    }
    return labels.matches(o.labels());
  }

  /**
   * The one host every match is on, from an equality on {@code status.host} or on the label
   * {@code virtrev.io/host}; null if none. Used to narrow the etcd range to that host's sub-prefix.
   */
  public String host() {
    for (Requirement r : requirements) {
      if (r.equal() && r.field().equals("status.host")) {
        return r.value();
      }
    }
    return null;
  }

  /** The canonical field selector text. */
  public String fieldText() {
    return fieldText;
  }

  /** The canonical label selector text. */
  public String labelText() {
    return labelText;
  }

  private static ApiException bad(String message) {
    return new ApiException(ApiException.Reason.BAD_REQUEST, message);
  }

  @Override
  public String toString() {
    return fieldText + (labelText.isEmpty() ? "" : " " + labelText);
  }
}
