package io.virtrev.daemon.http;

import io.virtrev.api.source.LifecycleAction;
import java.util.Arrays;
import java.util.List;

/**
 * The kinds the API group serves and where: each one's plural resource name (the store's kind key), its
 * Kind, its collection's path template (a volume's under its pool's item, a snapshot's under its
 * domain's), the short names kubectl accepts and its lifecycle actions ({@code POST .../{name}/{action}}).
 * What {@link RouteTable}, {@link Discovery} and {@link OpenApiPaths} say about a kind comes from here.
 * Immutable.
 */
enum ApiKind {
  DOMAINS("domains", "Domain", "domain", PathTemplate.of(ApiGroup.DOMAINS), null, List.of("dom"),
      Arrays.stream(LifecycleAction.values()).map(LifecycleAction::wireName).toList()),
  NETWORKS("networks", "Network", "network", PathTemplate.of(ApiGroup.ROOT + "/networks"), null, List.of("net"),
      List.of("start", "destroy", "autostart")),
  STORAGE_POOLS("storagepools", "StoragePool", "storagepool", PathTemplate.of(ApiGroup.ROOT + "/storagepools"), null,
      List.of("pool"), List.of("start", "destroy", "refresh", "build", "autostart")),
  STORAGE_VOLUMES("storagevolumes", "StorageVolume", "storagevolume",
      PathTemplate.of(ApiGroup.ROOT + "/storagepools").param(ApiKind.POOL).literal("volumes"), STORAGE_POOLS,
      List.of(), List.of("resize")),
  DOMAIN_SNAPSHOTS("domainsnapshots", "DomainSnapshot", "domainsnapshot",
      PathTemplate.of(ApiGroup.DOMAINS).param(ApiKind.DOMAIN).literal("snapshots"), DOMAINS, List.of(),
      List.of("revert"));

  /** The path parameter naming a volume's pool. */
  static final String POOL = "pool";
  /** The path parameter naming a snapshot's domain. */
  static final String DOMAIN = "domain";

  private final String resource;
  private final String kind;
  private final String singular;
  private final PathTemplate collection;
  private final ApiKind owner;
  private final List<String> shortNames;
  private final List<String> actions;

  ApiKind(String resource, String kind, String singular, PathTemplate collection, ApiKind owner,
      List<String> shortNames, List<String> actions) {
    this.resource = resource;
    this.kind = kind;
    this.singular = singular;
    this.collection = collection;
    this.owner = owner;
    this.shortNames = shortNames;
    this.actions = actions;
  }

  /** The plural resource name, as the store keys the kind: {@code storagepools}. */
  String resource() {
    return resource;
  }

  /** The objects' {@code kind}: {@code StoragePool}. */
  String kind() {
    return kind;
  }

  String singular() {
    return singular;
  }

  /** Where the collection is: {@code /apis/virtrev.io/v1/storagepools/{pool}/volumes} for volumes. */
  PathTemplate collection() {
    return collection;
  }

  /** The kind whose item a collection of this kind sits under (pools for volumes), or null. */
  ApiKind owner() {
    return owner;
  }

  /** The path parameter naming the owner ({@link #POOL}, {@link #DOMAIN}), or null without an owner. */
  String ownerParam() {
    return owner == null ? null : owner == STORAGE_POOLS ? POOL : DOMAIN;
  }

  List<String> shortNames() {
    return shortNames;
  }

  /** The actions {@code POST .../{name}/{action}} takes, in the order discovery lists them. */
  List<String> actions() {
    return actions;
  }

  /**
   * The name discovery gives the resource: the plural for a top-level kind; for one under an owner's
   * item, the owner's resource and the path segment ({@code storagepools/volumes}), as a subresource is
   * named, so kubectl (which maps only names without a slash) keeps to the kinds it can address.
   */
  String discoveryName() {
    return owner == null ? resource : owner.resource + "/" + collection.label().substring(
        collection.label().lastIndexOf('/') + 1);
  }
}
