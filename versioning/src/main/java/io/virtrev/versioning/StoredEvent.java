package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * One committed revision: the change type, the kind, and the object as it was at that revision. Immutable.
 * {@link #line()} is the ready-made watch line, serialized once and shared by every watcher.
 *
 * <p>The {@link Domain} itself is optional: an event read from history for watchers, or kept in the
 * in-memory event log, carries only its line (the object's JSON) and the fields a field selector looks
 * at (uuid, name, state and labels, before and after), so a watcher never parses JSON; {@link #object()} parses
 * the line each time it is called on such an event (nothing is cached: the event stays immutable and
 * its memory is what {@link #retainedBytes()} says).
 *
 * <p>Invariant: {@code object.metadata.resourceVersion == revision}.
 */
public final class StoredEvent {
  /** What {@link #retainedBytes()} adds to the line for the event's own fields and strings. */
  static final int OVERHEAD_BYTES = 256;
  private static final byte[] TAIL = {'}'};

  private final Revision revision;
  private final String type;
  private final Kind kind;
  private final String uuid;
  private final String ownerUid; // null for kinds that belong to nothing
  private final String name;
  private final String state; // null only for history rows written before the state column existed
  private final Instant time;
  private final byte[] line; // {"type":T,"object":OBJECT}
  private final int headLength;
  private final String prevName;
  private final String prevState;
  private final Map<String, String> labels; // metadata.labels after the change; empty for DELETED's last state too
  private final Map<String, String> prevLabels; // metadata.labels before the change; empty for ADDED
  private final Object object; // null: parsed from the line on demand (history rows, detached events)

  private StoredEvent(Revision revision, String type, Kind kind, String uuid, String ownerUid, String name,
      String state, Object object, Instant time, byte[] line, int headLength, String prevName, String prevState,
      Map<String, String> labels, Map<String, String> prevLabels) {
    this.kind = kind;
    this.ownerUid = ownerUid;
    this.labels = labels == null ? Map.of() : labels;
    this.prevLabels = prevLabels == null ? Map.of() : prevLabels;
    this.revision = revision;
    this.type = type;
    this.uuid = uuid;
    this.name = name;
    this.state = state;
    this.object = object;
    this.time = time;
    this.line = line;
    this.headLength = headLength;
    this.prevName = prevName;
    this.prevState = prevState;
  }

  /** An event with its object at hand (the writer's); {@code objectJson} is the object serialized. */
  private StoredEvent(Revision revision, String type, StoredObject view, Object object, Instant time,
      byte[] objectJson, String prevName, String prevState, Map<String, String> prevLabels) {
    this(revision, type, view.kind(), view.uid(), view.ownerUid(), view.name(), view.state(),
        check(revision, view.resourceVersion(), object), time,
        lineOf(type, objectJson), headOf(type).length, prevName, prevState, view.labels(), prevLabels);
  }

  /**
   * An event read from a history row, without parsing its object ({@link #object()} parses it when
   * called). {@code state} null: a row written before the state column existed; {@link #state()} then
   * parses the object for it.
   */
  public static StoredEvent fromRow(Revision revision, String type, Kind kind, String uuid, String ownerUid, String name,
      String state, Instant time, byte[] objectJson, String prevName, String prevState, Map<String, String> labels,
      Map<String, String> prevLabels) {
    return new StoredEvent(revision, type, kind, uuid, ownerUid, name, state, null, time, lineOf(type, objectJson),
        headOf(type).length, prevName, prevState, labels, prevLabels);
  }

  /** A domain's event; {@code previous}: the domain before this revision, null for ADDED. */
  static StoredEvent of(String type, Domain object, Domain previous, Instant time) {
    return of(Kinds.DOMAINS, type, object, previous, time);
  }

  /** An event of {@code kind}; {@code previous}: the object before this revision, null for ADDED. */
  static <T> StoredEvent of(KindModel<?, T> kind, String type, T object, T previous, Instant time) {
    StoredObject view = kind.view(object);
    StoredObject prev = previous == null ? null : kind.view(previous);
    return new StoredEvent(view.resourceVersion(), type, view, object, time, Json.bytes(object),
        prev == null ? null : prev.name(), prev == null ? null : prev.state(), prev == null ? Map.of() : prev.labels());
  }

  private static <T> T check(Revision revision, Revision objectRevision, T object) {
    if (!objectRevision.equals(revision)) {
      throw new IllegalStateException("event revision " + revision + " != object resourceVersion " + objectRevision);
    }
    return object;
  }

  private static final byte[] HEAD_ADDED = head("ADDED");
  private static final byte[] HEAD_MODIFIED = head("MODIFIED");
  private static final byte[] HEAD_DELETED = head("DELETED");

  private static byte[] headOf(String type) {
    return switch (type) {
      case "ADDED" -> HEAD_ADDED;
      case "MODIFIED" -> HEAD_MODIFIED;
      case "DELETED" -> HEAD_DELETED;
      default -> head(type);
    };
  }

  private static byte[] head(String type) {
    return ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] lineOf(String type, byte[] objectJson) {
    byte[] head = headOf(type);
    byte[] line = new byte[head.length + objectJson.length + TAIL.length];
    System.arraycopy(head, 0, line, 0, head.length);
    System.arraycopy(objectJson, 0, line, head.length, objectJson.length);
    System.arraycopy(TAIL, 0, line, line.length - TAIL.length, TAIL.length);
    return line;
  }

  /**
   * The same event without its object (the same shared line; the object is parsed again if asked
   * for): what the in-memory event log keeps, so that its memory is the lines it holds.
   */
  StoredEvent detached() {
    return object == null ? this
        : new StoredEvent(revision, type, kind, uuid, ownerUid, name, state, null, time, line, headLength, prevName,
            prevState,
            labels, prevLabels);
  }

  public Revision revision() {
    return revision;
  }

  /** ADDED, MODIFIED or DELETED. */
  public String type() {
    return type;
  }

  /**
   * The domain at this revision. For an event read or kept without it (history rows for watchers, the
   * event log), parsed from {@link #line()} on every call: not for hot paths.
   */
  public Domain object() {
    if (kind != Kind.DOMAINS) {
      throw new IllegalStateException(kind + " are not domains: use object(Class) (" + this + ")");
    }
    return object(Domain.class);
  }

  /**
   * The object at this revision as {@code type} (the class of its kind's model, {@link KindModel#type()}),
   * parsed from {@link #line()} if the event was read or kept without it: not for hot paths.
   *
   * @throws IllegalStateException if the object is not a {@code type}
   */
  public <T> T object(Class<T> type) {
    if (!type.equals(Kinds.of(kind).type())) {
      throw new IllegalStateException(kind + " are not " + type.getSimpleName() + " (" + this + ")");
    }
    if (object != null) {
      return type.cast(object);
    }
    T o = Json.read(line, headLength, objectLength(), type);
    return check(revision, metaOf(o), o);
  }

  @SuppressWarnings("unchecked")
  private <T> Revision metaOf(T o) {
    return ((KindModel<?, T>) Kinds.of(kind)).meta(o).resourceVersion();
  }

  /** The kind of the object this revision changed. */
  public Kind kind() {
    return kind;
  }

  /** The object's uid (a domain's uuid; without parsing the object). */
  public String uuid() {
    return uuid;
  }

  /** The uid of the object this one belongs to (a volume's pool, a snapshot's domain); null if none. */
  public String ownerUid() {
    return ownerUid;
  }

  /**
   * Whether this revision changed an object of {@code kind} belonging to {@code ownerUid} (null: of any
   * owner): what a watch of one kind (of one owner's objects) delivers; a watch of every kind delivers all.
   */
  public boolean isOf(Kind kind, String ownerUid) {
    return this.kind == kind && (ownerUid == null || ownerUid.equals(this.ownerUid));
  }

  /** The object as the store keys and selects it (its state after this revision; without parsing it). */
  public StoredObject stored() {
    return new StoredObject(kind, uuid, name, ownerUid, revision, state, labels);
  }

  /** The domain's name at this revision (without parsing the object). */
  public String name() {
    return name;
  }

  /**
   * The object's state at this revision ({@code status.state}; null for kinds without one, volumes);
   * parses the object only for domain rows written before the state column existed.
   */
  public String state() {
    return state != null || kind != Kind.DOMAINS ? state : object().status().state();
  }

  /**
   * The name the domain had before this revision; null for ADDED. With {@link #prevState()} it lets a
   * filtered watch tell whether the domain matched before (an object that starts or stops matching a
   * field selector is an ADDED or DELETED for that watch).
   */
  public String prevName() {
    return prevName;
  }

  /** The state the domain had before this revision; null for ADDED. */
  public String prevState() {
    return prevState;
  }

  /** The domain's {@code metadata.labels} at this revision (without parsing the object); never null. */
  public Map<String, String> labels() {
    return labels;
  }

  /** The labels the domain had before this revision (empty for ADDED): for label selectors, as {@link #prevName()}. */
  public Map<String, String> prevLabels() {
    return prevLabels;
  }

  /** When the revision was committed. */
  public Instant time() {
    return time;
  }

  /** The object's JSON alone (a copy), as persisted in history. */
  public byte[] objectJson() {
    return Arrays.copyOfRange(line, headLength, headLength + objectLength());
  }

  /**
   * {@code {"type":T,"object":{...}}} in UTF-8, without a line terminator. Shared, not copied: callers
   * must not modify it. The object's JSON is the {@link #objectLength()} bytes at {@link
   * #objectOffset()}.
   */
  public byte[] line() {
    return line;
  }

  /** Where the object's JSON starts in {@link #line()}. */
  public int objectOffset() {
    return headLength;
  }

  /** How long the object's JSON is in {@link #line()}. */
  public int objectLength() {
    return line.length - headLength - TAIL.length;
  }

  /**
   * What keeping this event in memory costs, approximately: its line plus a fixed {@link
   * #OVERHEAD_BYTES} for the event's fields. The object, if the event carries one, is not counted: the
   * event log and the history page cache keep events without it.
   */
  public long retainedBytes() {
    return line.length + OVERHEAD_BYTES + mapBytes(labels) + mapBytes(prevLabels);
  }

  /** Roughly what a label map costs in memory: its characters (two bytes each) and 64 bytes per entry. */
  private static long mapBytes(Map<String, String> m) {
    long n = 0;
    for (Map.Entry<String, String> e : m.entrySet()) {
      n += 64 + 2L * (e.getKey().length() + e.getValue().length());
    }
    return n;
  }

  @Override
  public String toString() {
    return "StoredEvent{" + revision + " " + type + " " + kind + "/" + name + "/" + uuid + "}";
  }
}
