package io.virtrev.libvirt;

import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceException.Kind;
import java.util.function.BooleanSupplier;
import org.libvirt.Error;
import org.libvirt.LibvirtException;

/**
 * The one place where libvirt errors become {@link SourceException}s. {@code code()} is libvirt's
 * virErrorNumber and the message is libvirt's own.
 *
 * <p>Connection errors: INVALID_CONN and NO_CONNECT always; INTERNAL_ERROR (socket closed),
 * OPERATION_FAILED, SYSTEM_ERROR (broken pipe) and RPC only when the connection is no longer alive,
 * since libvirt also raises them for failures that leave the connection usable.
 *
 * <p>libvirt-java 0.5.4 exposes the number as an enum whose ordinal is the number; numbers newer than
 * its enum collapse onto its last constant (code 105 and above are not told apart). Calls through
 * {@link LibvirtNative} ({@link NativeCallException}) keep the exact number.
 *
 * <p>A define that clashes with an existing domain (same name, other uuid) is OPERATION_FAILED on
 * qemu and test: it maps to OTHER with libvirt's code and message, for the caller to tell apart.
 */
final class LibvirtErrors {
  static final int INTERNAL_ERROR = 1;
  static final int NO_CONNECT = 5;
  static final int INVALID_CONN = 6;
  static final int OPERATION_FAILED = 9;
  /** Among others, "unsupported flags" from a driver that lacks a flag. */
  static final int INVALID_ARG = 8;
  static final int XML_ERROR = 27;
  /** Raised by some drivers for a clash with an existing domain; qemu and test use OPERATION_FAILED. */
  static final int DOM_EXIST = 28;
  static final int XML_DETAIL = 35;
  static final int SYSTEM_ERROR = 38;
  static final int RPC = 39;
  static final int NO_DOMAIN = 42;
  static final int NO_NETWORK = 43;
  static final int NO_STORAGE_POOL = 49;
  static final int NO_STORAGE_VOL = 50;
  /** A volume of that name already exists in the pool. */
  static final int STORAGE_VOL_EXIST = 90;
  static final int OPERATION_INVALID = 55;
  /** No snapshot of that name; also "the domain has no current snapshot" and "the snapshot has no parent". */
  static final int NO_DOMAIN_SNAPSHOT = 72;
  /** "unsupported configuration": the XML parsed, but what it asks for is refused (e.g. a 9-character VNC password). */
  static final int CONFIG_UNSUPPORTED = 67;
  /** Define with VIR_DOMAIN_DEFINE_VALIDATE and XML that the schema rejects (e.g. an unknown element). */
  static final int XML_INVALID_SCHEMA = 92;

  private LibvirtErrors() {}

  /** Maps a libvirt-java exception; {@code alive} is asked only for ambiguous codes. */
  static SourceException map(LibvirtException e, BooleanSupplier alive) {
    Error error = e.getError();
    int code = error == null || error.getCode() == null ? -1 : error.getCode().ordinal();
    String message = error == null ? e.getMessage() : error.getMessage();
    return map(code, message, alive, e);
  }

  /** Maps a failure of the project's own JNA calls. */
  static SourceException map(NativeCallException e, BooleanSupplier alive) {
    return map(e.code(), e.getMessage(), alive, e);
  }

  static SourceException map(int code, String message, BooleanSupplier alive, Throwable cause) {
    return new SourceException(kind(code, alive), code, message, cause);
  }

  static Kind kind(int code, BooleanSupplier alive) {
    switch (code) {
      case NO_DOMAIN:
      case NO_NETWORK:
      case NO_STORAGE_POOL:
      case NO_STORAGE_VOL:
      case NO_DOMAIN_SNAPSHOT:
        return Kind.NOT_FOUND;
      case XML_ERROR:
      case XML_DETAIL:
      case XML_INVALID_SCHEMA:
        return Kind.INVALID_XML;
      case CONFIG_UNSUPPORTED:
        return Kind.INVALID_CONFIG;
      case OPERATION_INVALID:
        return Kind.OPERATION_INVALID;
      case INVALID_CONN:
      case NO_CONNECT:
        return Kind.CONNECTION;
      case INTERNAL_ERROR:
      case OPERATION_FAILED:
      case SYSTEM_ERROR:
      case RPC:
        return alive.getAsBoolean() ? Kind.OTHER : Kind.CONNECTION;
      default:
        return Kind.OTHER;
    }
  }

  /** A connection-kind exception for when there is no connection to ask libvirt with. */
  static SourceException notConnected(String uri) {
    return new SourceException(Kind.CONNECTION, -1, "not connected to " + uri, null);
  }
}
