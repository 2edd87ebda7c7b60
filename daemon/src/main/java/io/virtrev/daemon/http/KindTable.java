package io.virtrev.daemon.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.Json;
import io.virtrev.api.Network;
import io.virtrev.api.Revision;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StorageVolume;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One kind's objects as a Kubernetes {@code meta.k8s.io} Table (what {@code kubectl get} asks for): its
 * columns (priority 0 always shown, priority 1 with {@code -o wide}) and how one object fills them. Every
 * kind's Table is written by the same code ({@link #list}, {@link #one}); only the columns and cells
 * differ. A {@code date} column's cell is an age already in kubectl's words ({@link HumanDuration};
 * {@code <unknown>} without a timestamp), since kubectl prints cells as they come. Immutable; thread-safe.
 *
 * @param <T> the kind's wire record
 */
final class KindTable<T> {
  /** A column: {@code type} is Kubernetes' (string, integer, boolean, date), {@code priority} 0 or 1. */
  record Column(String name, String type, String format, String description, int priority) {}

  /** Networks: Name, Active, Autostart, Persistent, Bridge, Age; wide: UUID. */
  static final KindTable<Network> NETWORKS = new KindTable<>(List.of(
      new Column("Name", "string", "name", "The network's name (metadata.name).", 0),
      new Column("Active", "boolean", "", "Whether the network runs (status.active).", 0),
      new Column("Autostart", "boolean", "", "Whether libvirt starts the network when libvirtd starts"
          + " (spec.autostart).", 0),
      new Column("Persistent", "boolean", "", "Whether libvirt keeps a persistent definition (status.persistent).", 0),
      new Column("Bridge", "string", "", "The host bridge device (status.bridge).", 0),
      age("network"),
      new Column("UUID", "string", "", "The network's libvirt UUID (metadata.uuid).", 1)),
      Network::metadata, (n, now) -> cells(n.metadata().name(), n.status().active(), n.spec().autostart(),
          n.status().persistent(), n.status().bridge(), age(n.metadata(), now), n.metadata().uuid()));

  /** Storage pools: Name, State, Capacity, Allocation, Available, Autostart, Age; wide: Persistent, UUID. */
  static final KindTable<StoragePool> STORAGE_POOLS = new KindTable<>(List.of(
      new Column("Name", "string", "name", "The pool's name (metadata.name).", 0),
      new Column("State", "string", "", "libvirt's state of the pool (status.state), e.g. running, inactive.", 0),
      new Column("Capacity", "string", "", "The pool's size (status.capacity), in binary units.", 0),
      new Column("Allocation", "string", "", "Bytes allocated to volumes (status.allocation), in binary units.", 0),
      new Column("Available", "string", "", "Bytes free for new volumes (status.available), in binary units.", 0),
      new Column("Autostart", "boolean", "", "Whether libvirt starts the pool when libvirtd starts"
          + " (spec.autostart).", 0),
      age("pool"),
      new Column("Persistent", "boolean", "", "Whether libvirt keeps a persistent definition (status.persistent).", 1),
      new Column("UUID", "string", "", "The pool's libvirt UUID (metadata.uuid).", 1)),
      StoragePool::metadata, (p, now) -> cells(p.metadata().name(), p.status().state(), size(p.status().capacity()),
          size(p.status().allocation()), size(p.status().available()), p.spec().autostart(), age(p.metadata(), now),
          p.status().persistent(), p.metadata().uuid()));

  /** Storage volumes: Name, Pool, Type, Capacity, Allocation, Path, Age; wide: Key. */
  static final KindTable<StorageVolume> STORAGE_VOLUMES = new KindTable<>(List.of(
      new Column("Name", "string", "name", "The volume's name (metadata.name), unique in its pool.", 0),
      new Column("Pool", "string", "", "The pool the volume belongs to (status.pool).", 0),
      new Column("Type", "string", "", "libvirt's volume type (status.type), e.g. file, block.", 0),
      new Column("Capacity", "string", "", "The volume's size as a guest sees it (status.capacity), in binary"
          + " units.", 0),
      new Column("Allocation", "string", "", "Bytes the volume takes on the host (status.allocation), in binary"
          + " units.", 0),
      new Column("Path", "string", "", "Where the volume is reached on the host (status.path).", 0),
      age("volume"),
      new Column("Key", "string", "", "libvirt's host-unique key of the volume (status.key).", 1)),
      StorageVolume::metadata, (v, now) -> cells(v.metadata().name(), v.status().pool(), v.status().type(),
          size(v.status().capacity()), size(v.status().allocation()), v.status().path(), age(v.metadata(), now),
          v.status().key()));

  /** Domain snapshots: Name, Domain, State, Current, Parent, Age; wide: Created (libvirt's creation time). */
  static final KindTable<DomainSnapshot> DOMAIN_SNAPSHOTS = new KindTable<>(List.of(
      new Column("Name", "string", "name", "The snapshot's name (metadata.name), unique in its domain.", 0),
      new Column("Domain", "string", "", "The domain the snapshot belongs to (status.domain).", 0),
      new Column("State", "string", "", "The domain's state when the snapshot was taken (status.state).", 0),
      new Column("Current", "boolean", "", "Whether it is the domain's current snapshot (status.current).", 0),
      new Column("Parent", "string", "", "The snapshot this one was taken after (status.parent).", 0),
      age("snapshot"),
      new Column("Created", "string", "", "When libvirt took the snapshot (status.creationTime, RFC 3339).", 1)),
      DomainSnapshot::metadata, (s, now) -> cells(s.metadata().name(), s.status().domain(), s.status().state(),
          s.status().current(), s.status().parent(), age(s.metadata(), now),
          s.status().creationTime() == null ? null : s.status().creationTime().toString()));

