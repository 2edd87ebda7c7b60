package io.virtrev.libvirt;

import io.virtrev.api.source.SourceException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.libvirt.LibvirtException;

/**
 * What the kind sources ({@link LibvirtNetworkSource}, {@link LibvirtStorageSource},
 * {@link LibvirtSnapshotSource}) do around their libvirt calls alike: recognising a uuid, turning a
 * NOT_FOUND answer into an empty read, and making a write without an answer a {@link Session.Call}.
 * Stateless.
 */
final class SourceCalls {
  /** A libvirt call made for its effect only. */
  interface Action {
    void run(NativeConnect connect) throws LibvirtException, NativeCallException;
  }

  private SourceCalls() {}

  /** True for a canonical uuid, in either case; false for null or anything else (no object can have it). */
  static boolean isUuid(String uuid) {
    try {
      return uuid != null && UUID.fromString(uuid).toString().equalsIgnoreCase(uuid);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** {@code read}'s answer, or empty when it fails with NOT_FOUND; every other failure propagates. */
  static <T> Optional<T> unlessNotFound(Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (SourceException e) {
      if (e.kind() == SourceException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** {@code action} as a call answering null. */
  static Session.Call<Void> noAnswer(Action action) {
    return connect -> {
      action.run(connect);
      return null;
    };
  }
}
