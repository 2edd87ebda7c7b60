package io.virtrev.libvirt;

import org.libvirt.jna.virError;

/** A failed call through {@link LibvirtNative}, carrying libvirt's error number and message. */
final class NativeCallException extends Exception {
  private final int code;

  NativeCallException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** Reads this thread's last libvirt error; call right after the failing call, on the same thread. */
  static NativeCallException lastError(String call) {
    virError error = LibvirtNative.INSTANCE.virGetLastError();
    if (error == null) {
      return new NativeCallException(-1, call + " failed without a libvirt error");
    }
    return new NativeCallException(error.code, error.message);
  }

  int code() {
    return code;
  }
}
