package io.virtrev.versioning;

import static io.virtrev.versioning.StoreTestSupport.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store made by the previous release (schema 1, {@code src/test/resources/store-schema1}, see its
 * README) opens with this one: migrated to schema {@value Schema#VERSION}, every row of kind
 * {@code domains}, nothing lost, and revisions continue after it. Each test works on a copy.
 */
class StoreMigrationTest {
  private static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
  private static final String B = "bbbbbbbb-0000-4000-8000-000000000002";
  private static final String C = "cccccccc-0000-4000-8000-000000000003";
  private static final String STORE_ID = "27fb9d71-ec02-4608-a8f4-5fcf01b366ba";

  @TempDir Path dir;

  @BeforeEach
  void copyPreviousReleasesStore() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/store-schema1/virtrev.db")) {
      Files.copy(in, dir.resolve("virtrev.db"));
    }
    assertThat(sql("SELECT value FROM meta WHERE key = 'schema_version'")).as("the fixture is schema 1")
        .containsExactly(List.of("1"));
  }

  @Test
  void everyObjectRevisionAndHistoryRowSurvivesAsKindDomains() throws Exception {
    try (VersionedStore s = VersionedStore.open(config())) {
      Snapshot snap = s.snapshot();
      assertThat(snap.storeId()).isEqualTo(STORE_ID);
      assertThat(snap.revision()).isEqualTo(Revision.of(9));
      assertThat(snap.compacted()).isEqualTo(Revision.of(1));
      assertThat(snap.items()).extracting(Domain::name, Domain::uuid, d -> d.resourceVersion().value(),
          d -> d.status().state(), d -> d.metadata().labels())
          .containsExactly(tuple("alpha2", A, 9L, "shutoff", Map.of("tier", "web")),
              tuple("beta", B, 5L, "running", Map.of()));

      List<StoredEvent> all = s.readHistory(Revision.of(1), 100);
      assertThat(all).extracting(e -> e.revision().value(), StoredEvent::type, StoredEvent::kind, StoredEvent::name,
          StoredEvent::uuid)
          .containsExactly(tuple(2L, "ADDED", Kind.DOMAINS, "alpha", A), tuple(3L, "ADDED", Kind.DOMAINS, "beta", B),
              tuple(4L, "MODIFIED", Kind.DOMAINS, "alpha", A), tuple(5L, "MODIFIED", Kind.DOMAINS, "beta", B),
              tuple(6L, "ADDED", Kind.DOMAINS, "gamma", C), tuple(7L, "DELETED", Kind.DOMAINS, "gamma", C),
              tuple(8L, "MODIFIED", Kind.DOMAINS, "alpha2", A), tuple(9L, "MODIFIED", Kind.DOMAINS, "alpha2", A));
      assertThat(all.get(7).labels()).isEqualTo(Map.of("tier", "web"));
      assertThat(all.get(7).prevName()).isEqualTo("alpha2");
      assertThat(all.get(6).prevName()).isEqualTo("alpha");

      assertThat(s.history(A, Revision.of(9), null, 0).events()).extracting(e -> e.revision().value())
          .containsExactly(9L, 8L, 4L, 2L);
      assertThat(s.versionAt(C, Revision.of(6)).orElseThrow().object().name()).isEqualTo("gamma");
      assertThat(s.versionAt(C, Revision.of(8)).orElseThrow().type()).isEqualTo("DELETED");
      assertThat(s.list(Revision.of(6), null, FieldSelector.EVERYTHING, 0).items()).extracting(Domain::name)
          .containsExactly("alpha", "beta", "gamma");
      assertThat(s.uuidNamedAt("alpha", Revision.of(7))).contains(A);
      assertThat(s.lastUuidNamed("gamma")).contains(C);
    }
    assertThat(sql("SELECT value FROM meta WHERE key = 'schema_version'")).containsExactly(List.of("2"));
    assertThat(sql("SELECT kind, uuid, revision FROM objects ORDER BY uuid"))
        .containsExactly(List.of("domains", A, "9"), List.of("domains", B, "5"));
    assertThat(sql("SELECT DISTINCT kind FROM history")).containsExactly(List.of("domains"));
    assertThat(sql("SELECT COUNT(*), MIN(revision), MAX(revision) FROM history")).containsExactly(List.of("8", "2", "9"));
  }

  @Test
  void revisionsContinueAfterTheMigratedOnesAndSurviveARestart() throws Exception {
    String d = "dddddddd-0000-4000-8000-000000000004";
    try (VersionedStore s = VersionedStore.open(config())) {
      StoredEvent added = s.observe(d, obs(d, "delta", 32, "shutoff"), List.of()).get().orElseThrow();
      assertThat(added.revision()).isEqualTo(Revision.of(10));
      StoredEvent mod = s.observe(B, obs(B, "beta", 64, "running"), List.of()).get().orElseThrow();
      assertThat(mod.revision()).isEqualTo(Revision.of(11));
      assertThat(mod.object().metadata().generation()).as("the migrated object's generation goes on")
          .isEqualTo(s.versionAt(B, Revision.of(5)).orElseThrow().object().metadata().generation() + 1);
    }
    try (VersionedStore s = VersionedStore.open(config())) {
      assertThat(s.snapshot().storeId()).isEqualTo(STORE_ID);
      assertThat(s.snapshot().revision()).isEqualTo(Revision.of(11));
      assertThat(s.snapshot().items()).extracting(Domain::name).containsExactly("alpha2", "beta", "delta");
      assertThat(s.readHistory(Revision.of(1), 100)).extracting(e -> e.revision().value())
          .containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    }
    assertThat(sql("SELECT value FROM meta WHERE key = 'schema_version'")).containsExactly(List.of("2"));
  }

  @Test
  void anotherKindsRowsWithTheSameUidAreNotADomainsButShareTheRevisionCounter() throws Exception {
    try (VersionedStore s = VersionedStore.open(config())) {
      s.observe(B, obs(B, "beta", 32, "running"), List.of()).get(); // nothing changes: migrates only
    }
    addNetworkWithTheUidOfAlpha();
    try (VersionedStore s = VersionedStore.open(config())) {
      assertThat(s.snapshot().revision()).isEqualTo(Revision.of(10));
      assertThat(s.snapshot().items()).extracting(Domain::name).containsExactly("alpha2", "beta");
      assertThat(s.history(A, Revision.of(10), null, 0).events()).extracting(e -> e.revision().value())
          .as("the network's row is not in the domain's history").containsExactly(9L, 8L, 4L, 2L);
      assertThat(s.versionAt(A, Revision.of(10)).orElseThrow().revision()).isEqualTo(Revision.of(9));
      StoredEvent network = s.readHistory(Revision.of(9), 10).get(0);
      assertThat(network.kind()).isEqualTo(Kind.NETWORKS);
      assertThat(network.stored()).isEqualTo(new StoredObject(Kind.NETWORKS, A, "alpha2", null, Revision.of(10),
          "active", Map.of()));
      // The domain keeps its key: a change of it is the next revision of the one counter.
      StoredEvent mod = s.observe(A, obs(A, "alpha2", 128, "shutoff"), List.of()).get().orElseThrow();
      assertThat(mod.revision()).isEqualTo(Revision.of(11));
      assertThat(mod.kind()).isEqualTo(Kind.DOMAINS);
    }
    assertThat(sql("SELECT kind, revision FROM objects WHERE uuid = '" + A + "' ORDER BY kind"))
        .containsExactly(List.of("domains", "11"), List.of("networks", "10"));
  }

  @Test
  void compactionKeepsTheNewestRowOfEachKindOfAUidSharedAcrossKinds() throws Exception {
    try (VersionedStore s = VersionedStore.open(config())) {
      assertThat(s.snapshot().revision()).isEqualTo(Revision.of(9)); // migrated
    }
    addNetworkWithTheUidOfAlpha();
    try (VersionedStore s = VersionedStore.open(config().withHistoryRetention(1))) {
      assertThat(s.observe(A, obs(A, "alpha2", 128, "shutoff"), List.of()).get().orElseThrow().revision())
          .isEqualTo(Revision.of(11));
      assertThat(s.compactNow().get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(Revision.of(10));
      // Keyed by uid alone, the network's row 10 would have dropped the domain's row 9, its state at 10.
      assertThat(s.list(Revision.of(10), null, FieldSelector.EVERYTHING, 0).items())
          .extracting(Domain::name, d -> d.resourceVersion().value())
          .containsExactly(tuple("alpha2", 9L), tuple("beta", 5L));
      assertThat(s.versionAt(A, Revision.of(10)).orElseThrow().revision()).isEqualTo(Revision.of(9));
    }
    assertThat(sql("SELECT revision, kind FROM history ORDER BY revision")).containsExactly(List.of("5", "domains"),
        List.of("9", "domains"), List.of("10", "networks"), List.of("11", "domains"));
  }

  /**
   * A network with domain A's uuid and name "alpha2", as the next revision (10), written into the
   * (migrated, closed) store file: what a later phase's network kind commits.
   */
  private void addNetworkWithTheUidOfAlpha() throws Exception {
    String xml = "<network><name>alpha2</name><uuid>" + A + "</uuid></network>";
    String json = new String(io.virtrev.api.Json.bytes(Kinds.NETWORKS.next(null,
        new io.virtrev.api.source.NetworkObservation(A, "alpha2", xml, xml, true, true, false), Cause.NONE,
        Revision.of(10), java.time.Instant.now()).object()), java.nio.charset.StandardCharsets.UTF_8);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
        java.sql.PreparedStatement h = c.prepareStatement("INSERT INTO history(revision, kind, uuid, name, type,"
            + " time_ms, json, state) VALUES (10, 'networks', ?, 'alpha2', 'ADDED', ?, ?, 'active')");
        java.sql.PreparedStatement o = c.prepareStatement(
            "INSERT INTO objects(kind, uuid, revision, json) VALUES ('networks', ?, 10, ?)");
        Statement st = c.createStatement()) {
      h.setString(1, A);
      h.setLong(2, System.currentTimeMillis());
      h.setBytes(3, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      h.executeUpdate();
      o.setString(1, A);
      o.setBytes(2, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      o.executeUpdate();
      st.executeUpdate("UPDATE meta SET value = '10' WHERE key = 'revision'");
    }
  }

  /**
   * The fixture's revisions were committed on the day it was made: without an age limit, so that the
   * compactor never drops them however old they get.
   */
  private StoreConfig config() {
    return StoreConfig.defaults(dir).withHistoryMaxAge(java.time.Duration.ZERO);
  }

  /** Rows of a query on the store file, each column as text. */
  private List<List<String>> sql(String query) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("virtrev.db"));
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
      List<List<String>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
