package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSpec;
import io.virtrev.api.DomainStatus;
import io.virtrev.api.ApiRequest;
import io.virtrev.api.source.DomainObservation;
import io.virtrev.api.source.DomainSource;
import io.virtrev.api.source.LifecycleAction;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.UndefineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every change made through the API: define, update (compare-and-swap) and patch, undefine, lifecycle
 * actions.
 *
 * <p>Each runs on the reconciler's thread ({@link Reconciler#runExclusive}), so nothing else reads
 * libvirt or submits to the store while it runs, in this order:
 * <ol>
 *   <li>re-read the domain from libvirt and hand it to the writer with the precondition
 *       ({@link VersionedStore#observeAndCheck}): a difference from the store (an out-of-band change) is
 *       committed as its own revision first, and the precondition is then decided by the writer against
 *       the result, failing with the new RV if it moved; an update then reads the config XML with its
 *       secrets and carries those the client could not see into its XML ({@link ElidedSecrets});
 *   <li>make the one libvirt call; a dry run ({@link DryRun#ALL}) stops here instead: a define is replaced
 *       by {@link DomainSource#validate} (libvirt's schema check, no define), undefine and actions by
 *       nothing, and the answer is the object as it would be, its resourceVersion unchanged (a dry run
 *       still records an out-of-band change step 1 found, as the reconciler would, never its own);
 *   <li>read the domain back and commit what libvirt now holds: one revision, whose object is exactly
 *       what libvirt stored. libvirt's own event for the change later re-reads the same state and
 *       creates no second revision.
 * </ol>
 * Provenance: the revision step 3 makes carries {@code by} (the request, {@code status.request}) and the
 * libvirt events for the domain that arrived after step 1's read began and before step 3's read began
 * ({@link Reconciler#takeEvents}, taken just before each read); step 1's out-of-band revision carries the
 * events that arrived before its read, and no request. libvirt's own event for the change usually arrives
 * after the read-back: its re-read then finds nothing new and it is in no revision.
 *
 * <p>libvirt has no compare-and-swap, so a change made by another libvirt client between step 1's read
 * and step 2's call is overwritten: that window is one store round trip (no disk write unless an
 * out-of-band change was found). See docs/api.md.
 *
 * <p>While the store cannot commit (a full disk: {@link VersionedStore#commitFailure}) a mutation is
 * refused before libvirt is touched: 503 ServiceUnavailable, libvirt not changed. If the store fails
 * before the libvirt call (step 1) the answer is the same. If it fails after the libvirt call
 * succeeded (step 3), the answer is 500 InternalError, as Kubernetes answers a write its storage did
 * not take, with a message that says libvirt WAS changed; the reconciler is asked to resync, so the
 * change is committed as soon as the store can commit again.
 */
public final class Mutations {
  /**
   * A mutation's outcome: the object at the revision holding the result, whether one was made, and
   * warnings for the caller (Kubernetes' {@code Warning} header).
   */
  public record Result(Domain object, boolean changed, List<String> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }

    Result withWarnings(List<String> w) {
      return w.isEmpty() ? this : new Result(object, changed, w);
    }
  }

  private final DomainSource source;
  private final VersionedStore store;
  private final Reconciler lane;

  public Mutations(DomainSource source, VersionedStore store, Reconciler lane) {
    this.source = source;
    this.store = store;
    this.lane = lane;
  }

  /**
   * Replaces the config XML of the domain {@code nameOrUuid} (PUT). Secrets libvirt never serves (graphics
   * passwords, disk cookies) that the client's XML leaves out are kept, by {@link ElidedSecrets}' rule.
   *
   * @param by the request, carried by the revision it makes ({@code status.request})
   */
  public CompletableFuture<Result> update(String nameOrUuid, String xml, Precondition pre,
      FieldValidation validation, DryRun dryRun, ApiRequest by) {
    DomainXmlInspector.Identity id = DomainXmlInspector.inspect(xml);
    return exclusive(() -> {
      requireCommitting();
      Domain cur = find(nameOrUuid);
      checkIdentity(cur, id);
      Optional<DomainObservation> now = reobserve(cur.uuid(), pre);
      return replace(cur.uuid(), xml, now, validation, dryRun, by);
    });
  }

  /**
   * What a patched object asks to write: its config XML and the preconditions it carries (its
   * {@code metadata.resourceVersion}, its edit-base marker's generation).
   */
  public record Replacement(String xml, Precondition pre) {}

  /**
   * Patches the domain {@code nameOrUuid} (PATCH): on the lane, after step 1 has brought the store up to
   * date with libvirt (and decided {@code pre}), {@code patch} builds the replacement from the current
   * object; nothing can change the domain in the store between that read and the write. Then as
   * {@link #update}: the replacement's preconditions are checked against that same current object, and
   * its XML is defined the way an update defines it. {@code patch} answering empty means the patch
   * changes nothing: the current object is the answer, libvirt is not called and no revision is made.
   *
   * @param by the request, carried by the revision it makes ({@code status.request})
   * @param patch runs on the reconciler's thread; may throw {@link StoreException} (the request fails,
   *     nothing is changed)
   */
  public CompletableFuture<Result> patch(String nameOrUuid, Precondition pre, FieldValidation validation,
      DryRun dryRun, ApiRequest by, Function<Domain, Optional<Replacement>> patch) {
    return exclusive(() -> {
      requireCommitting();
      Domain cur = find(nameOrUuid);
      Optional<DomainObservation> now = reobserve(cur.uuid(), pre);
      Domain current = store.snapshot().byUuid(cur.uuid()).orElseThrow(() -> new StoreException(
          StoreException.Reason.NOT_FOUND, "domain \"" + nameOrUuid + "\" not found",
          Map.of("name", nameOrUuid, "kind", "domains"), null));
      Optional<Replacement> r = patch.apply(current);
      if (r.isEmpty()) {
        return new Result(current, false, List.of());
      }
      r.get().pre().check(current);
      checkIdentity(current, DomainXmlInspector.inspect(r.get().xml()));
      return replace(current.uuid(), r.get().xml(), now, validation, dryRun, by);
    });
  }

  /** The XML of an update must name the domain it replaces: same uuid, same name (no renames). */
  private static void checkIdentity(Domain cur, DomainXmlInspector.Identity id) {
    if (id.uuid() == null) {
      throw bad("the XML has no <uuid>: an update must carry the uuid of domain \"" + cur.name() + "\" ("
          + cur.uuid() + ")");
    }
    if (!id.uuid().equals(cur.uuid())) {
      throw bad("the XML is for uuid " + id.uuid() + " but the URL names domain \"" + cur.name() + "\" ("
          + cur.uuid() + ")");
    }
    if (!id.name().equals(cur.name())) {
      throw bad("the XML names the domain \"" + id.name() + "\" but it is \"" + cur.name()
          + "\": renaming through an update is not supported");
    }
  }

  /**
   * Steps 2 and 3 of an update: carry the elided secrets, define, commit; a dry run validates instead and
   * answers the current object with the new XML, nothing committed.
   */
  private Result replace(String uuid, String xml, Optional<DomainObservation> now, FieldValidation validation,
      DryRun dryRun, ApiRequest by) {
    List<String> warnings = new ArrayList<>(1);
    String toDefine = now.isPresent() && ElidedSecrets.mayHaveElided(now.get().configXml())
        ? withSecrets(uuid, xml, warnings) : xml;
    if (dryRun.isDry()) {
      validate(toDefine, validation, warnings);
      Domain at = current(uuid); // after step 1, which may have recorded an out-of-band change
      // The client's XML, never toDefine: that one carries secrets no read may serve. A define makes a
      // transient domain persistent.
      DomainMeta m = at.metadata();
      ObjectMetaXml.Maps maps = ObjectMetaXml.read(xml); // the labels the define would give it
      return new Result(Domain.of(new DomainMeta(m.name(), m.uuid(), m.resourceVersion(), m.generation(),
          m.creationRevision(), m.creationTimestamp(), maps.labels(), maps.annotations()),
          new DomainSpec(xml, true, at.spec().autostart()), at.status()), false, warnings);
    }
    Cause cause = lane.takeEvents(uuid).by(by); // define reads the domain back
    DomainObservation stored = define(toDefine, validation, warnings);
    return commit(uuid, Optional.of(stored), cause).withWarnings(warnings);
  }

  /**
   * Defines a new domain (POST); 409 AlreadyExists if its name or uuid exists. {@code by}: the request,
   * carried by the revision it makes.
   */
  public CompletableFuture<Result> create(String xml, FieldValidation validation, DryRun dryRun, ApiRequest by) {
    DomainXmlInspector.Identity id = DomainXmlInspector.inspect(xml);
    return exclusive(() -> {
      requireCommitting();
      Snapshot snap = store.snapshot();
      if (id.uuid() != null && snap.byUuid(id.uuid()).isPresent()) {
        throw exists("uuid " + id.uuid(), snap.byUuid(id.uuid()).get());
      }
      if (snap.byName(id.name()).isPresent()) {
        throw exists("name \"" + id.name() + "\"", snap.byName(id.name()).get());
      }
      if (id.uuid() != null) {
        Cause pending = lane.takeEvents(id.uuid());
        Optional<DomainObservation> there = call(() -> source.get(id.uuid()));
        if (there.isPresent()) { // libvirt has it, the store has not caught up: record it, refuse
          beforeLibvirt(store.observe(id.uuid(), there.get(), pending));
          throw exists("uuid " + id.uuid(), store.snapshot().byUuid(id.uuid()).orElseThrow());
        }
      }
      List<String> warnings = new ArrayList<>(1);
      if (dryRun.isDry()) {
        validate(xml, validation, warnings);
        // As apiserver's dry-run create: no resourceVersion; a uid chosen here if the XML has none.
        String uuid = id.uuid() != null ? id.uuid() : UUID.randomUUID().toString();
        ObjectMetaXml.Maps maps = ObjectMetaXml.read(xml);
        return new Result(Domain.of(new DomainMeta(id.name(), uuid, null, 1, null, null, maps.labels(),
            maps.annotations()), new DomainSpec(xml, true, false),
            new DomainStatus("shutoff", "unknown", null, null)), false, warnings);
      }
      // No domain has this uuid yet: nothing of it can be pending (without a uuid in the XML, libvirt picks one).
      Cause cause = (id.uuid() == null ? Cause.NONE : lane.takeEvents(id.uuid())).by(by);
      DomainObservation stored;
      try {
        stored = define(xml, validation, warnings);
      } catch (StoreException api) {
        if (api.reason() == StoreException.Reason.ALREADY_EXISTS || api.reason() == StoreException.Reason.CONFLICT) {
          lane.requestResync(); // libvirt knows a domain the store has not seen yet
          throw new StoreException(StoreException.Reason.ALREADY_EXISTS, api.getMessage(), api.details(), api);
        }
        throw api;
      }
      return commit(stored.uuid(), Optional.of(stored), cause).withWarnings(warnings);
    });
  }

  /**
   * Undefines (DELETE). A running domain becomes transient and stays until it stops. {@code by}: the
   * request, carried by the revision it makes.
   */
  public CompletableFuture<Result> delete(String nameOrUuid, Precondition pre, UndefineOptions options,
      DryRun dryRun, ApiRequest by) {
    return exclusive(() -> {
      requireCommitting();
      Domain cur = find(nameOrUuid);
      reobserve(cur.uuid(), pre);
      if (dryRun.isDry()) {
        return new Result(current(cur.uuid()), false, List.of());
      }
      about(cur, () -> call(() -> {
        source.undefine(cur.uuid(), options);
        return null;
      }));
      return readBack(cur.uuid(), by);
    });
  }

  /** One lifecycle action (POST .../{action}); {@code by}: the request, carried by the revision it makes. */
  public CompletableFuture<Result> act(String nameOrUuid, LifecycleAction action, Precondition pre,
      DryRun dryRun, ApiRequest by) {
    return exclusive(() -> {
      requireCommitting();
      Domain cur = find(nameOrUuid);
      reobserve(cur.uuid(), pre);
      if (dryRun.isDry()) {
        return new Result(current(cur.uuid()), false, List.of());
      }
      about(cur, () -> call(() -> {
        source.perform(cur.uuid(), action);
        return null;
      }));
      return readBack(cur.uuid(), by);
    });
  }

  /** The store's object for {@code uuid} now; 404 if step 1 found it gone from libvirt. */
  private Domain current(String uuid) {
    return store.snapshot().byUuid(uuid).orElseThrow(() -> new StoreException(StoreException.Reason.NOT_FOUND,
        "domain " + uuid + " not found", Map.of("name", uuid, "kind", "domains"), null));
  }

  private Domain find(String nameOrUuid) {
    return store.snapshot().find(nameOrUuid).orElseThrow(() -> new StoreException(StoreException.Reason.NOT_FOUND,
        "domain \"" + nameOrUuid + "\" not found", Map.of("name", nameOrUuid, "kind", "domains"), null));
  }

  /**
   * Step 1: re-read, commit an out-of-band change if any, and let the writer decide the precondition.
   * Returns what was read.
   */
  private Optional<DomainObservation> reobserve(String uuid, Precondition pre) {
    Cause pending = lane.takeEvents(uuid);
    Optional<DomainObservation> now = call(() -> source.get(uuid));
    beforeLibvirt(store.observeAndCheck(uuid, now.orElse(null), pending, pre));
    return now;
  }

  /** Step 3 after an undefine or an action: read the domain back and commit it, made by {@code by}. */
  private Result readBack(String uuid, ApiRequest by) {
    Cause cause = lane.takeEvents(uuid).by(by);
    return commit(uuid, call(() -> source.get(uuid)), cause);
  }

  /** Refuses (503, libvirt untouched) while the store cannot commit. */
  private void requireCommitting() {
    Optional<String> failure = store.commitFailure();
    if (failure.isPresent()) {
      throw notCommitting(failure.get());
    }
  }

  /**
   * A commit before the libvirt call: a store failure means nothing was changed (503); the resync it
   * asks for records the out-of-band change it carried once the store can commit.
   */
  private <T> T beforeLibvirt(CompletableFuture<T> commit) {
    try {
      return join(commit);
    } catch (StoreException e) {
      if (e.reason() != StoreException.Reason.FAILED) {
        throw e;
      }
      lane.requestResync();
      throw notCommitting(e.getMessage());
    }
  }

  private static StoreException notCommitting(String why) {
    return new StoreException(StoreException.Reason.UNAVAILABLE, "the store cannot commit (" + why
        + "); libvirt was not changed. Retry once /readyz answers 200.");
  }

  /**
   * The client's XML with the secrets libvirt elides from every read put back ({@link ElidedSecrets}):
   * the edit loop must not erase a console password the client could not see. The secure XML stays in
   * this frame: never stored, logged or served.
   */
  private String withSecrets(String uuid, String xml, List<String> warnings) {
    Optional<String> secure = call(() -> source.secureConfigXml(uuid));
    if (secure.isEmpty()) {
      return xml;
    }
    ElidedSecrets.Merged merged = ElidedSecrets.restore(secure.get(), xml);
    warnings.addAll(merged.warnings());
    return merged.xml();
  }

  /** Step 2 of a define, as {@code validation} says; a Warn that fell back adds a warning. */
  private DomainObservation define(String xml, FieldValidation validation, List<String> warnings) {
    try {
      return source.define(xml, validation != FieldValidation.IGNORE);
    } catch (SourceException e) {
      if (validation != FieldValidation.WARN || !SourceErrors.isSchemaInvalid(e)) {
        throw SourceErrors.toStore(e);
      }
      DomainObservation stored = call(() -> source.define(xml, false));
      warnings.add("the XML does not validate against libvirt's schema; defined without validation"
          + " (fieldValidation=Warn), so libvirt dropped what it does not know: " + firstLine(e.getMessage()));
      return stored;
    }
  }

  /** A dry run's step 2: {@link #define}'s checks and warnings, with libvirt's schema check for the define. */
  private void validate(String xml, FieldValidation validation, List<String> warnings) {
    try {
      source.validate(xml, validation != FieldValidation.IGNORE);
    } catch (SourceException e) {
      if (validation != FieldValidation.WARN || !SourceErrors.isSchemaInvalid(e)) {
        throw SourceErrors.toStore(e);
      }
      call(() -> {
        source.validate(xml, false);
        return null;
      });
      warnings.add("the XML does not validate against libvirt's schema; it would be defined without validation"
          + " (fieldValidation=Warn), so libvirt would drop what it does not know: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String flat = s.replace('\n', ' ').strip();
    return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
  }

  /** Step 3: commit what libvirt holds now; the object at the revision that holds the result. */
  private Result commit(String uuid, Optional<DomainObservation> after, Cause cause) {
    Optional<StoredEvent> e;
    try {
      e = join(store.observe(uuid, after.orElse(null), cause));
    } catch (StoreException notCommitted) {
      if (notCommitted.reason() != StoreException.Reason.FAILED) {
        throw notCommitted;
      }
      lane.requestResync(); // reads libvirt again and commits what it holds once the store can
      throw new StoreException(StoreException.Reason.INTERNAL, "libvirt WAS changed (domain " + uuid
          + "), but the store could not commit the change (" + notCommitted.getMessage() + "). It is recorded"
          + " as soon as the store can commit again, with a new resourceVersion (watch for it); do not repeat"
          + " the request without checking the domain first.", Map.of("uid", uuid, "kind", "domains"),
          notCommitted);
    }
    if (e.isPresent()) {
      return new Result(e.get().object(), true, List.of());
    }
    Domain unchanged = store.snapshot().byUuid(uuid).orElseThrow(() ->
        new StoreException(StoreException.Reason.NOT_FOUND, "domain " + uuid + " not found"));
    return new Result(unchanged, false, List.of());
  }

  /** Runs {@code step}; a failure naming no object (libvirt's refusal) is given {@code d}'s name, uid and kind. */
  private static <T> T about(Domain d, Supplier<T> step) {
    try {
      return step.get();
    } catch (StoreException e) {
      if (e.details().containsKey("name")) {
        throw e;
      }
      Map<String, Object> details = new java.util.HashMap<>(e.details());
      details.put("name", d.name());
      details.put("uid", d.uuid());
      details.put("kind", "domains");
      throw e.withDetails(details);
    }
  }

  private <T> CompletableFuture<T> exclusive(Supplier<T> task) {
    return lane.runExclusive(task);
  }

  private static <T> T call(Supplier<T> libvirtCall) {
    try {
      return libvirtCall.get();
    } catch (SourceException e) {
      throw SourceErrors.toStore(e);
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(StoreException.Reason.UNAVAILABLE, "interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreException api) {
        throw api;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static StoreException bad(String message) {
    return new StoreException(StoreException.Reason.MALFORMED, message);
  }

  private static StoreException exists(String what, Domain holder) {
    return new StoreException(StoreException.Reason.ALREADY_EXISTS, "a domain with " + what + " already exists (\""
        + holder.name() + "\", " + holder.uuid() + ")",
        Map.of("name", holder.name(), "uid", holder.uuid(), "kind", "domains"), null);
  }
}
