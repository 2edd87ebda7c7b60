package io.virtrev.versioning;

import io.virtrev.api.ApiRequest;
import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.Network;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StorageVolume;
import io.virtrev.api.source.NetworkObservation;
import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SnapshotObservation;
import io.virtrev.api.source.SnapshotSource;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.StoragePoolObservation;
import io.virtrev.api.source.StorageSource;
import io.virtrev.api.source.StorageVolumeObservation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * {@link KindMutations} for one kind, on the reconciler's lane, as {@link Mutations} does for domains (see
 * {@link KindMutations} for the steps). The kind's libvirt calls are its {@link Ops}; one instance per kind
 * ({@link #networks}, {@link #storagePools}, {@link #storageVolumes}, {@link #snapshots}). Stateless apart
 * from its collaborators: every step runs on the reconciler's thread.
 */
public final class ObjectMutations<O, T> implements KindMutations<T> {
  /** A kind's libvirt calls, and what its XML and owner look like. */
  interface Ops<O> {
    String rootTag();

    boolean nameRequired();

    boolean updatable();

    Set<String> actions();

    /** The kind the objects belong to, or null. */
    Kind ownerKind();

    Optional<O> get(String ownerUid, String uid, String name);

    O create(String ownerUid, String xml, boolean validate);

    void validate(String xml, boolean validate);

    void delete(String ownerUid, String uid, String name);

    void act(String ownerUid, String uid, String name, ObjectAction action);

    /** {@code o} with {@code xml} as its definition: what a dry-run update answers (updatable kinds only). */
    default O withXml(O o, String xml) {
      throw new UnsupportedOperationException();
    }

    /** What a dry-run create answers with (no revision): the object as far as the XML says. */
    O planned(String ownerUid, String ownerName, DomainXmlInspector.Identity id, String xml);
  }

  private final KindModel<O, T> kind;
  private final Ops<O> ops;
  private final VersionedStore store;
  private final Reconciler lane;

  ObjectMutations(KindModel<O, T> kind, Ops<O> ops, VersionedStore store, Reconciler lane) {
    this.kind = kind;
    this.ops = ops;
    this.store = store;
    this.lane = lane;
  }

  /** Networks: create/update = define, delete = undefine; start, destroy, autostart. */
  public static KindMutations<Network> networks(NetworkSource src, VersionedStore store, Reconciler lane) {
    return new ObjectMutations<>(Kinds.NETWORKS, new Ops<NetworkObservation>() {
      public String rootTag() {
        return "network";
      }

      public boolean nameRequired() {
        return true;
      }

      public boolean updatable() {
        return true;
      }

      public Set<String> actions() {
        return Set.of(ObjectAction.START, ObjectAction.DESTROY, ObjectAction.AUTOSTART);
      }

      public Kind ownerKind() {
        return null;
      }

      public Optional<NetworkObservation> get(String owner, String uid, String name) {
        return src.get(uid);
      }

      public NetworkObservation create(String owner, String xml, boolean validate) {
        return src.define(xml, validate);
      }

      public void validate(String xml, boolean validate) {
        src.validate(xml, validate);
      }

      public void delete(String owner, String uid, String name) {
        src.undefine(uid);
      }

      public void act(String owner, String uid, String name, ObjectAction a) {
        switch (a.verb()) {
          case ObjectAction.START -> src.start(uid);
          case ObjectAction.DESTROY -> src.destroy(uid);
          default -> src.setAutostart(uid, a.enabled());
        }
      }

      public NetworkObservation withXml(NetworkObservation o, String xml) {
        return new NetworkObservation(o.uuid(), o.name(), xml, o.liveXml(), o.active(), true, o.autostart());
      }

      public NetworkObservation planned(String owner, String ownerName, DomainXmlInspector.Identity id, String xml) {
        return new NetworkObservation(id.uuid() != null ? id.uuid() : UUID.randomUUID().toString(), id.name(), xml,
            null, false, true, false);
      }
    }, store, lane);
  }

  /** Storage pools: create/update = define, delete = undefine; start, destroy, refresh, build, autostart. */
  public static KindMutations<StoragePool> storagePools(StorageSource src, VersionedStore store, Reconciler lane) {
    return new ObjectMutations<>(Kinds.STORAGE_POOLS, new Ops<StoragePoolObservation>() {
      public String rootTag() {
        return "pool";
      }

      public boolean nameRequired() {
        return true;
      }

      public boolean updatable() {
        return true;
      }

      public Set<String> actions() {
        return Set.of(ObjectAction.START, ObjectAction.DESTROY, ObjectAction.REFRESH, ObjectAction.BUILD,
            ObjectAction.AUTOSTART);
      }

      public Kind ownerKind() {
        return null;
      }

      public Optional<StoragePoolObservation> get(String owner, String uid, String name) {
        return src.getPool(uid);
      }

      public StoragePoolObservation create(String owner, String xml, boolean validate) {
        return src.definePool(xml, validate);
      }

      public void validate(String xml, boolean validate) {
        src.validatePool(xml, validate);
      }

      public void delete(String owner, String uid, String name) {
        src.undefinePool(uid);
      }

      public void act(String owner, String uid, String name, ObjectAction a) {
        switch (a.verb()) {
          case ObjectAction.START -> src.start(uid);
          case ObjectAction.DESTROY -> src.destroy(uid);
          case ObjectAction.REFRESH -> src.refresh(uid);
          case ObjectAction.BUILD -> src.build(uid);
          default -> src.setAutostart(uid, a.enabled());
        }
      }

      public StoragePoolObservation withXml(StoragePoolObservation o, String xml) {
        return new StoragePoolObservation(o.uuid(), o.name(), xml, o.liveXml(), o.state(), true, o.autostart(),
            o.capacity(), o.allocation(), o.available());
      }

      public StoragePoolObservation planned(String owner, String ownerName, DomainXmlInspector.Identity id,
          String xml) {
        return new StoragePoolObservation(id.uuid() != null ? id.uuid() : UUID.randomUUID().toString(), id.name(),
            xml, null, "inactive", true, false, 0, 0, 0);
      }
    }, store, lane);
  }

  /** Storage volumes of a pool: create, delete, resize; no update. */
  public static KindMutations<StorageVolume> storageVolumes(StorageSource src, VersionedStore store, Reconciler lane) {
    return new ObjectMutations<>(Kinds.STORAGE_VOLUMES, new Ops<StorageVolumeObservation>() {
      public String rootTag() {
        return "volume";
      }

      public boolean nameRequired() {
        return true;
      }

      public boolean updatable() {
        return false;
      }

      public Set<String> actions() {
        return Set.of(ObjectAction.RESIZE);
      }

      public Kind ownerKind() {
        return Kind.STORAGE_POOLS;
      }

      public Optional<StorageVolumeObservation> get(String owner, String uid, String name) {
        try {
          return src.getVolume(owner, name);
        } catch (SourceException e) {
          if (e.kind() == SourceException.Kind.NOT_FOUND || e.kind() == SourceException.Kind.OPERATION_INVALID) {
            return Optional.empty(); // the pool is gone or stopped: no volume can be read
          }
          throw e;
        }
      }

      public StorageVolumeObservation create(String owner, String xml, boolean validate) {
        return src.createVolume(owner, xml, validate);
      }

      public void validate(String xml, boolean validate) {
        src.validateVolume(xml, validate);
      }

      public void delete(String owner, String uid, String name) {
        src.deleteVolume(owner, name);
      }

      public void act(String owner, String uid, String name, ObjectAction a) {
        src.resize(owner, name, a.capacity());
      }

      public StorageVolumeObservation planned(String owner, String ownerName, DomainXmlInspector.Identity id,
          String xml) {
        return new StorageVolumeObservation(owner, ownerName, id.name(), null, null, xml, "file", 0, 0);
      }
    }, store, lane);
  }

  /** Snapshots of a domain: create, delete (children re-parented), revert; no update. */
  public static KindMutations<DomainSnapshot> snapshots(SnapshotSource src, VersionedStore store, Reconciler lane) {
    return new ObjectMutations<>(Kinds.DOMAIN_SNAPSHOTS, new Ops<SnapshotObservation>() {
      public String rootTag() {
        return "domainsnapshot";
      }

      public boolean nameRequired() {
        return false;
      }

      public boolean updatable() {
        return false;
      }

      public Set<String> actions() {
        return Set.of(ObjectAction.REVERT);
      }

      public Kind ownerKind() {
        return Kind.DOMAINS;
      }

      public Optional<SnapshotObservation> get(String owner, String uid, String name) {
        return src.get(owner, name);
      }

      public SnapshotObservation create(String owner, String xml, boolean validate) {
        return src.create(owner, xml, validate);
      }

      public void validate(String xml, boolean validate) {
        src.validate(xml, validate);
      }

      public void delete(String owner, String uid, String name) {
        src.delete(owner, name, false);
      }

      public void act(String owner, String uid, String name, ObjectAction a) {
        src.revert(owner, name);
      }

      public SnapshotObservation planned(String owner, String ownerName, DomainXmlInspector.Identity id, String xml) {
        return new SnapshotObservation(owner, ownerName, id.name() != null ? id.name()
            : Long.toString(Instant.now().getEpochSecond()), xml, null, true, "shutoff", Instant.now());
      }
    }, store, lane);
  }

  @Override
  public KindModel<?, T> kind() {
    return kind;
  }

  @Override
  public Set<String> actions() {
    return ops.actions();
  }

  @Override
  public boolean updatable() {
    return ops.updatable();
  }

  @Override
  public CompletableFuture<KindResult<T>> create(String owner, String xml, FieldValidation validation, DryRun dryRun,
      ApiRequest by) {
    DomainXmlInspector.Identity id = DomainXmlInspector.inspect(xml, ops.rootTag(), "a " + noun() + " definition",
        ops.nameRequired());
    return lane.runExclusive(() -> {
      requireCommitting();
      Owner o = owner(owner);
      Snapshot snap = store.snapshot();
      if (id.uuid() != null && o.uid() == null && snap.byUid(kind, id.uuid()).isPresent()) {
        throw exists("uuid " + id.uuid(), snap.byUid(kind, id.uuid()).get());
      }
      if (id.name() != null && snap.byName(kind, o.uid(), id.name()).isPresent()) {
        throw exists("name \"" + id.name() + "\"", snap.byName(kind, o.uid(), id.name()).get());
      }
      if (dryRun.isDry()) {
        validate(xml, validation);
        O planned = ops.planned(o.uid(), o.name(), id, xml);
        KindModel.Change<T> c = kind.next(null, planned, Cause.NONE, null, null);
        return new KindResult<>(c.object(), false, List.of());
      }
      O created;
      try {
        created = call(() -> ops.create(o.uid(), xml, validation != FieldValidation.IGNORE));
      } catch (StoreException e) {
        if (e.reason() == StoreException.Reason.ALREADY_EXISTS || e.reason() == StoreException.Reason.CONFLICT
            && id.name() != null) {
          lane.requestResync(); // libvirt knows an object the store has not seen yet
        }
        throw e;
      }
      String uid = kind.uid(created);
      return commit(o, uid, Optional.of(created), lane.takeEvents(kind.kind(), uid).by(by));
    });
  }

  @Override
  public CompletableFuture<KindResult<T>> update(String owner, String name, String xml, Precondition pre,
      FieldValidation validation, DryRun dryRun, ApiRequest by) {
    if (!ops.updatable()) {
      return CompletableFuture.failedFuture(new StoreException(StoreException.Reason.INVALID, "a " + noun()
          + " cannot be updated" + (kind.kind() == Kind.STORAGE_VOLUMES ? " (resize changes its capacity)" : ""),
          Map.of("kind", kind.kind().key(), "name", String.valueOf(name)), null));
    }
    DomainXmlInspector.Identity id = DomainXmlInspector.inspect(xml, ops.rootTag(), "a " + noun() + " definition",
        true);
    return lane.runExclusive(() -> {
      requireCommitting();
      Owner o = owner(owner);
      StoredObject cur = find(o, name);
      if (id.uuid() == null) {
        throw bad("the XML has no <uuid>: an update must carry the uuid of " + noun() + " \"" + cur.name() + "\" ("
            + cur.uid() + ")");
      }
      if (!id.uuid().equals(cur.uid())) {
        throw bad("the XML is for uuid " + id.uuid() + " but the URL names " + noun() + " \"" + cur.name() + "\" ("
            + cur.uid() + ")");
      }
      if (!id.name().equals(cur.name())) {
        throw bad("the XML names the " + noun() + " \"" + id.name() + "\" but it is \"" + cur.name()
            + "\": renaming through an update is not supported");
      }
      Optional<O> now = reobserve(o, cur, pre);
      if (dryRun.isDry()) {
        validate(xml, validation);
        T at = current(o, cur.uid()); // after step 1, which may have recorded an out-of-band change
        // The object as the define would leave it, its resourceVersion unchanged (the generation moves if
        // the XML does); nothing committed.
        KindModel.Change<T> c = now.isEmpty() ? null : kind.next(at, ops.withXml(now.get(), xml), Cause.NONE.by(by),
            kind.meta(at).resourceVersion(), null);
        return new KindResult<>(c == null ? at : c.object(), false, List.of());
      }
      Cause cause = lane.takeEvents(kind.kind(), cur.uid()).by(by);
      O stored = call(() -> ops.create(o.uid(), xml, validation != FieldValidation.IGNORE));
      return commit(o, cur.uid(), Optional.of(stored), cause);
    });
  }

  @Override
  public CompletableFuture<KindResult<T>> delete(String owner, String name, Precondition pre, DryRun dryRun,
      ApiRequest by) {
    return lane.runExclusive(() -> {
      requireCommitting();
      Owner o = owner(owner);
      StoredObject cur = find(o, name);
      reobserve(o, cur, pre);
      if (dryRun.isDry()) {
        return new KindResult<>(current(o, cur.uid()), false, List.of());
      }
      about(cur, () -> call(() -> {
        ops.delete(o.uid(), cur.uid(), cur.name());
        return null;
      }));
      return readBack(o, cur, by);
    });
  }

  @Override
  public CompletableFuture<KindResult<T>> act(String owner, String name, ObjectAction action, Precondition pre,
      DryRun dryRun, ApiRequest by) {
    if (!ops.actions().contains(action.verb())) {
      return CompletableFuture.failedFuture(new StoreException(StoreException.Reason.MALFORMED, "a " + noun()
          + " has no action \"" + action.verb() + "\"; its actions are " + new java.util.TreeSet<>(ops.actions()),
          Map.of("kind", kind.kind().key(), "name", String.valueOf(name)), null));
    }
    return lane.runExclusive(() -> {
      requireCommitting();
      Owner o = owner(owner);
      StoredObject cur = find(o, name);
      reobserve(o, cur, pre);
      if (dryRun.isDry()) {
        return new KindResult<>(current(o, cur.uid()), false, List.of());
      }
      about(cur, () -> call(() -> {
        ops.act(o.uid(), cur.uid(), cur.name(), action);
        return null;
      }));
      return readBack(o, cur, by);
    });
  }

  /** The owner a path names (by name or uid), resolved in the store; none for kinds that belong to nothing. */
  private record Owner(String uid, String name) {}

  private Owner owner(String owner) {
    Kind k = ops.ownerKind();
    if (k == null) {
      return new Owner(null, null);
    }
    if (owner == null) {
      throw bad("a " + noun() + " belongs to a " + Precondition.singular(k) + ": name it");
    }
    KindModel<?, ?> m = Kinds.of(k);
    StoredObject v = store.snapshot().find(m, null, owner).map(x -> view(m, x)).orElseThrow(() -> new StoreException(
        StoreException.Reason.NOT_FOUND, Precondition.singular(k) + " \"" + owner + "\" not found",
        Map.of("name", owner, "kind", k.key()), null));
    return new Owner(v.uid(), v.name());
  }

  private StoredObject find(Owner o, String name) {
    return store.snapshot().find(kind, o.uid(), name).map(kind::view).orElseThrow(() -> new StoreException(
        StoreException.Reason.NOT_FOUND, noun() + " \"" + name + "\" not found"
        + (o.name() == null ? "" : " in " + Precondition.singular(ops.ownerKind()) + " \"" + o.name() + "\""),
        Map.of("name", name, "kind", kind.kind().key()), null));
  }

  private T current(Owner o, String uid) {
    return store.snapshot().byUid(kind, uid).orElseThrow(() -> new StoreException(StoreException.Reason.NOT_FOUND,
        noun() + " " + uid + " not found", Map.of("uid", uid, "kind", kind.kind().key()), null));
  }

  /** Step 1: re-read, commit an out-of-band change, let the writer decide the precondition. */
  private Optional<O> reobserve(Owner o, StoredObject cur, Precondition pre) {
    Cause pending = lane.takeEvents(kind.kind(), cur.uid());
    Optional<O> now = call(() -> ops.get(o.uid(), cur.uid(), cur.name()));
    beforeLibvirt(store.observeAndCheck(kind, cur.uid(), now.orElse(null), pending, pre));
    return now;
  }

  /** Step 3 after a delete or an action: read the object back and commit it, made by {@code by}. */
  private KindResult<T> readBack(Owner o, StoredObject cur, ApiRequest by) {
    Cause cause = lane.takeEvents(kind.kind(), cur.uid()).by(by);
    return commit(o, cur.uid(), call(() -> ops.get(o.uid(), cur.uid(), cur.name())), cause);
  }

  /**
   * Commits what libvirt holds now, then what the change may have changed beside it: a pool's volumes;
   * a snapshot's siblings (which one is current) and its domain (a revert).
   */
  private KindResult<T> commit(Owner o, String uid, Optional<O> after, Cause cause) {
    Optional<StoredEvent> e;
    try {
      e = join(store.observe(kind, uid, after.orElse(null), cause));
      lane.afterMutation(kind.kind(), o.uid() != null ? o.uid() : uid);
    } catch (StoreException notCommitted) {
      if (notCommitted.reason() != StoreException.Reason.FAILED) {
        throw notCommitted;
      }
      lane.requestResync();
      throw new StoreException(StoreException.Reason.INTERNAL, "libvirt WAS changed (" + noun() + " " + uid
          + "), but the store could not commit the change (" + notCommitted.getMessage() + "). It is recorded as"
          + " soon as the store can commit again, with a new resourceVersion (watch for it).",
          Map.of("uid", uid, "kind", kind.kind().key()), notCommitted);
    }
    if (e.isPresent()) {
      Optional<T> now = store.snapshot().byUid(kind, uid);
      // The object as the revision that holds the result has it (a later sibling re-read may not change it).
      return new KindResult<>(now.filter(x -> kind.meta(x).resourceVersion().equals(e.get().revision()))
          .orElse(e.get().object(kind.type())), true, List.of());
    }
    return new KindResult<>(current(o, uid), false, List.of());
  }

  private void validate(String xml, FieldValidation validation) {
    call(() -> {
      ops.validate(xml, validation != FieldValidation.IGNORE);
      return null;
    });
  }

  private void requireCommitting() {
    Optional<String> failure = store.commitFailure();
    if (failure.isPresent()) {
      throw notCommitting(failure.get());
    }
  }

  private <R> R beforeLibvirt(CompletableFuture<R> commit) {
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

  private <R> R about(StoredObject cur, Supplier<R> step) {
    try {
      return step.get();
    } catch (StoreException e) {
      if (e.details().containsKey("name")) {
        throw e;
      }
      Map<String, Object> details = new java.util.HashMap<>(e.details());
      details.put("name", cur.name());
      details.put("uid", cur.uid());
      details.put("kind", kind.kind().key());
      throw e.withDetails(details);
    }
  }

  private static <R> R call(Supplier<R> libvirtCall) {
    try {
      return libvirtCall.get();
    } catch (SourceException e) {
      throw SourceErrors.toStore(e);
    }
  }

  private static <R> R join(CompletableFuture<R> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(StoreException.Reason.UNAVAILABLE, "interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreException se) {
        throw se;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private String noun() {
    return Precondition.singular(kind.kind());
  }

  private StoreException exists(String what, T holder) {
    StoredObject v = kind.view(holder);
    return new StoreException(StoreException.Reason.ALREADY_EXISTS, "a " + noun() + " with " + what
        + " already exists (\"" + v.name() + "\", " + v.uid() + ")",
        Map.of("name", v.name(), "uid", v.uid(), "kind", kind.kind().key()), null);
  }

  private static StoreException bad(String message) {
    return new StoreException(StoreException.Reason.MALFORMED, message);
  }

  @SuppressWarnings("unchecked")
  private static <X> StoredObject view(KindModel<?, X> m, Object o) {
    return m.view((X) o);
  }
}
