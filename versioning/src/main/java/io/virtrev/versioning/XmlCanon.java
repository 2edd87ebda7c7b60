package io.virtrev.versioning;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.Comparator;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Compares XML documents for equivalence the way a domain definition means it: insensitive to
 * whitespace between elements, to leading/trailing whitespace of text, to attribute order and quoting,
 * and to comments. Used so that re-reads, resyncs and libvirt echoing a change create no revision.
 *
 * <p>Parsing is hardened: DOCTYPE declarations are refused, so no external entity is ever resolved
 * and no entity is expanded. Thread-safe.
 */
public final class XmlCanon {
  private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(XmlCanon::newBuilder);
  /**
   * Per thread (in practice the store's writer): the SHA-256 of the canonical form of documents seen
   * recently, keyed weakly by the document text. A stored domain's XML stays a key as long as the domain
   * is stored, so comparing a re-read with it parses only the re-read. Digests rather than canonical
   * forms: 32 bytes per document instead of a second copy of it.
   */
  private static final ThreadLocal<java.util.WeakHashMap<String, byte[]>> DIGESTS =
      ThreadLocal.withInitial(java.util.WeakHashMap::new);

  private XmlCanon() {}

  /** True if both are null, or both are equal as strings, or both parse to the same canonical form. */
  public static boolean equivalent(String a, String b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.equals(b)) {
      return true;
    }
    return java.util.Arrays.equals(digest(a), digest(b));
  }

  /** Forgets this thread's digest of {@code xml} (benchmarks: measure a document seen for the first time). */
  static void forget(String xml) {
    DIGESTS.get().remove(xml);
  }

  /** SHA-256 of {@link #canonical}, remembered for as long as {@code xml} is referenced elsewhere. */
  private static byte[] digest(String xml) {
    java.util.WeakHashMap<String, byte[]> cache = DIGESTS.get();
    byte[] d = cache.get(xml);
    if (d == null) {
      try {
        d = java.security.MessageDigest.getInstance("SHA-256")
            .digest(canonical(xml).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
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
    Element root;
    try {
      DocumentBuilder builder = BUILDER.get();
      builder.reset();
      root = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
    } catch (SAXException | IOException e) {
      return "\u0000unparsable:" + xml;
    }
    StringBuilder out = new StringBuilder(xml.length());
    write(root, out);
    return out.toString();
  }

  private static void write(Element e, StringBuilder out) {
    out.append('<').append(e.getTagName());
    NamedNodeMap attrs = e.getAttributes();
    Attr[] sorted = new Attr[attrs.getLength()];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = (Attr) attrs.item(i);
    }
    Arrays.sort(sorted, Comparator.comparing(Attr::getName));
    for (Attr a : sorted) {
      out.append(' ').append(a.getName()).append("=\"");
      escape(a.getValue(), out);
      out.append('"');
    }
    out.append('>');
    for (Node child = e.getFirstChild(); child != null; child = child.getNextSibling()) {
      switch (child.getNodeType()) {
        case Node.ELEMENT_NODE -> write((Element) child, out);
        case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
          String text = child.getNodeValue().strip();
          if (!text.isEmpty()) {
            escape(text, out);
          }
        }
        default -> { } // comments and processing instructions carry no meaning for libvirt
      }
    }
    out.append("</").append(e.getTagName()).append('>');
  }

  private static void escape(String s, StringBuilder out) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
  }

  private static DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      f.setNamespaceAware(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
    }
  }
}
