package io.virtrev.daemon.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import io.virtrev.api.Network;
import io.virtrev.api.StoragePool;
import io.virtrev.fleet.FleetObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fleet objects as a Kubernetes Table: the host's columns and cells for the kind ({@link KindTable}), with
 * the Name cell the fleet name ({@code <host>.<name>}) and a Host column after it. A row's
 * PartialObjectMetadata is the fleet object's metadata (fleet uid and resourceVersion). Stateless.
 */
final class FleetTable {
  private static final KindTable.Column HOST = new KindTable.Column("Host", "string", "",
      "The host that owns the object (status.host, label virtrev.io/host).", 0);
  /** Hosts of another version may serve fields this one does not know: ignored for the cells. */
  private static final ObjectReader READER = Json.mapper().reader()
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private FleetTable() {}

  /** The host table and wire class of a kind the fleet serves as a Table. */
  private record Shape<T>(KindTable<T> table, Class<T> type) {
    List<Object> cells(FleetObject o, Instant now) {
      T typed;
      try {
        typed = READER.treeToValue(o.hostObject(), type);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + o.key() + " as " + type.getSimpleName(), e);
      }
      List<Object> c = new ArrayList<>(table.cells(typed, now));
      c.set(0, o.fleetName());
      c.add(1, o.host());
      return c;
    }

    List<KindTable.Column> columns() {
      List<KindTable.Column> c = new ArrayList<>(table.columns());
      c.add(1, HOST);
      return c;
    }
  }

  private static Shape<?> shape(ApiKind k) {
    return switch (k) {
      case DOMAINS -> new Shape<>(DomainTable.TABLE, Domain.class);
      case NETWORKS -> new Shape<>(KindTable.NETWORKS, Network.class);
      case STORAGE_POOLS -> new Shape<>(KindTable.STORAGE_POOLS, StoragePool.class);
      default -> throw new IllegalArgumentException("the fleet serves no Table of " + k.resource());
    };
  }

  static byte[] list(ApiKind k, DomainTable.Options o, long rv, String cont, Long remaining, List<FleetObject> items) {
    return write(k, o, rv, cont, remaining, items, true, Instant.now());
  }

  static byte[] one(ApiKind k, DomainTable.Options o, FleetObject object, boolean columns) {
    return write(k, o, object.revision(), null, null, List.of(object), columns, Instant.now());
  }

  private static byte[] write(ApiKind k, DomainTable.Options o, long rv, String cont, Long remaining,
      List<FleetObject> items, boolean withColumns, Instant now) {
    Shape<?> shape = shape(k);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + items.size() * 200);
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("kind", "Table");
      g.writeStringField("apiVersion", o.version().tableApiVersion());
      g.writeObjectFieldStart("metadata");
      g.writeStringField("resourceVersion", Long.toString(rv));
      if (cont != null) {
        g.writeStringField("continue", cont);
      }
      if (remaining != null) {
        g.writeNumberField("remainingItemCount", remaining);
      }
      g.writeEndObject();
      if (withColumns) {
        g.writeArrayFieldStart("columnDefinitions");
        for (KindTable.Column c : shape.columns()) {
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
      for (FleetObject item : items) {
        g.writeStartObject();
        g.writeArrayFieldStart("cells");
        for (Object cell : shape.cells(item, now)) {
          g.writeObject(cell);
        }
        g.writeEndArray();
        switch (o.include()) {
          case OBJECT -> {
            g.writeFieldName("object");
            g.writeTree(item.fleetObject());
          }
          case METADATA -> {
            g.writeObjectFieldStart("object");
            g.writeStringField("kind", "PartialObjectMetadata");
            g.writeStringField("apiVersion", o.version().tableApiVersion());
            g.writeFieldName("metadata");
            g.writeTree(item.fleetObject().path("metadata"));
            g.writeEndObject();
          }
          case NONE -> { }
          default -> throw new IllegalStateException("unknown includeObject " + o.include());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Table", e);
    }
    return out.toByteArray();
  }
}
