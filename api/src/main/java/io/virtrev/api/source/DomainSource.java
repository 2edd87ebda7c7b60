package io.virtrev.api.source;

import java.util.List;
import java.util.Optional;

/**
 * The port through which the versioning module observes a hypervisor. The consumer (versioning's
 * reconciler) owns this contract; {@code libvirt-adapter} implements it on libvirt and
 * {@code src-test-fixtures} on an in-memory model that can drop events and reset.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start} returns at once; from then on the source keeps itself connected (reconnecting
 *       with backoff) and reports {@link SourceListener#onConnected()} after every (re)connection.
 *       Events that happened while disconnected are lost: the consumer resyncs after every connect.
 *   <li>Events are hints, not data: the consumer re-reads the domain with {@link #get}. A source may
 *       drop events, but never reorders an event after a later read that it caused.
 *   <li>Reads are synchronous and may block on the hypervisor; they are never called with a lock held.
 *   <li>Reads and writes while disconnected throw {@link SourceException} of kind {@code CONNECTION}.
 *   <li>Writes ({@link #define}, {@link #undefine}, {@link #perform}) are single libvirt calls; the
 *       consumer re-reads afterwards. The source emits the hypervisor's events for them as for any
 *       other change.
 * </ul>
 * Thread-safe: reads may come from any thread.
 */
public interface DomainSource extends AutoCloseable {

  /** Begins connecting and delivering events and connection changes to {@code listener}. Once only. */
  void start(SourceListener listener);

  /** Every domain the hypervisor knows (defined or running, persistent or transient). */
  List<DomainObservation> listAll();

  /**
   * Every domain, read in steps, so that the consumer can do other work between steps (the reconciler
   * serves events between them during a resync). Which domains exist is decided when the listing is
   * opened; each domain is read when its step comes, so the result is not a picture of one instant
   * (neither is {@link #listAll}: reads are never atomic across domains). Domains that vanish before
   * their step are skipped. The default reads everything in the first step.
   *
   * @throws SourceException CONNECTION and others as {@link #listAll}, from here or from any step
   */
  default Listing listing() {
    return Listing.of(listAll());
  }

  /** The domain with this uuid (lower-case canonical form), empty if the hypervisor has none. */
  Optional<DomainObservation> get(String uuid);

  /**
   * The domain's persistent configuration XML including the secrets every other read elides (libvirt's
   * {@code VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE}), empty if the hypervisor has no such domain.
   * For one purpose only: carrying secrets a client could not see into its update. The result must
   * never be stored, logged or served.
   *
   * @throws SourceException CONNECTION, OTHER as libvirt reports
   */
  Optional<String> secureConfigXml(String uuid);

  /**
   * Defines (or redefines, if the uuid exists) a persistent domain. With {@code validate}, libvirt checks
   * the XML against its schema first ({@code VIR_DOMAIN_DEFINE_VALIDATE}), so unknown elements are
   * rejected; without, libvirt parses what it knows and silently drops the rest. Returns the domain as
   * libvirt stored it, read back right after the define.
   *
   * @throws SourceException INVALID_XML (malformed, or schema-invalid with libvirt's code 92, with
   *     libvirt's message), INVALID_CONFIG (libvirt's "unsupported configuration", code 67),
   *     OPERATION_INVALID / OTHER as libvirt reports, CONNECTION
   */
  DomainObservation define(String xml, boolean validate);

  /** {@link #define(String, boolean)} with validation. */
  default DomainObservation define(String xml) {
    return define(xml, true);
  }

  /**
   * Checks {@code xml} as {@link #define(String, boolean)} with the same {@code validate} would, without
   * defining or changing anything (dry runs): malformed XML always, and with {@code validate} what
   * libvirt's RELAX NG schema ({@code domain.rng}) refuses. What only libvirt's define finds (a missing
   * emulator, an unsupported configuration, a clash with a domain the consumer has not seen) is not found.
   * Needs no connection.
   *
   * @throws SourceException INVALID_XML with define's codes (27 malformed, 92 schema-invalid) and messages;
   *     OTHER if the check itself cannot run (the schema is missing): never a silent pass
   */
  void validate(String xml, boolean validate);

  /**
   * Undefines the domain (a running one becomes transient and disappears when it stops).
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (e.g. a managed save image exists and the
   *     flag was not given), CONNECTION
   */
  void undefine(String uuid, UndefineOptions options);

  /**
   * Performs one lifecycle action and returns once libvirt accepted it (for SHUTDOWN and REBOOT the
   * guest may act later, or never).
   *
   * @throws SourceException NOT_FOUND, OPERATION_INVALID (e.g. start of a running domain, with
   *     libvirt's message), CONNECTION
   */
  void perform(String uuid, LifecycleAction action);

  /** True while a connection is open and events are registered. */
  boolean isConnected();

  /** Where this source reads from, for logs and readiness messages (e.g. {@code qemu:///system}). */
  String describe();

  /** Stops reconnecting, unregisters events and frees native resources. Idempotent. */
  @Override
  void close();

  /** A listing in progress; see {@link DomainSource#listing()}. Single-threaded; close it. */
  interface Listing extends AutoCloseable {
    /** True until every domain of the listing was handed out. */
    boolean hasNext();

    /** How many domains the listing was opened with (for progress: some may vanish before their step). */
    int size();

    /** Up to {@code max} (>= 1) more domains, fewer (even none) if some vanished meanwhile. */
    List<DomainObservation> next(int max);

    /** Releases what the listing holds; never throws. */
    @Override
    void close();

    /** A listing of observations already read. */
    static Listing of(List<DomainObservation> all) {
      return new Listing() {
        private int at;

        @Override
        public boolean hasNext() {
          return at < all.size();
        }

        @Override
        public int size() {
          return all.size();
        }

        @Override
        public List<DomainObservation> next(int max) {
          if (max < 1) {
            throw new IllegalArgumentException("max < 1: " + max);
          }
          int end = Math.min(all.size(), at + max);
          List<DomainObservation> out = List.copyOf(all.subList(at, end));
          at = end;
          return out;
        }

        @Override
        public void close() {}
      };
    }
  }
}
