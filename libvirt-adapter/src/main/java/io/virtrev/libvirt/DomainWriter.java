package io.virtrev.libvirt;

import com.sun.jna.Pointer;
import io.virtrev.api.source.LifecycleAction;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.api.source.UndefineOptions;

/**
 * The write calls of {@link LibvirtDomainSource}, all through {@link LibvirtNative} so that every
 * failure carries libvirt's exact {@code virErrorNumber} (libvirt-java 0.5.4 folds numbers >= 105
 * onto one enum constant) and libvirt's own message, read with {@code virGetLastError} on the calling
 * thread right after the failing call. Each method is one libvirt call on a domain looked up by uuid
 * (itself a call, which fails with VIR_ERR_NO_DOMAIN); domain references are freed before returning.
 *
 * <p>Callers hold the session's read lock, so the connection outlives every call here.
 */
final class DomainWriter {
  /** virDomainUndefineFlagsValues (libvirt-domain.h, libvirt 9.0). */
  static final int UNDEFINE_MANAGED_SAVE = 1;
  static final int UNDEFINE_SNAPSHOTS_METADATA = 1 << 1;
  static final int UNDEFINE_NVRAM = 1 << 2;
  static final int UNDEFINE_KEEP_NVRAM = 1 << 3;
  static final int UNDEFINE_CHECKPOINTS_METADATA = 1 << 4;

  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;

  /** One call on a borrowed domain pointer; returns 0 or -1 like libvirt. */
  private interface DomainCall {
    int apply(Pointer dom);
  }

  private DomainWriter() {}

  /**
   * {@code virDomainDefineXMLFlags} (with {@code VIR_DOMAIN_DEFINE_VALIDATE} if {@code validate}), then
   * reads the defined domain back through the handle the define returned (no lookup; persistent, as
   * every defined domain is). Malformed XML fails with VIR_ERR_XML_ERROR/XML_DETAIL, schema-invalid XML
   * with VIR_ERR_XML_INVALID_SCHEMA, and a name or uuid clash with VIR_ERR_OPERATION_FAILED.
   */
  static DomainObservation define(NativeConnect connect, String xml, boolean validate, ParallelCalls calls)
      throws NativeCallException {
    Pointer dom = LIB.virDomainDefineXMLFlags(connect.pointer(), xml, validate ? LibvirtNative.DEFINE_VALIDATE : 0);
    if (dom == null) {
      throw NativeCallException.lastError("virDomainDefineXMLFlags");
    }
    try {
      return DomainReader.read(dom, new DomainReader.Known(true, null), calls);
    } finally {
      LIB.virDomainFree(dom);
    }
  }

  static void undefine(NativeConnect connect, String uuid, UndefineOptions options)
      throws NativeCallException {
    int flags = undefineFlags(options);
    onDomain(connect, uuid, "virDomainUndefineFlags", dom -> LIB.virDomainUndefineFlags(dom, flags));
  }

  static void perform(NativeConnect connect, String uuid, LifecycleAction action)
      throws NativeCallException {
    switch (action) {
      case START -> onDomain(connect, uuid, "virDomainCreate", LIB::virDomainCreate);
      case SHUTDOWN -> onDomain(connect, uuid, "virDomainShutdown", LIB::virDomainShutdown);
      case DESTROY -> onDomain(connect, uuid, "virDomainDestroy", LIB::virDomainDestroy);
      case SUSPEND -> onDomain(connect, uuid, "virDomainSuspend", LIB::virDomainSuspend);
      case RESUME -> onDomain(connect, uuid, "virDomainResume", LIB::virDomainResume);
      case REBOOT -> onDomain(connect, uuid, "virDomainReboot", dom -> LIB.virDomainReboot(dom, 0));
      case RESET -> onDomain(connect, uuid, "virDomainReset", dom -> LIB.virDomainReset(dom, 0));
      default -> throw new IllegalArgumentException("unsupported action: " + action);
    }
  }

  static int undefineFlags(UndefineOptions options) {
    int flags = 0;
    if (options.managedSave()) {
      flags |= UNDEFINE_MANAGED_SAVE;
    }
    if (options.snapshotsMetadata()) {
      flags |= UNDEFINE_SNAPSHOTS_METADATA;
    }
    if (options.nvram()) {
      flags |= UNDEFINE_NVRAM;
    }
    if (options.keepNvram()) {
      flags |= UNDEFINE_KEEP_NVRAM;
    }
    if (options.checkpointsMetadata()) {
      flags |= UNDEFINE_CHECKPOINTS_METADATA;
    }
    return flags;
  }

  /** Looks {@code uuid} up, applies {@code call}, and frees the reference (after reading any error). */
  private static void onDomain(NativeConnect connect, String uuid, String name, DomainCall call)
      throws NativeCallException {
    Pointer dom = LIB.virDomainLookupByUUIDString(connect.pointer(), uuid);
    if (dom == null) {
      throw NativeCallException.lastError("virDomainLookupByUUIDString");
    }
    try {
      if (call.apply(dom) < 0) {
        throw NativeCallException.lastError(name);
      }
    } finally {
      LIB.virDomainFree(dom);
    }
  }
}
