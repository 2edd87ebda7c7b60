package io.virtrev.daemon.http;

import io.virtrev.api.Domain;

/**
 * The API group {@code virtrev.io/v1} and where its resources live: domains at {@link #DOMAINS}
 * (cluster-scoped, as a custom resource's path under the apiserver), and the pre-group paths under
 * {@link #ALIAS_DOMAINS} that stay as aliases. Stateless.
 *
 * <p>Contract: a path under the alias answers exactly what the same path under the group answers
 * ({@link #canonical} maps one onto the other before routing); only the metric label tells them apart,
 * so operators can see who still uses the alias. Links the server writes (Location) use the group path.
 */
final class ApiGroup {
  static final String GROUP = "virtrev.io";
  static final String VERSION = "v1";
  /** {@code virtrev.io/v1}, as in every object's {@code apiVersion}. */
  static final String GROUP_VERSION = GROUP + "/" + VERSION;
  /** The group version's root, whose GET is its APIResourceList. */
  static final String ROOT = "/apis/" + GROUP_VERSION;
  /** The domains collection. */
  static final String DOMAINS = ROOT + "/domains";
  /** The path domains were served at before the group existed; an alias of {@link #DOMAINS}. */
  static final String ALIAS_DOMAINS = "/api/v1/domains";

  static {
    if (!Domain.API_VERSION.equals(GROUP_VERSION)) {
      throw new AssertionError("objects say apiVersion " + Domain.API_VERSION + " but are served under " + ROOT);
    }
  }

  private ApiGroup() {}

  /** The path with an alias prefix ({@code /api/v1/domains...}) replaced by the group's; others as given. */
  static String canonical(String path) {
    if (path.equals(ALIAS_DOMAINS) || path.startsWith(ALIAS_DOMAINS + "/")) {
      return DOMAINS + path.substring(ALIAS_DOMAINS.length());
    }
    return path;
  }
}
