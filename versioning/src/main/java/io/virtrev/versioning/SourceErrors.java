package io.virtrev.versioning;

import io.virtrev.api.source.SourceException;
import java.util.Map;

/**
 * How a hypervisor's refusal becomes a store error (and so, in the daemon, an HTTP one). libvirt's own message is kept as the message, its
 * code as {@code details.libvirtErrorCode}. Refusals of what the client sent are 4xx: malformed XML
 * (VIR_ERR_XML_ERROR 27, VIR_ERR_XML_DETAIL 35) and an invalid argument (VIR_ERR_INVALID_ARG 8) MALFORMED (400);
 * schema-invalid XML (VIR_ERR_XML_INVALID_SCHEMA 92) and an unsupported configuration
 * (VIR_ERR_CONFIG_UNSUPPORTED 67) INVALID (422); an operation the domain's state does not allow
 * (VIR_ERR_OPERATION_INVALID 55) CONFLICT (409). Codes not listed are INTERNAL (500).
 */
public final class SourceErrors {
  /** libvirt's VIR_ERR_XML_INVALID_SCHEMA: the XML is well formed but not a valid domain. */
  static final int XML_INVALID_SCHEMA = 92;
  static final int INVALID_ARG = 8;
  static final int OPERATION_FAILED = 9;

  private SourceErrors() {}

  /** The XML is well formed but libvirt's schema check refused it. */
  static boolean isSchemaInvalid(SourceException e) {
    return e.kind() == SourceException.Kind.INVALID_XML && e.code() == XML_INVALID_SCHEMA;
  }

  public static StoreException toStore(SourceException e) {
    Map<String, Object> details = e.code() >= 0 ? Map.of("libvirtErrorCode", e.code()) : Map.of();
    StoreException.Reason reason = switch (e.kind()) {
      case NOT_FOUND -> StoreException.Reason.NOT_FOUND;
      case INVALID_XML -> e.code() == XML_INVALID_SCHEMA ? StoreException.Reason.INVALID : StoreException.Reason.MALFORMED;
      case INVALID_CONFIG -> StoreException.Reason.INVALID;
      case OPERATION_INVALID -> StoreException.Reason.CONFLICT;
      case CONNECTION -> StoreException.Reason.UNAVAILABLE;
      case OTHER -> switch (e.code()) {
        case INVALID_ARG -> StoreException.Reason.MALFORMED;
        case OPERATION_FAILED -> e.getMessage() != null && e.getMessage().contains("already")
            ? StoreException.Reason.ALREADY_EXISTS : StoreException.Reason.CONFLICT;
        default -> StoreException.Reason.INTERNAL;
      };
    };
    String message = "libvirt: " + e.getMessage();
    return new StoreException(reason, message, details, e);
  }
}
