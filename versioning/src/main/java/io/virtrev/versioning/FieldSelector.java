package io.virtrev.versioning;

import io.virtrev.api.Domain;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a list or watch selects: a Kubernetes field selector over the fields a domain can be selected
 * by, {@code metadata.name}, {@code metadata.uid} (also under its older name {@code metadata.uuid}) and
 * {@code status.state}, with {@code =}, {@code ==} and {@code !=}, several requirements separated by
 * commas (all must hold); and a {@link LabelSelector} over {@code metadata.labels}, which must hold as
 * well. Both are applied the same way, to lists and to watches ({@link #typeThrough}). Immutable.
 */
public final class FieldSelector {
  public static final FieldSelector EVERYTHING = new FieldSelector(List.of(), LabelSelector.EVERYTHING);

  private record Requirement(String field, boolean equal, String value) {
    boolean matches(String name, String uuid, String state) {
      String actual = switch (field) {
        case "metadata.name" -> name;
        case "metadata.uuid", "metadata.uid" -> uuid;
        default -> state;
      };
      return holds(actual);
    }

    boolean holds(String actual) {
      return equal == value.equals(actual);
    }
  }

  private final List<Requirement> requirements;
  private final LabelSelector labels;

  private FieldSelector(List<Requirement> requirements, LabelSelector labels) {
    this.requirements = requirements;
    this.labels = labels;
  }

  /**
   * A {@code fieldSelector} and a {@code labelSelector} (either may be null or blank: no requirement).
   *
   * @throws StoreException BAD_REQUEST naming the selector and what is wrong in it
   */
  public static FieldSelector parse(String fieldSelector, String labelSelector) {
    return parse(fieldSelector).withLabels(LabelSelector.parse(labelSelector));
  }

  /** This field selector with {@code labels} as its label selector. */
  public FieldSelector withLabels(LabelSelector labels) {
    return new FieldSelector(requirements, labels);
  }

  /** The label selector part (possibly {@link LabelSelector#EVERYTHING}). */
  public LabelSelector labels() {
    return labels;
  }

  /**
   * Parses e.g. {@code metadata.name=web-1} or {@code status.state!=shutoff,metadata.name!=db}.
   *
   * @throws StoreException BAD_REQUEST naming the requirement, field or operator that is wrong
   */
  public static FieldSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      int ne = p.indexOf("!=");
      int eq = p.indexOf('=');
      if (eq <= 0 && ne <= 0) {
        throw bad("fieldSelector requirement \"" + p + "\" has no operator: use field=value or field!=value");
      }
      boolean equal = ne < 0 || eq < ne;
      String field = (equal ? p.substring(0, eq) : p.substring(0, ne)).strip();
      String value = equal ? p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1) : p.substring(ne + 2);
      value = value.strip();
      switch (field) {
        case "metadata.name", "status.state" -> { }
        case "metadata.uid", "metadata.uuid" -> value = value.toLowerCase(Locale.ROOT);
        default -> throw bad("fieldSelector field \"" + field
            + "\" is not supported: use metadata.name, metadata.uid (or metadata.uuid) or status.state");
      }
      out.add(new Requirement(field, equal, value));
    }
    return new FieldSelector(List.copyOf(out), LabelSelector.EVERYTHING);
  }

  /** Restricts to one domain (watching one domain by name or uuid). */
  public FieldSelector and(String field, String value) {
    List<Requirement> out = new ArrayList<>(requirements);
    out.add(new Requirement(field, true, value));
    return new FieldSelector(List.copyOf(out), labels);
  }

  public boolean isEverything() {
    return requirements.isEmpty() && labels.isEverything();
  }

  public boolean matches(Domain d) {
    return matches(d.name(), d.uuid(), d.status().state()) && labels.matches(d.metadata().labels());
  }

  /** Whether an object of any kind, as the store views it, matches (its name, uid, state and labels). */
  public boolean matches(StoredObject o) {
    return matches(o.name(), o.uid(), o.state()) && labels.matches(o.labels());
  }

  public boolean matches(String name, String uuid, String state) {
    for (Requirement r : requirements) {
      if (!r.matches(name, uuid, state)) {
        return false;
      }
    }
    return true;
  }

  /**
   * How a stored event looks through this selector: its own type, ADDED (the domain starts matching),
   * DELETED (it stops matching), or null (it matches neither before nor after: not delivered). Labels
   * before and after come with the event; parses the event's object only if a requirement is on
   * {@code status.state} and the event was read without it.
   */
  public String typeThrough(StoredEvent e) {
    if (isEverything()) {
      return e.type();
    }
    boolean before = !e.type().equals("ADDED") && matches(e.prevName(), e.uuid(), e.prevState())
        && labels.matches(e.prevLabels());
    boolean after = !e.type().equals("DELETED") && matchesAfter(e) && labels.matches(e.labels());
    if (e.type().equals("DELETED")) {
      return before ? "DELETED" : null;
    }
    if (before && after) {
      return "MODIFIED";
    }
    if (after) {
      return "ADDED";
    }
    return before ? "DELETED" : null;
  }

  /**
   * Whether the event's object matches, from the event's own fields: the name and uuid are always at
   * hand; the state only when a requirement is on it (an event read from history parses its object
   * for it).
   */
  private boolean matchesAfter(StoredEvent e) {
    for (Requirement r : requirements) {
      String actual = switch (r.field()) {
        case "metadata.name" -> e.name();
        case "metadata.uuid", "metadata.uid" -> e.uuid();
        default -> e.state();
      };
      if (!r.holds(actual)) {
        return false;
      }
    }
    return true;
  }

  private static StoreException bad(String message) {
    return new StoreException(StoreException.Reason.MALFORMED, message);
  }

  /** The field selector's canonical text (without the label selector: {@link #labels()} has its own). */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Requirement r : requirements) {
      parts.add(r.field() + (r.equal() ? "=" : "!=") + r.value());
    }
    return String.join(",", parts);
  }
}
