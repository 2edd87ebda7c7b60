package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.virtrev.api.Json;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A server's OpenAPI documents (v2, and the v3 group document) advertise exactly the operations its route table
 * serves: every path and method they name is a row of the table taking that method, and every method of every row
 * under the API group is named. Checked for the host's table ({@link RouteTable#API}) and for the fleet gateway's,
 * with and without forwarded writes, whose documents are generated from their own tables.
 */
class OpenApiServedPathsTest {
  /** "METHOD path" of every operation a table serves under the group (discovery's own path excepted). */
  static Set<String> served(RouteTable t) {
    Set<String> out = new TreeSet<>();
    for (Route r : t.routes()) {
      for (String p : r.path().openApiPaths()) {
        if (!p.startsWith(ApiGroup.ROOT + "/")) {
          continue;
        }
        for (HttpMethod m : r.operations().keySet()) {
          if (!m.equals(HttpMethod.HEAD)) { // GET's, never described on its own (as the apiserver's documents)
            out.add(m.name() + " " + p);
          }
        }
      }
    }
    return out;
  }

  /** "METHOD path" of every operation a document's {@code paths} name. */
  static Set<String> advertised(byte[] document) throws Exception {
    JsonNode paths = Json.mapper().readTree(document).get("paths");
    Set<String> out = new TreeSet<>();
    for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
      String path = it.next();
      for (Iterator<String> m = paths.get(path).fieldNames(); m.hasNext(); ) {
        String method = m.next();
        if (!method.equals("parameters")) {
          out.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return out;
  }

  private static void advertisesExactlyWhatItServes(RouteTable t, OpenApiDocuments docs) throws Exception {
    Set<String> served = served(t);
    assertThat(served).isNotEmpty();
    assertThat(advertised(docs.v3Group().json())).as("v3: advertised = served").isEqualTo(served);
    assertThat(advertised(docs.v2().json())).as("v2: advertised = served").isEqualTo(served);
    assertThat(new String(docs.v3Index().json(), java.nio.charset.StandardCharsets.UTF_8))
        .contains(docs.v3Group().hash());
  }

  @Test
  void theHostsDocumentsAdvertiseExactlyItsTable() throws Exception {
    advertisesExactlyWhatItServes(RouteTable.API, OpenApiDocuments.get());
    assertThat(served(RouteTable.API)).contains("GET " + ApiGroup.DOMAINS + "/{name}/history",
        "GET " + ApiGroup.ROOT + "/networks/{name}/diff", "POST " + ApiGroup.ROOT + "/storagepools/{pool}/volumes");
  }

  @Test
  void aGatewaysDocumentsAdvertiseExactlyItsTable() throws Exception {
    FleetRoutes.Fleet fleet = new FleetRoutes.Fleet(null, 1);
    RouteTable reads = FleetRoutes.table(fleet);
    OpenApiDocuments readDocs = OpenApiDocuments.build(reads);
    advertisesExactlyWhatItServes(reads, readDocs);
    Set<String> readOps = advertised(readDocs.v3Group().json());
    assertThat(readOps).contains("GET " + ApiGroup.DOMAINS, "GET " + ApiGroup.DOMAINS + "/{name}",
        "GET " + ApiGroup.ROOT + "/all", "GET " + ApiGroup.DOMAINS + "/{domain}/snapshots/{name}")
        .noneMatch(o -> o.startsWith("POST") || o.startsWith("PUT") || o.startsWith("PATCH") || o.startsWith("DELETE"))
        .noneMatch(o -> o.endsWith("/history") || o.endsWith("/diff"));

    RouteTable writes = FleetRoutes.table(fleet, new FleetMutations.Writes(null, null, null, Duration.ofSeconds(1)));
    OpenApiDocuments writeDocs = OpenApiDocuments.build(writes);
    advertisesExactlyWhatItServes(writes, writeDocs);
    Set<String> ops = advertised(writeDocs.v3Group().json());
    assertThat(ops).contains("PATCH " + ApiGroup.DOMAINS + "/{name}", "POST " + ApiGroup.DOMAINS + "/{name}/start",
        "PUT " + ApiGroup.ROOT + "/networks/{name}", "POST " + ApiGroup.ROOT + "/storagepools/{name}/build")
        .noneMatch(o -> o.endsWith("/history") || o.endsWith("/diff"));
    // What the host advertises and the gateway does not serve is exactly what the host's table has beyond it.
    Set<String> hostOnly = new TreeSet<>(advertised(OpenApiDocuments.get().v3Group().json()));
    hostOnly.removeAll(ops);
    assertThat(hostOnly).contains("GET " + ApiGroup.DOMAINS + "/{name}/history", "GET " + ApiGroup.DOMAINS
        + "/{name}/diff");
    assertThat(writeDocs.v3Group().hash()).isNotEqualTo(OpenApiDocuments.get().v3Group().hash());
  }
}
