package io.virtrev.versioning;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The size of a domain as its definition states it: {@code <vcpu>} (its {@code current} attribute if
 * set, the CPUs the domain starts with; else the element's value) and {@code <memory>} in bytes
 * (its {@code unit}, libvirt's units; KiB when absent). Either is null when the XML does not state it or
 * states it in a form libvirt would refuse. Read with the hardened streaming parser of {@link XmlCanon}
 * (no DOCTYPE, no entities), looking only at the root's children and stopping once both are found.
 * Thread-safe.
 */
public record DomainSizing(Integer vcpus, Long memoryBytes) {
  private static final ThreadLocal<XMLInputFactory> FACTORY = ThreadLocal.withInitial(XmlCanon::newFactory);
  private static final DomainSizing UNKNOWN = new DomainSizing(null, null);
  /** libvirt's memory units (virDomainParseMemory / virScaleInteger): case-insensitive. */
  private static final Map<String, Long> UNITS = Map.ofEntries(
      Map.entry("b", 1L), Map.entry("bytes", 1L),
      Map.entry("kb", 1_000L), Map.entry("k", 1L << 10), Map.entry("kib", 1L << 10),
      Map.entry("mb", 1_000_000L), Map.entry("m", 1L << 20), Map.entry("mib", 1L << 20),
      Map.entry("gb", 1_000_000_000L), Map.entry("g", 1L << 30), Map.entry("gib", 1L << 30),
      Map.entry("tb", 1_000_000_000_000L), Map.entry("t", 1L << 40), Map.entry("tib", 1L << 40),
      Map.entry("pb", 1_000_000_000_000_000L), Map.entry("p", 1L << 50), Map.entry("pib", 1L << 50),
      Map.entry("eb", 1_000_000_000_000_000_000L), Map.entry("e", 1L << 60), Map.entry("eib", 1L << 60));

  /** The sizing {@code xml} states; both null for null or unparsable XML (never throws). */
  public static DomainSizing of(String xml) {
    if (xml == null) {
      return UNKNOWN;
    }
    XMLStreamReader r = null;
    try {
      r = FACTORY.get().createXMLStreamReader(new StringReader(xml));
      Integer vcpus = null;
      Long memory = null;
      int depth = 0;
      while (r.hasNext() && (vcpus == null || memory == null)) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          depth++;
          if (depth == 2 && r.getLocalName().equals("vcpu")) {
            String current = r.getAttributeValue(null, "current");
            String text = r.getElementText(); // leaves the reader on the end tag
            depth--;
            vcpus = count(current != null ? current : text);
          } else if (depth == 2 && r.getLocalName().equals("memory")) {
            String unit = r.getAttributeValue(null, "unit");
            String text = r.getElementText();
            depth--;
            memory = bytes(text, unit);
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          depth--;
        }
      }
      return new DomainSizing(vcpus, memory);
    } catch (XMLStreamException | RuntimeException e) {
      return UNKNOWN;
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // nothing held beyond the string
        }
      }
    }
  }

  private static Integer count(String text) {
    try {
      int n = Integer.parseInt(text.strip());
      return n > 0 ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Long bytes(String text, String unit) {
    Long scale = UNITS.get(unit == null ? "kib" : unit.strip().toLowerCase(Locale.ROOT));
    if (scale == null) {
      return null;
    }
    try {
      BigDecimal b = new BigDecimal(text.strip()).multiply(BigDecimal.valueOf(scale));
      return b.signum() < 0 ? null : b.longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
