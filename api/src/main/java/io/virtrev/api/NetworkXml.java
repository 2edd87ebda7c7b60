package io.virtrev.api;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What a served {@link Network} reads from libvirt's network XML. One forward StAX pass over the
 * document's first two levels, no DOM, no DTDs or external entities. Stateless and thread-safe.
 */
public final class NetworkXml {
  private NetworkXml() {}

  /**
   * The {@code name} attribute of the root {@code <network>}'s {@code <bridge>} child (what
   * {@code virNetworkGetBridgeName} answers); null if there is none, or if {@code xml} is null or not a
   * well-formed {@code <network>} document.
   */
  public static String bridge(String xml) {
    if (xml == null) {
      return null;
    }
    XMLStreamReader r = null;
    try {
      r = StaxReaders.open(xml);
      int depth = 0;
      while (r.hasNext()) {
        int e = r.next();
        if (e == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String local = r.getLocalName();
          if (depth == 1 && !"network".equals(local)) {
            return null;
          }
          if (depth == 2 && "bridge".equals(local)) {
            return r.getAttributeValue(null, "name");
          }
        } else if (e == XMLStreamConstants.END_ELEMENT) {
          depth--;
        }
      }
      return null;
    } catch (XMLStreamException e) {
      return null;
    } finally {
      StaxReaders.close(r);
    }
  }
}
