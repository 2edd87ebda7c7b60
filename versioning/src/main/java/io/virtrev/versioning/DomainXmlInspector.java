package io.virtrev.versioning;

import java.io.IOException;
import java.io.StringReader;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Checks a domain definition from a client before anything else sees it, and reads its identity.
 *
 * <p>A document type declaration or entity declaration is refused by a plain text scan, before any
 * XML parser (ours or libvirt's) runs: no external entity is fetched, no entity is expanded. libvirt's
 * own domain XML never has one. The rest is parsed with a hardened parser that also refuses DOCTYPE.
 */
public final class DomainXmlInspector {
  private static final Pattern DECLARATION = Pattern.compile("<!\\s*(DOCTYPE|ENTITY)", Pattern.CASE_INSENSITIVE);
  /** One hardened parser per thread (HTTP event loops), reset before each use: building one costs more than a parse. */
  private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> newBuilder(false));
  /** As {@link #BUILDER}, namespace-aware: for the elements virtrev keeps in {@code <metadata>}. */
  private static final ThreadLocal<DocumentBuilder> NS_BUILDER = ThreadLocal.withInitial(() -> newBuilder(true));

  /** The identity a definition claims: its {@code <name>} and (if present) {@code <uuid>}, normalized. */
  public record Identity(String name, String uuid) {}

  private DomainXmlInspector() {}

  /**
   * @throws StoreException BAD_REQUEST naming what is wrong: a DOCTYPE/ENTITY declaration, malformed XML
   *     (with line and column), a root element other than {@code <domain>}, a missing or empty
   *     {@code <name>}, a {@code <uuid>} that is not a uuid
   */
  public static Identity inspect(String xml) {
    return inspect(xml, "domain", "a domain definition", true);
  }

  /**
   * As {@link #inspect(String)} for the definition of any kind: its root must be {@code <rootTag>}
   * ({@code network}, {@code pool}, {@code volume}, {@code domainsnapshot}); a {@code <name>} is required
   * only if {@code nameRequired} (libvirt names a snapshot without one); {@code name} is then null.
   */
  public static Identity inspect(String xml, String rootTag, String what, boolean nameRequired) {
    if (xml == null || xml.isBlank()) {
      throw bad(what + " needs XML; the body has none");
    }
    if (DECLARATION.matcher(xml).find()) {
      throw bad("XML with a DOCTYPE or ENTITY declaration is not accepted (libvirt's XML needs neither;"
          + " entities are never expanded)");
    }
    Element root = parse(xml).getDocumentElement();
    if (!root.getTagName().equals(rootTag)) {
      throw bad("the root element is <" + root.getTagName() + ">; " + what + " starts with <" + rootTag + ">");
    }
    String name = childText(root, "name");
    if (nameRequired && (name == null || name.isEmpty())) {
      throw bad("the <" + rootTag + "> XML has no <name>");
    }
    String uuid = childText(root, "uuid");
    if (uuid != null) {
      String compact = uuid.replace("-", "");
      if (!compact.matches("[0-9a-fA-F]{32}")) {
        throw bad("<uuid>" + uuid + "</uuid> is not a uuid");
      }
      uuid = (compact.substring(0, 8) + "-" + compact.substring(8, 12) + "-" + compact.substring(12, 16) + "-"
          + compact.substring(16, 20) + "-" + compact.substring(20)).toLowerCase(Locale.ROOT);
    }
    return new Identity(name, uuid);
  }

  /**
   * Parses with the thread's hardened parser (no DOCTYPE, no entities, no external access).
   *
   * @throws StoreException BAD_REQUEST for malformed XML, with line and column
   */
  static Document parse(String xml) {
    return parse(xml, BUILDER.get());
  }

  /** As {@link #parse(String)}, namespace-aware (elements have their namespace URI and local name). */
  static Document parseNamespaced(String xml) {
    return parse(xml, NS_BUILDER.get());
  }

  private static Document parse(String xml, DocumentBuilder b) {
    try {
      b.reset();
      b.setErrorHandler(null);
      return b.parse(new InputSource(new StringReader(xml)));
    } catch (SAXParseException e) {
      throw bad("malformed XML at line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": "
          + e.getMessage());
    } catch (SAXException | IOException e) {
      throw bad("malformed XML: " + e.getMessage());
    }
  }

  private static String childText(Element root, String tag) {
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e.getTextContent().strip();
      }
    }
    return null;
  }

  private static DocumentBuilder newBuilder(boolean namespaceAware) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(namespaceAware);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
    }
  }

  private static StoreException bad(String message) {
    return new StoreException(StoreException.Reason.MALFORMED, message);
  }
}
