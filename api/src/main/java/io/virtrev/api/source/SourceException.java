package io.virtrev.api.source;

/**
 * A failure reported by a source ({@link DomainSource}, {@link NetworkSource}, {@link StorageSource}), keyed on a closed set of kinds. For libvirt,
 * {@link #code()} is libvirt's {@code virErrorNumber} and the message is libvirt's own.
 */
public final class SourceException extends RuntimeException {

  /** What went wrong, as far as the consumer needs to distinguish. */
  public enum Kind {
    /**
     * The object does not exist (libvirt VIR_ERR_NO_DOMAIN, VIR_ERR_NO_NETWORK, VIR_ERR_NO_STORAGE_POOL,
     * VIR_ERR_NO_STORAGE_VOL, VIR_ERR_NO_DOMAIN_SNAPSHOT).
     */
    NOT_FOUND,
    /** The XML was rejected (malformed, or invalid against the schema). */
    INVALID_XML,
    /**
     * The XML was understood but the configuration it describes is refused (libvirt's
     * VIR_ERR_CONFIG_UNSUPPORTED, e.g. a VNC password longer than 8 characters).
     */
    INVALID_CONFIG,
    /** The operation is not valid in the object's current state. */
    OPERATION_INVALID,
    /** No usable connection to the hypervisor. */
    CONNECTION,
    /** Anything else. */
    OTHER
  }

  private final Kind kind;
  private final int code;

  public SourceException(Kind kind, int code, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.code = code;
  }

  public SourceException(Kind kind, String message) {
    this(kind, -1, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The hypervisor's own error code, or -1 if there is none. */
  public int code() {
    return code;
  }
}
