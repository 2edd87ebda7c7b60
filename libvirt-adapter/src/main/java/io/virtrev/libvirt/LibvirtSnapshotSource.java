package io.virtrev.libvirt;

import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.SnapshotSource;
import io.virtrev.api.source.SourceException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link SnapshotSource} on the connection of a {@link LibvirtDomainSource} (one libvirt connection per
 * daemon serves every kind): obtained from {@link LibvirtDomainSource#snapshots()}, it has no connection,
 * thread or listener of its own, and no events to register (libvirt has none for snapshots; the domain
 * events some snapshot operations cause reach the domain source's listener as any domain event).
 *
 * <p>Threads and locks: every call runs on the caller's thread under the session's read lock (as the
 * domain source's reads do); no state of its own, so nothing to guard. Reads go through
 * {@link SnapshotReader} (JNA), writes through {@link SnapshotWriter}.
 */
public final class LibvirtSnapshotSource implements SnapshotSource {
  private final Supplier<Session> session;
  private final DomainSchema schema = new DomainSchema(DomainSchema.SNAPSHOT);

  /** {@code session} returns the live session or throws CONNECTION. */
  LibvirtSnapshotSource(Supplier<Session> session) {
    this.session = session;
  }

  @Override
  public List<SnapshotObservation> listAll() {
    return session.get().call(SnapshotReader::listAll);
  }

  @Override
  public List<SnapshotObservation> list(String domainUuid) {
    requireUuid(domainUuid);
    return session.get().call(connect -> SnapshotReader.onDomain(connect, domainUuid, SnapshotReader::snapshotsOf));
  }

  /** Also empty for a domain string that is not a uuid: no domain can have it. */
  @Override
  public Optional<SnapshotObservation> get(String domainUuid, String name) {
    Objects.requireNonNull(name, "name");
    if (!SourceCalls.isUuid(domainUuid)) {
      return Optional.empty();
    }
    return SourceCalls.unlessNotFound(
        () -> session.get().call(connect -> SnapshotReader.lookupAndRead(connect, domainUuid, name)));
  }

  @Override
  public Optional<SnapshotObservation> current(String domainUuid) {
    requireUuid(domainUuid);
    return session.get().call(connect -> SnapshotReader.current(connect, domainUuid));
  }

  @Override
  public SnapshotObservation create(String domainUuid, String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    requireUuid(domainUuid);
    return session.get().call(connect -> SnapshotWriter.create(connect, domainUuid, xml, validate));
  }

  /** libvirt's schema check ({@link DomainSchema} on {@code domainsnapshot.rng}) on this host; libvirt is not called. */
  @Override
  public void validate(String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    schema.check(xml, validate);
  }

  @Override
  public void revert(String domainUuid, String name) {
    Objects.requireNonNull(name, "name");
    requireUuid(domainUuid);
    session.get().call(SourceCalls.noAnswer(connect -> SnapshotWriter.revert(connect, domainUuid, name)));
  }

  @Override
  public void delete(String domainUuid, String name, boolean children) {
    Objects.requireNonNull(name, "name");
    requireUuid(domainUuid);
    session.get().call(
        SourceCalls.noAnswer(connect -> SnapshotWriter.delete(connect, domainUuid, name, children)));
  }

  private static void requireUuid(String domainUuid) {
    if (!SourceCalls.isUuid(domainUuid)) {
      throw new SourceException(SourceException.Kind.NOT_FOUND, "not a domain uuid: '" + domainUuid + "'");
    }
  }
}
