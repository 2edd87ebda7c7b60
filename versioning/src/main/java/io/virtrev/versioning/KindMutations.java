package io.virtrev.versioning;

import io.virtrev.api.ApiRequest;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Every change made through the API to the objects of one kind other than domains: create, update (only
 * where {@link #updatable()}), delete and actions. Implemented for networks, storage pools, storage volumes
 * and domain snapshots (ObjectMutations). The contract is {@link Mutations}' for
 * domains, step for step:
 * <ol>
 *   <li>on the reconciler's lane ({@link Reconciler#runExclusive}): nothing else reads libvirt or submits to
 *       the store meanwhile; refused (UNAVAILABLE, libvirt untouched) while the store cannot commit;
 *   <li>re-read the object from libvirt and hand it to the writer with the precondition
 *       ({@link VersionedStore#observeAndCheck(KindModel, String, Object, Cause, Precondition)}): an
 *       out-of-band change is committed first, then the one writer decides the precondition (CONFLICT or
 *       PRECONDITION_FAILED with the current resourceVersion in the details);
 *   <li>one libvirt call; a dry run ({@link DryRun#ALL}) validates instead (create and update: the
 *       source's {@code validate} method, libvirt's schema check as {@code validation} says; delete and
 *       actions: nothing) and answers the object as it would be, nothing committed;
 *   <li>read the object back (an owner's action re-reads what belongs to it too: a pool's volumes after
 *       start, destroy, refresh and build; the domain and all its snapshots after a revert) and commit,
 *       the revision carrying {@code by} ({@code status.request}).
 * </ol>
 * Bad input (XML that does not parse or validate, an unknown action, an argument out of range) fails
 * with a {@link StoreException} (MALFORMED or INVALID) naming the offending value, and changes nothing. An
 * object or owner that does not exist is NOT_FOUND; a name already taken is ALREADY_EXISTS.
 *
 * <p>{@code owner}: the name (or uid) of the object the addressed one belongs to, as in its path (the
 * pool of a volume, the domain of a snapshot); null for kinds that belong to nothing (networks, pools).
 * {@code name}: the object's name (or uid) within its owner.
 *
 * @param <T> the served object
 */
public interface KindMutations<T> {
  /** The kind this changes. */
  KindModel<?, T> kind();

  /** The verbs {@link #act} accepts ({@link ObjectAction}). */
  Set<String> actions();

  /**
   * Whether {@link #update} is supported: true for networks and storage pools (a redefine); false for
   * volumes (only resize changes them) and snapshots (libvirt's redefine is out of scope): their update
   * fails with INVALID and the HTTP layer answers 405.
   */
  boolean updatable();

  /** Creates (POST to the collection) from libvirt's XML of the kind; {@code owner} as above. */
  CompletableFuture<KindResult<T>> create(String owner, String xml, FieldValidation validation, DryRun dryRun,
      ApiRequest by);

  /**
   * Replaces the object's definition (PUT/PATCH) with {@code xml}, which must name the same object (uuid and
   * name; no renames), under {@code pre} (metadata.resourceVersion / If-Match).
   */
  CompletableFuture<KindResult<T>> update(String owner, String name, String xml, Precondition pre,
      FieldValidation validation, DryRun dryRun, ApiRequest by);

  /**
   * Deletes (DELETE) under {@code pre}: a network or pool is undefined (an active one stays, transient,
   * until destroyed), a volume deleted with its data, a snapshot deleted (its children re-parented).
   */
  CompletableFuture<KindResult<T>> delete(String owner, String name, Precondition pre, DryRun dryRun, ApiRequest by);

  /**
   * Performs {@code action} (POST .../{name}/{verb}) under {@code pre}.
   *
   * @throws StoreException (in the future) MALFORMED if the kind has no such action
   */
  CompletableFuture<KindResult<T>> act(String owner, String name, ObjectAction action, Precondition pre,
      DryRun dryRun, ApiRequest by);
}
