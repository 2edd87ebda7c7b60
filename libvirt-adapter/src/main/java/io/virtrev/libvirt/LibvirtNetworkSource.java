package io.virtrev.libvirt;

import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SourceException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link NetworkSource} on the connection of a {@link LibvirtDomainSource} (one libvirt connection per
 * daemon serves every kind): obtained from {@link LibvirtDomainSource#networks()}, it has no connection,
 * thread or listener of its own. Its events are registered and deregistered with the domain events
 * ({@link Subscriptions#registerNetworkEvents}) and reach the domain source's listener.
 *
 * <p>Threads and locks: every call runs on the caller's thread under the session's read lock (as the
 * domain source's reads do); no state of its own, so nothing to guard. Reads go through
 * {@link NetworkReader} (JNA), writes through {@link NetworkWriter}.
 */
public final class LibvirtNetworkSource implements NetworkSource {
  private final Supplier<Session> session;
  private final DomainSchema schema = new DomainSchema(DomainSchema.NETWORK);

  /** {@code session} returns the live session or throws CONNECTION. */
  LibvirtNetworkSource(Supplier<Session> session) {
    this.session = session;
  }

  @Override
  public List<NetworkObservation> listAll() {
    return session.get().call(NetworkReader::listAll);
  }

  /** Also empty for a string that is not a uuid: no network can have it. */
  @Override
  public Optional<NetworkObservation> get(String uuid) {
    if (!SourceCalls.isUuid(uuid)) {
      return Optional.empty();
    }
    return SourceCalls.unlessNotFound(() -> session.get().call(connect -> NetworkReader.lookupAndRead(connect, uuid)));
  }

  @Override
  public NetworkObservation define(String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    return session.get().call(connect -> NetworkWriter.define(connect, xml, validate));
  }

  /** libvirt's schema check ({@link DomainSchema} on {@code network.rng}) on this host; libvirt is not called. */
  @Override
  public void validate(String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    schema.check(xml, validate);
  }

  @Override
  public void undefine(String uuid) {
    write(uuid, connect -> NetworkWriter.undefine(connect, uuid));
  }

  @Override
  public void start(String uuid) {
    write(uuid, connect -> NetworkWriter.start(connect, uuid));
  }

  @Override
  public void destroy(String uuid) {
    write(uuid, connect -> NetworkWriter.destroy(connect, uuid));
  }

  @Override
  public void setAutostart(String uuid, boolean autostart) {
    write(uuid, connect -> NetworkWriter.setAutostart(connect, uuid, autostart));
  }

  private void write(String uuid, SourceCalls.Action call) {
    if (!SourceCalls.isUuid(uuid)) {
      throw new SourceException(SourceException.Kind.NOT_FOUND, "not a network uuid: '" + uuid + "'");
    }
    session.get().call(SourceCalls.noAnswer(call));
  }
}
