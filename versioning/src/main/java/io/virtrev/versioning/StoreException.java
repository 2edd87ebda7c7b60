package io.virtrev.versioning;

/** The durable store cannot be opened or written: corrupt, from a newer version, locked, or I/O. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
