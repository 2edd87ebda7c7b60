package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.LifecycleAction;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.FakeDomainSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler and the API's mutations while the store cannot commit (a full disk, simulated with
 * {@code max_page_count}): not ready, a mutation whose libvirt call went through says so, nothing more
 * is changed in libvirt, and everything is recorded without a restart once there is room again.
 */
class StoreCannotCommitTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private final FakeDomainSource source = new FakeDomainSource();
  private VersionedStore store;
  private Reconciler reconciler;
  private Mutations mutations;

  private long listings() {
    return source.reads().stream().filter(r -> r.startsWith("listing step")).count();
  }

  @AfterEach
  void stop() {
    if (reconciler != null) {
      reconciler.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aMutationWhoseCommitFailsSaysLibvirtWasChangedAndItIsRecordedOnceTheStoreCanCommit() throws Exception {
    store = VersionedStore.open(StoreConfig.defaults(dir));
    reconciler = new Reconciler(source, store, new ReconcilerConfig(Duration.ofHours(1), Duration.ofMillis(50),
        100_000, ReconcilerConfig.DEFAULT_RESYNC_STEP, Duration.ofMillis(400)));
    reconciler.start();
    mutations = new Mutations(source, store, reconciler);
    await().atMost(WAIT).until(() -> reconciler.readiness().ready());
    String uuid = UUID.randomUUID().toString();
    // 64 KiB of description: each of its revisions needs new pages in the file.
    String xml = DomainXml.tiny("big", uuid, 32)
        .replace("</domain>", "<description>" + "x".repeat(64 * 1024) + "</description></domain>");
    long defined = mutations.create(xml, FieldValidation.STRICT, DryRun.NONE, StoreTestSupport.BY).get(5, TimeUnit.SECONDS).object()
        .resourceVersion().value();

    store.limitDatabasePages(1); // full
    assertThatThrownBy(() -> mutations.act("big", LifecycleAction.START, Precondition.NONE, DryRun.NONE, StoreTestSupport.BY).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(StoreException.Reason.INTERNAL);
          assertThat(e.getMessage()).contains("libvirt WAS changed").contains(uuid).contains("full");
        });
    assertThat(source.get(uuid).orElseThrow().state()).as("libvirt").isEqualTo("running");
    assertThat(store.snapshot().byUuid(uuid).orElseThrow().status().state()).isEqualTo("shutoff");
    assertThat(reconciler.readiness().ready()).isFalse();
    assertThat(reconciler.readiness().reason()).contains("cannot commit").contains("full");

    // While it cannot commit: refused before libvirt is touched.
    assertThatThrownBy(() -> mutations.act("big", LifecycleAction.SUSPEND, Precondition.NONE, DryRun.NONE, StoreTestSupport.BY).get(5, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(StoreException.Reason.UNAVAILABLE);
          assertThat(e.getMessage()).contains("libvirt was not changed");
        });
    assertThat(source.get(uuid).orElseThrow().state()).isEqualTo("running");
    // The reconciler retries (each retry a full resync: one listing of one step here), backing off from
    // 50 ms to 400 ms: about 8 in 2 s, not the 40 a fixed 50 ms would make, and no spinning.
    long before = listings();
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> listings() - before <= 10);
    assertThat(listings() - before).as("resync retries in 2 s").isBetween(3L, 10L);
    assertThat(reconciler.readiness().ready()).isFalse();
    assertThat(store.snapshot().revision().value()).isEqualTo(defined);

    store.limitDatabasePages(Long.MAX_VALUE); // room again: recovered by the reconciler's retry alone
    await().atMost(WAIT).until(() -> reconciler.readiness().ready());
    assertThat(store.commitFailure()).isEmpty();
    assertThat(store.snapshot().byUuid(uuid).orElseThrow().status().state()).isEqualTo("running");
    assertThat(store.snapshot().revision().value()).isEqualTo(defined + 1);
    var suspended = mutations.act("big", LifecycleAction.SUSPEND, Precondition.NONE, DryRun.NONE, StoreTestSupport.BY).get(5, TimeUnit.SECONDS);
    assertThat(suspended.object().status().state()).isEqualTo("paused");
    assertThat(suspended.object().resourceVersion().value()).isEqualTo(defined + 2);
  }
}
