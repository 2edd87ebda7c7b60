package io.virtrev.api;

import java.io.StringReader;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The StAX readers the API's XML readers ({@link NetworkXml}, {@link SnapshotXml}) use: from one factory
 * that supports no DTDs and resolves no external entities. The factory is configured once and only
 * creates readers afterwards (thread-safe for that use); each reader belongs to one call.
 */
final class StaxReaders {
  private static final XMLInputFactory FACTORY = factory();

  private StaxReaders() {}

  /** A reader over {@code xml}, positioned before its first event. Close it with {@link #close}. */
  static XMLStreamReader open(String xml) throws XMLStreamException {
    return FACTORY.createXMLStreamReader(new StringReader(xml));
  }

  /** Closes {@code r} if not null; a reader over a string holds nothing, so a failure to close is ignored. */
  static void close(XMLStreamReader r) {
    if (r != null) {
      try {
        r.close();
      } catch (XMLStreamException e) {
        // nothing held
      }
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }
}