  private final List<Column> columns;
  private final Function<T, DomainMeta> meta;
  private final BiFunction<T, Instant, List<Object>> cells;

  /**
   * @param columns the columns, in order
   * @param meta an object's metadata (its row's PartialObjectMetadata, its resourceVersion)
   * @param cells an object's cells, one per column, ages as of the instant given; each a String, Boolean,
   *     Number or null
   */
  KindTable(List<Column> columns, Function<T, DomainMeta> meta, BiFunction<T, Instant, List<Object>> cells) {
    this.columns = List.copyOf(columns);
    this.meta = meta;
    this.cells = cells;
  }

  List<Column> columns() {
    return columns;
  }

  /** An object's cells as of {@code now}. */
  List<Object> cells(T object, Instant now) {
    List<Object> c = cells.apply(object, now);
    if (c.size() != columns.size()) {
      throw new IllegalStateException(c.size() + " cells for " + columns.size() + " columns");
    }
    return c;
  }

  /** A list's Table: one row per item, in order; the list's resourceVersion, continue and count. */
  byte[] list(DomainTable.Options o, Revision rv, String continueToken, Long remaining, List<T> items, Instant now) {
    return write(o, rv, continueToken, remaining, items, true, now);
  }

  /** One object's Table (a get, or a watch event's object); {@code columns}: with the column definitions. */
  byte[] one(DomainTable.Options o, T object, boolean columns) {
    return write(o, meta.apply(object).resourceVersion(), null, null, List.of(object), columns, Instant.now());
  }

  private byte[] write(DomainTable.Options o, Revision rv, String cont, Long remaining, List<T> items,
      boolean withColumns, Instant now) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + items.size() * 160);
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("kind", "Table");
      g.writeStringField("apiVersion", o.version().tableApiVersion());
      g.writeObjectFieldStart("metadata");
      g.writeStringField("resourceVersion", rv.toString());
      if (cont != null) {
        g.writeStringField("continue", cont);
      }
      if (remaining != null) {
        g.writeNumberField("remainingItemCount", remaining);
      }
      g.writeEndObject();
      if (withColumns) {
        g.writeArrayFieldStart("columnDefinitions");
        for (Column c : columns) {
          g.writeStartObject();
          g.writeStringField("name", c.name());
          g.writeStringField("type", c.type());
          g.writeStringField("format", c.format());
          g.writeStringField("description", c.description());
          g.writeNumberField("priority", c.priority());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeArrayFieldStart("rows");
      for (T item : items) {
        row(g, o, item, now);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Table", e);
    }
    return out.toByteArray();
  }

  private void row(JsonGenerator g, DomainTable.Options o, T item, Instant now) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("cells");
    for (Object cell : cells(item, now)) {
      g.writeObject(cell);
    }
    g.writeEndArray();
    switch (o.include()) {
      case OBJECT -> {
        g.writeFieldName("object");
        g.writeObject(item);
      }
      case METADATA -> {
        g.writeObjectFieldStart("object");
        g.writeStringField("kind", "PartialObjectMetadata");
        g.writeStringField("apiVersion", o.version().tableApiVersion());
        g.writeFieldName("metadata");
        g.writeObject(meta.apply(item));
        g.writeEndObject();
      }
      case NONE -> { }
      default -> throw new IllegalStateException("unknown includeObject " + o.include());
    }
    g.writeEndObject();
  }

  /** The cells of one row, nulls kept. */
  static List<Object> cells(Object... values) {
    return java.util.Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values)));
  }

  /** The Age cell: the time since {@code metadata.creationTimestamp} in kubectl's words. */
  static String age(DomainMeta m, Instant now) {
    Instant created = m.creationTimestamp();
    return created == null ? "<unknown>" : HumanDuration.of(Duration.between(created, now));
  }

  private static Column age(String what) {
    return new Column("Age", "date", "", "When the store first saw the " + what + " (metadata.creationTimestamp).", 0);
  }

  private static final String[] UNITS = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  /**
   * {@code bytes} as a size a person reads at a glance, as {@code virsh pool-list --details} does: an exact
   * quantity when one has at most 4 digits ({@code 10Gi}, {@code 512}), else the largest binary unit it
   * reaches, one decimal ({@code 47.9Gi}; {@code 1023.9Mi} rounds to {@code 1024.0Mi}).
   */
  static String size(long bytes) {
    String exact = DomainTable.quantity(bytes);
    if (exact.replaceAll("[^0-9]", "").length() <= 4) {
      return exact;
    }
    int unit = -1;
    double v = bytes;
    while (unit + 1 < UNITS.length && v >= 1024) {
      v /= 1024;
      unit++;
    }
    return unit < 0 ? exact : String.format(Locale.ROOT, "%.1f%s", v, UNITS[unit]);
  }
}
