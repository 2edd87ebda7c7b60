package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * One committed revision: the change type and the domain as it was at that revision. Immutable.
 * {@link #line()} is the ready-made watch line, serialized once and shared by every watcher.
 *
 * <p>Invariant: {@code object.metadata.resourceVersion == revision}.
 */
public final class StoredEvent {
  private final Revision revision;
  private final String type;
  private final Domain object;
  private final Instant time;
  private final byte[] line;
  private final int headLength;
  private final String prevName;
  private final String prevState;

  StoredEvent(Revision revision, String type, Domain object, Instant time, byte[] objectJson, String prevName,
      String prevState) {
    if (!object.resourceVersion().equals(revision)) {
      throw new IllegalStateException(
          "event revision " + revision + " != object resourceVersion " + object.resourceVersion());
    }
    this.revision = revision;
    this.type = type;
    this.object = object;
    this.time = time;
    this.prevName = prevName;
    this.prevState = prevState;
    byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
    this.headLength = head.length;
    this.line = new byte[head.length + objectJson.length + 1];
    System.arraycopy(head, 0, line, 0, head.length);
    System.arraycopy(objectJson, 0, line, head.length, objectJson.length);
    line[line.length - 1] = '}';
  }

  /** {@code previous}: the object before this revision, null for ADDED. */
  static StoredEvent of(String type, Domain object, Domain previous, Instant time) {
    return new StoredEvent(object.resourceVersion(), type, object, time, Json.bytes(object),
        previous == null ? null : previous.name(), previous == null ? null : previous.status().state());
  }

  public Revision revision() {
    return revision;
  }

  /** ADDED, MODIFIED or DELETED. */
  public String type() {
    return type;
  }

  public Domain object() {
    return object;
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

  /** When the revision was committed. */
  public Instant time() {
    return time;
  }

  /** The object's JSON alone (a copy), as persisted in history. */
  public byte[] objectJson() {
    return Arrays.copyOfRange(line, headLength, line.length - 1);
  }

  /**
   * {@code {"type":T,"object":{...}}} in UTF-8, without a line terminator. Shared, not copied: callers
   * must not modify it.
   */
  public byte[] line() {
    return line;
  }

  @Override
  public String toString() {
    return "StoredEvent{" + revision + " " + type + " " + object.name() + "/" + object.uuid() + "}";
  }
}
