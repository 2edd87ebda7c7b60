package io.virtrev.versioning;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.WeakHashMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Compares XML documents for equivalence the way a domain definition means it: insensitive to
 * whitespace between elements, to leading/trailing whitespace of text, to attribute order and quoting,
 * and to comments and processing instructions. Used so that re-reads, resyncs and libvirt echoing a
 * change create no revision.
 *
 * <p>The canonical form is written while the document streams through a StAX reader (Woodstox; no
 * tree is built): elements with their attributes sorted by name, and each run of character data between two
 * pieces of markup (CDATA sections count as text; comments and processing instructions end a run),
 * stripped, unless empty. Parsing is hardened: a DOCTYPE makes the document
 * unparsable, so no external entity is ever resolved and no entity is expanded. Thread-safe.
 */
public final class XmlCanon {
  private static final ThreadLocal<XMLInputFactory> FACTORY = ThreadLocal.withInitial(XmlCanon::newFactory);
  /** Per thread: the buffer the canonical form is written into (kept, so its capacity is reused). */
  private static final ThreadLocal<StringBuilder> OUT = ThreadLocal.withInitial(() -> new StringBuilder(8192));
  /**
   * Per thread (in practice the store's writer): the SHA-256 of the canonical form of documents seen
   * recently, keyed weakly by the document text. A stored domain's XML stays a key as long as the domain
   * is stored, so comparing a re-read with it parses only the re-read. Digests rather than canonical
   * forms: 32 bytes per document instead of a second copy of it.
   */
  private static final ThreadLocal<WeakHashMap<String, byte[]>> DIGESTS = ThreadLocal.withInitial(WeakHashMap::new);
  private static final String UNPARSABLE = "\u0000unparsable:";

  private XmlCanon() {}

  /** True if both are null, or both are equal as strings, or both parse to the same canonical form. */
  public static boolean equivalent(String a, String b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.equals(b)) {
      return true;
    }
    return Arrays.equals(digest(a), digest(b));
  }

  /** Forgets this thread's digest of {@code xml} (benchmarks: measure a document seen for the first time). */
  static void forget(String xml) {
    DIGESTS.get().remove(xml);
  }

  /** SHA-256 of {@link #canonical}, remembered for as long as {@code xml} is referenced elsewhere. */
  private static byte[] digest(String xml) {
    WeakHashMap<String, byte[]> cache = DIGESTS.get();
    byte[] d = cache.get(xml);
    if (d == null) {
      StringBuilder out = OUT.get();
      out.setLength(0);
      if (!write(xml, out)) {
        out.setLength(0);
        out.append(UNPARSABLE).append(xml);
      }
      try {
        d = MessageDigest.getInstance("SHA-256").digest(out.toString().getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
      if (out.capacity() > (1 << 20)) {
        OUT.remove(); // one huge document must not pin its buffer on the writer thread
      }
      cache.put(xml, d);
    }
    return d;
  }

  /**
   * The canonical form of {@code xml}. A document that does not parse canonicalizes to itself with a
   * marker prefix, so two unparsable documents are equivalent only if identical.
   */
  public static String canonical(String xml) {
    StringBuilder out = new StringBuilder(xml.length());
    return write(xml, out) ? out.toString() : UNPARSABLE + xml;
  }

  /** Writes the canonical form of {@code xml} to {@code out}; false if it does not parse (or has a DOCTYPE). */
  private static boolean write(String xml, StringBuilder out) {
    XMLStreamReader r = null;
    try {
      r = FACTORY.get().createXMLStreamReader(new StringReader(xml));
      StringBuilder text = new StringBuilder();
      boolean rooted = false;
      int depth = 0;
      while (r.hasNext()) {
        switch (r.next()) {
          case XMLStreamConstants.START_ELEMENT -> {
            rooted = true;
            depth++;
            flush(text, out);
            startTag(r, out);
          }
          case XMLStreamConstants.END_ELEMENT -> {
            depth--;
            flush(text, out);
            out.append("</").append(r.getLocalName()).append('>');
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
            if (depth > 0) {
              text.append(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
            }
          }
          case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> flush(text, out);
          case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE -> {
            return false;
          }
          default -> { }
        }
      }
      return rooted;
    } catch (XMLStreamException | RuntimeException e) {
      return false;
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // nothing is held: the input is a string
        }
      }
    }
  }

  private static void startTag(XMLStreamReader r, StringBuilder out) {
    out.append('<').append(qName(r.getPrefix(), r.getLocalName()));
    int n = r.getAttributeCount();
    if (n > 0) {
      String[] names = new String[n];
      String[] values = new String[n];
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        names[i] = qName(r.getAttributePrefix(i), r.getAttributeLocalName(i));
        values[i] = r.getAttributeValue(i);
        order[i] = i;
      }
      if (n > 1) {
        Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
      }
      for (int i : order) {
        out.append(' ').append(names[i]).append("=\"");
        escape(values[i], 0, values[i].length(), out);
        out.append('"');
      }
    }
    out.append('>');
  }

  private static String qName(String prefix, String local) {
    return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
  }

  /** Writes the pending run of character data, stripped, and empties it. */
  private static void flush(StringBuilder text, StringBuilder out) {
    int from = 0;
    int to = text.length();
    while (from < to && Character.isWhitespace(text.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
      to--;
    }
    if (from < to) {
      escape(text, from, to, out);
    }
    text.setLength(0);
  }

  private static void escape(CharSequence s, int from, int to, StringBuilder out) {
    int run = from; // start of the pending stretch that needs no escaping: appended in one piece
    for (int i = from; i < to; i++) {
      String entity = switch (s.charAt(i)) {
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '&' -> "&amp;";
        case '"' -> "&quot;";
        default -> null;
      };
      if (entity != null) {
        out.append(s, run, i).append(entity);
        run = i + 1;
      }
    }
    out.append(s, run, to);
  }

  /** A hardened StAX factory (no DTD, no external or expanded entities); not thread-safe to configure. */
  static XMLInputFactory newFactory() {
    // Woodstox, named rather than looked up: about twice as fast as the JDK's parser on domain XML
    // (JmhChangeDetection), and a service lookup must not swap in a parser whose settings differ.
    XMLInputFactory f = new com.ctc.wstx.stax.WstxInputFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    return f;
  }
}
