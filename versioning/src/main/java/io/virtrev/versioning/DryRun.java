package io.virtrev.versioning;

/**
 * Kubernetes' {@code dryRun}: {@link #ALL} runs every check of a mutation (parsing, identity,
 * preconditions, libvirt's schema) and changes nothing in libvirt or the store. Every {@link Mutations}
 * method takes one, so a front end (PUT, PATCH, POST, DELETE, actions) passes the client's choice
 * through and the check sequence stays the one of the real mutation.
 */
public enum DryRun {
  /** The mutation is applied. */
  NONE,
  /** Checked only: {@code dryRun=All}, the one value Kubernetes defines. */
  ALL;

  public boolean isDry() {
    return this == ALL;
  }
}
