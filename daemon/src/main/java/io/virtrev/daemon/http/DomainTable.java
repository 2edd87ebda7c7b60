package io.virtrev.daemon.http;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import io.virtrev.versioning.DomainSizing;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Domains as a Kubernetes {@code meta.k8s.io} Table (what {@code kubectl get} asks for): columns Name,
 * State, VCPUs, Memory, Persistent, Age (priority 0) and UUID, Autostart, Reason (priority 1, {@code -o
 * wide}). Age is the time since {@code metadata.creationTimestamp} as the apiserver serves a {@code date}
 * column of a custom resource: already in kubectl's words ({@link HumanDuration}; {@code <unknown>}
 * without a timestamp), since kubectl prints cells as they come.
 * VCPUs and Memory come from the definition ({@code spec.xml}, else the live XML of a domain without
 * one), read once per distinct XML text: {@link #SIZING} keeps the result weakly keyed by that text, so an
 * entry lives as long as some stored domain holds the XML and a list costs a map lookup per row.
 * Stateless otherwise; thread-safe.
 */
final class DomainTable {
  /** {@code includeObject}: what each row carries besides its cells (Kubernetes' TableOptions). */
  enum Include { NONE, METADATA, OBJECT }

  /** A Table request: its version and what rows include. */
  record Options(Representation version, Include include) {
    /** {@code version} a Table representation; {@code includeObject} read from the query (default Metadata). */
    static Options of(Representation version, Query query) {
      String v = query.get("includeObject").orElse("");
      Include include = switch (v) {
        case "", "Metadata" -> Include.METADATA;
        case "None" -> Include.NONE;
        case "Object" -> Include.OBJECT;
        default -> throw Query.bad("includeObject: Unsupported value: \"" + LogSafe.value(v)
            + "\": supported values: \"None\", \"Metadata\", \"Object\"");
      };
      return new Options(version, include);
    }
  }

  /** The domain columns and cells, written as every kind's Table is ({@link KindTable}). */
  static final KindTable<Domain> TABLE = new KindTable<>(List.of(
      new KindTable.Column("Name", "string", "name", "The domain's name (metadata.name).", 0),
      new KindTable.Column("State", "string", "", "libvirt's state of the domain (status.state), e.g. running,"
          + " shutoff.", 0),
      new KindTable.Column("VCPUs", "integer", "", "Virtual CPUs the domain starts with (<vcpu>, its current"
          + " attribute if set).", 0),
      new KindTable.Column("Memory", "string", "", "Maximum memory of the domain (<memory>), as a quantity.", 0),
      new KindTable.Column("Persistent", "boolean", "", "Whether the domain has a persistent definition"
          + " (spec.persistent).", 0),
      new KindTable.Column("Age", "date", "", "When the store first saw the domain (metadata.creationTimestamp).", 0),
      new KindTable.Column("UUID", "string", "", "The domain's libvirt UUID (metadata.uuid).", 1),
      new KindTable.Column("Autostart", "boolean", "", "Whether libvirt starts the domain at boot (spec.autostart).", 1),
      new KindTable.Column("Reason", "string", "", "libvirt's reason for the state (status.reason).", 1)),
      Domain::metadata, DomainTable::cells);

  /** Sizing by XML text; weak keys: an entry goes when no domain holds its XML. Guarded by itself. */
  private static final Map<String, DomainSizing> SIZING = Collections.synchronizedMap(new WeakHashMap<>());

  // The last two full-list bodies (e.g. a Table and its gzip), each {key, bytes}; a benign race may compute twice.
  private static volatile Object[] memo;
  private static volatile Object[] memo2;

  private DomainTable() {}

  /**
   * A full-list body for {@code key} (store id, revision, options, encoding: what determines the bytes),
   * computed once and reused while it is one of the last two asked for: repeated {@code kubectl get} of
   * an unchanged store costs what the memoized JSON list costs (the list route keys a Table by the second
   * too: its Age cells are ages).
   */
  static byte[] memoized(Object key, java.util.function.Supplier<byte[]> compute) {
    Object[] m = memo;
    if (m != null && m[0].equals(key)) {
      return (byte[]) m[1];
    }
    Object[] m2 = memo2;
    if (m2 != null && m2[0].equals(key)) {
      return (byte[]) m2[1];
    }
    byte[] b = compute.get();
    memo2 = memo;
    memo = new Object[] {key, b};
    return b;
  }

  /** A list's Table: one row per item, in order; the list's resourceVersion, continue and count. */
  static byte[] list(Options o, Revision rv, String continueToken, Long remaining, List<Domain> items) {
    return list(o, rv, continueToken, remaining, items, Instant.now());
  }

  /** As {@link #list(Options, Revision, String, Long, List)}, with ages as of {@code now}. */
  static byte[] list(Options o, Revision rv, String continueToken, Long remaining, List<Domain> items, Instant now) {
    return TABLE.list(o, rv, continueToken, remaining, items, now);
  }

  /** One domain's Table (a get, or a watch event's object); {@code columns}: with the column definitions. */
  static byte[] one(Options o, Domain d, boolean columns) {
    return TABLE.one(o, d, columns);
  }

  private static List<Object> cells(Domain d, Instant now) {
    DomainSizing s = sizing(d);
    return KindTable.cells(d.name(), d.status().state(), s.vcpus(),
        s.memoryBytes() == null ? null : quantity(s.memoryBytes()), d.spec().persistent(),
        KindTable.age(d.metadata(), now), d.uuid(), d.spec().autostart(), d.status().reason());
  }

  private static DomainSizing sizing(Domain d) {
    String xml = d.spec().xml() != null ? d.spec().xml() : d.status().liveXml();
    if (xml == null) {
      return DomainSizing.of(null);
    }
    DomainSizing s = SIZING.get(xml);
    if (s == null) {
      s = DomainSizing.of(xml); // outside the lock: two threads may parse the same text, with one result
      SIZING.put(xml, s);
    }
    return s;
  }

  private static final String[] BINARY = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final String[] DECIMAL = {"k", "M", "G", "T", "P", "E"};

  /**
   * {@code bytes} as a Kubernetes quantity: the binary ({@code Ki}..{@code Ei}) or decimal ({@code k}..{@code E})
   * suffix that divides it exactly with the smallest number (binary on a tie), else plain bytes.
   */
  static String quantity(long bytes) {
    if (bytes == 0) {
      return "0";
    }
    long best = bytes;
    String suffix = "";
    long unit = 1;
    for (String s : DECIMAL) {
      if (unit > Long.MAX_VALUE / 1000) {
        break;
      }
      unit *= 1000;
      if (bytes % unit == 0 && bytes / unit < best) {
        best = bytes / unit;
        suffix = s;
      }
    }
    for (int i = 0; i < BINARY.length; i++) {
      long b = 1L << (10 * (i + 1));
      if (bytes % b == 0 && bytes / b <= best) {
        best = bytes / b;
        suffix = BINARY[i];
      }
    }
    return best + suffix;
  }

}
