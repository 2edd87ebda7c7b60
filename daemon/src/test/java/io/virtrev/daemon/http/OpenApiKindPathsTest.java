package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A kind's OpenAPI paths are read off its rows: one path per row (per action value), the operations its
 * methods have, each with exactly the query parameters the route takes (and If-Match where a write is
 * conditional), and the kind's own schemas.
 */
class OpenApiKindPathsTest {
  private static Route.Operation op(Set<String> params) {
    return new Route.Operation(params, c -> Reply.json("{}"));
  }

  @Test
  void aKindsPathsAreItsRowsWithTheirParameters() {
    RouteTable t = new RouteTable(RouteTable.kind(ApiKind.STORAGE_VOLUMES.collection(), new RouteTable.KindOps(
        op(QueryParams.LIST), op(QueryParams.WATCH), op(QueryParams.WRITE), op(QueryParams.GET), op(QueryParams.WATCH),
        null, null, op(QueryParams.ACTION), op(QueryParams.HISTORY), null, ApiKind.STORAGE_VOLUMES.actions(),
        op(QueryParams.ACTION)), false));
    Map<String, String> ops = new TreeMap<>();
    for (OpenApiPaths.PathItem i : OpenApiPaths.kindItems(ApiKind.STORAGE_VOLUMES, t)) {
      for (OpenApiPaths.Op o : i.ops()) {
        ops.put(o.method() + " " + i.path(), o.operationId() + " " + o.kind().getSimpleName() + " "
            + String.join(",", o.params().stream().map(OpenApiPaths.Param::name).toList()) + " path:"
            + String.join(",", i.params().stream().map(OpenApiPaths.Param::name).toList()));
      }
    }
    String c = "/apis/virtrev.io/v1/storagepools/{pool}/volumes";
    assertThat(ops).containsOnlyKeys("get " + c, "post " + c, "get " + c + "/{name}", "delete " + c + "/{name}",
        "get " + c + "/{name}/history", "post " + c + "/{name}/resize");
    assertThat(ops.get("get " + c)).startsWith("listVirtrevIoV1StorageVolume StorageVolume ")
        .contains("labelSelector", "allowWatchBookmarks", "limit").endsWith(" path:pool");
    assertThat(ops.get("post " + c)).isEqualTo("createVirtrevIoV1StorageVolume StorageVolume"
        + " dryRun,fieldManager,fieldValidation,pretty,timeout path:pool");
    assertThat(ops.get("delete " + c + "/{name}")).isEqualTo("deleteVirtrevIoV1StorageVolume StorageVolume"
        + " dryRun,pretty,timeout,If-Match path:pool,name");
    assertThat(ops.get("post " + c + "/{name}/resize")).isEqualTo("createVirtrevIoV1StorageVolumeResize"
        + " StorageVolume dryRun,pretty,timeout,If-Match path:pool,name");
    assertThat(ops.get("get " + c + "/{name}/history")).startsWith("readVirtrevIoV1StorageVolumeHistory DomainHistory");
  }

  @Test
  void aParameterWithoutADescriptionFailsLoudly() {
    RouteTable t = new RouteTable(RouteTable.kind(ApiKind.NETWORKS.collection(), new RouteTable.KindOps(
        op(Set.of("colour")), null, null, op(QueryParams.GET), null, null, null, null, null, null, List.of(), null),
        false));
    assertThatThrownBy(() -> OpenApiPaths.kindItems(ApiKind.NETWORKS, t)).hasMessageContaining("colour");
  }
}
