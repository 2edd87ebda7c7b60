package io.virtrev.versioning;

import java.util.Map;

/**
 * Every error the {@code versioning} module reports, with its {@link Reason}: a closed set, decided by
 * the store and its mutations, that names what went wrong and not how a protocol answers it. The
 * daemon maps each reason to an HTTP code and a Kubernetes {@code Status.reason} in one place
 * ({@code io.virtrev.daemon.http.StoreErrors}). {@link #details()} carries what a client may act on
 * (the compacted revision, the object's kind and uid, the current resourceVersion, libvirt's error code).
 */
public final class StoreException extends RuntimeException {

  /** What went wrong; the closed set. */
  public enum Reason {
    /** The store cannot be used: corrupt, written by a newer virtrevd, locked, or an I/O failure. */
    FAILED,
    /** A revision that is no longer retained was asked for (etcd's ErrCompacted). */
    COMPACTED,
    /** A revision beyond the last committed one was asked for (etcd's ErrFutureRev). */
    TOO_NEW,
    /** The object does not exist. */
    NOT_FOUND,
    /** An object with the same name or uid exists already. */
    ALREADY_EXISTS,
    /** Compare-and-swap lost on the object's {@code metadata.resourceVersion} or uid; or the operation conflicts with its state. */
    CONFLICT,
    /** Compare-and-swap lost on an {@code If-Match} precondition. */
    PRECONDITION_FAILED,
    /** The request is malformed (a selector, a parameter, XML that does not parse). */
    MALFORMED,
    /** The request is well formed but its object is not valid. */
    INVALID,
    /** The store is closed or cannot commit now; the hypervisor cannot be reached. */
    UNAVAILABLE,
    /** Something failed that the caller cannot fix (the hypervisor's own failure, a half-done change). */
    INTERNAL
  }

  private final Reason reason;
  private final Map<String, Object> details;

  public StoreException(Reason reason, String message, Map<String, Object> details, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.details = Map.copyOf(details);
  }

  public StoreException(Reason reason, String message) {
    this(reason, message, Map.of(), null);
  }

  /** {@link Reason#FAILED}: the durable store cannot be opened or written. */
  public StoreException(String message, Throwable cause) {
    this(Reason.FAILED, message, Map.of(), cause);
  }

  /** {@link Reason#FAILED}: the durable store cannot be opened or written. */
  public StoreException(String message) {
    this(Reason.FAILED, message, Map.of(), null);
  }

  /** {@link Reason#COMPACTED}: revisions after {@code after} are asked for, those up to {@code compacted} are gone. */
  public static StoreException compacted(long after, long compacted) {
    return new StoreException(Reason.COMPACTED, "too old resource version: " + after + " (oldest retained: "
        + (compacted + 1) + "); list again and watch from the list's resourceVersion",
        Map.of("compactedRevision", Long.toString(compacted)), null);
  }

  /** {@link Reason#TOO_NEW}: revision {@code wanted} is asked for, the store is at {@code current}. */
  public static StoreException tooNew(io.virtrev.api.Revision wanted, io.virtrev.api.Revision current) {
    return new StoreException(Reason.TOO_NEW, "Too large resource version: " + wanted + ", current: " + current,
        Map.of("currentResourceVersion", current.toString()), null);
  }

  public Reason reason() {
    return reason;
  }

  public Map<String, Object> details() {
    return details;
  }

  /** The same error with other details (same reason, message and cause). */
  public StoreException withDetails(Map<String, Object> details) {
    StoreException e = new StoreException(reason, getMessage(), details, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }
}
