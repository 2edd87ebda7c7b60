package io.virtrev.api;

import java.time.Instant;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What a served {@link DomainSnapshot} reads from libvirt's snapshot XML ({@code <domainsnapshot>}, as
 * {@code virDomainSnapshotGetXMLDesc} returns it): its {@code <name>}, {@code <state>},
 * {@code <creationTime>} (seconds since the epoch) and {@code <parent><name>}. One forward StAX pass that
 * stops at the embedded {@code <domain>} (libvirt writes these elements before it), no DOM, no DTDs or
 * external entities. Stateless and thread-safe.
 */
public final class SnapshotXml {
  /** The fields read; any may be null when the document lacks it. */
  public record Fields(String name, String state, Instant creationTime, String parent) {}

  private SnapshotXml() {}

  /**
   * Reads the fields of a {@code <domainsnapshot>} document.
   *
   * @throws IllegalArgumentException if {@code xml} is not a well-formed {@code <domainsnapshot>}
   *     document up to its embedded domain, or its creationTime is not a whole number, naming what is wrong
   */
  public static Fields read(String xml) {
    if (xml == null) {
      throw new IllegalArgumentException("no snapshot XML");
    }
    XMLStreamReader r = null;
    String name = null;
    String state = null;
    Instant created = null;
    String parent = null;
    try {
      r = StaxReaders.open(xml);
      int depth = 0;
      String parentElement = null;
      while (r.hasNext()) {
        int e = r.next();
        if (e == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String local = r.getLocalName();
          if (depth == 1 && !"domainsnapshot".equals(local)) {
            throw new IllegalArgumentException("not a <domainsnapshot> document: root <" + local + ">");
          }
          if (depth == 2) {
            parentElement = local;
            switch (local) {
              case "name" -> name = r.getElementText().strip();
              case "state" -> state = r.getElementText().strip();
              case "creationTime" -> created = epochSeconds(r.getElementText().strip());
              case "domain" -> {
                return new Fields(name, state, created, parent);
              }
              default -> { }
            }
            if (!"parent".equals(local) && r.getEventType() == XMLStreamConstants.END_ELEMENT) {
              depth--;
            }
          } else if (depth == 3 && "parent".equals(parentElement) && "name".equals(local)) {
            parent = r.getElementText().strip();
            depth--;
          }
        } else if (e == XMLStreamConstants.END_ELEMENT) {
          depth--;
        }
      }
      return new Fields(name, state, created, parent);
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("malformed snapshot XML: " + e.getMessage(), e);
    } finally {
      StaxReaders.close(r);
    }
  }

  private static Instant epochSeconds(String text) {
    try {
      return Instant.ofEpochSecond(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("creationTime is not a number of seconds: '" + text + "'", e);
    }
  }
}
