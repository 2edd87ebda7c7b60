package io.virtrev.api.source;

/**
 * Flags for undefining a domain (virDomainUndefineFlags). Without them libvirt refuses to undefine a
 * domain that has a managed save image, snapshot or checkpoint metadata, or (UEFI) NVRAM.
 *
 * @param managedSave also remove a managed save image (VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
 * @param snapshotsMetadata also remove snapshot metadata (VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
 * @param checkpointsMetadata also remove checkpoint metadata (VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA)
 * @param nvram also remove the NVRAM file (VIR_DOMAIN_UNDEFINE_NVRAM)
 * @param keepNvram keep the NVRAM file (VIR_DOMAIN_UNDEFINE_KEEP_NVRAM); exclusive with {@code nvram}
 */
public record UndefineOptions(boolean managedSave, boolean snapshotsMetadata, boolean checkpointsMetadata,
    boolean nvram, boolean keepNvram) {
  public static final UndefineOptions NONE = new UndefineOptions(false, false, false, false, false);

  public UndefineOptions {
    if (nvram && keepNvram) {
      throw new IllegalArgumentException("nvram and keepNvram are exclusive");
    }
  }
}
