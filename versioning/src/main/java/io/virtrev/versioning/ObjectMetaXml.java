package io.virtrev.versioning;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A domain's labels and annotations, kept in its own libvirt XML: one element in virtrev's namespace
 * inside the domain's {@code <metadata>}, which libvirt stores, returns from {@code virsh dumpxml} and
 * lets {@code virsh metadata --uri https://virtrev.io/xmlns/domain/v1} edit:
 *
 * <pre>{@code
 * <metadata>
 *   <virtrev:object xmlns:virtrev="https://virtrev.io/xmlns/domain/v1">
 *     <virtrev:label key="tier">web</virtrev:label>
 *     <virtrev:annotation key="example.com/owner">team a</virtrev:annotation>
 *   </virtrev:object>
 * </metadata>
 * }</pre>
 *
 * Reading is lenient (it never fails: the XML comes from libvirt, whoever wrote it): the element is the
 * first child of {@code <metadata>} in the namespace, whatever its local name; its children {@code label}
 * and {@code annotation} (in the namespace or in none) with a {@code key} attribute are the entries, the
 * element's text the value, exactly; anything else is ignored; a repeated key keeps its last value.
 * Writing produces exactly the shape above (labels, then annotations, each sorted by key), or no element
 * when both maps are empty. Stateless; the parser is the thread's own ({@link DomainXmlInspector}).
 */
public final class ObjectMetaXml {
  public static final String NAMESPACE = io.virtrev.api.ServedXml.NAMESPACE;
  public static final String PREFIX = "virtrev";
  static final String ELEMENT = "object";

  /** Labels and annotations as read from or written to the XML: sorted, never null. */
  public record Maps(Map<String, String> labels, Map<String, String> annotations) {
    public static final Maps NONE = new Maps(Map.of(), Map.of());

    public Maps {
      labels = Collections.unmodifiableMap(new TreeMap<>(labels));
      annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
    }
  }

  private ObjectMetaXml() {}

  /** The labels and annotations {@code xml} holds; {@link Maps#NONE} for none, null or unparsable XML. */
  public static Maps read(String xml) {
    return element(xml).orElse(Maps.NONE);
  }

  /**
   * The labels and annotations of {@code xml}'s virtrev element; empty if it has none (or is null or
   * unparsable), as opposed to an element with no entries.
   */
  public static Optional<Maps> element(String xml) {
    if (xml == null || !xml.contains(NAMESPACE)) {
      return Optional.empty(); // the namespace's URI must appear in any document that uses it
    }
    Document doc;
    try {
      doc = DomainXmlInspector.parseNamespaced(xml);
    } catch (StoreException e) {
      return Optional.empty();
    }
    Element object = find(doc);
    if (object == null) {
      return Optional.empty();
    }
    TreeMap<String, String> labels = new TreeMap<>();
    TreeMap<String, String> annotations = new TreeMap<>();
    for (Node n = object.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element e) || !(e.getNamespaceURI() == null || NAMESPACE.equals(e.getNamespaceURI()))
          || !e.hasAttribute("key")) {
        continue;
      }
      switch (e.getLocalName()) {
        case "label" -> labels.put(e.getAttribute("key"), e.getTextContent());
        case "annotation" -> annotations.put(e.getAttribute("key"), e.getTextContent());
        default -> { }
      }
    }
    return Optional.of(new Maps(labels, annotations));
  }

  /**
   * {@code xml} with its virtrev element replaced by one holding {@code maps} (removed if both are
   * empty; an emptied {@code <metadata>} is removed too). The rest of the document is kept as parsed
   * (libvirt re-formats a definition anyway).
   *
   * @throws StoreException BAD_REQUEST if {@code xml} is malformed
   */
  public static String write(String xml, Maps maps) {
    Document doc = DomainXmlInspector.parseNamespaced(xml);
    Element root = doc.getDocumentElement();
    if (maps.labels().isEmpty() && maps.annotations().isEmpty()) {
      remove(doc);
      return ElidedSecrets.serialize(doc);
    }
    Element metadata = metadataOf(root);
    Element old = find(doc);
    if (old != null) {
      metadata.removeChild(old);
    }
    if (metadata == null) {
      metadata = doc.createElementNS(root.getNamespaceURI(), "metadata");
      root.insertBefore(metadata, afterIdentity(root));
    }
    Element object = doc.createElementNS(NAMESPACE, PREFIX + ":" + ELEMENT);
    object.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:" + PREFIX, NAMESPACE);
    maps.labels().forEach((k, v) -> object.appendChild(entry(doc, "label", k, v)));
    maps.annotations().forEach((k, v) -> object.appendChild(entry(doc, "annotation", k, v)));
    metadata.appendChild(object);
    return ElidedSecrets.serialize(doc);
  }

  /**
   * {@code xml} without its virtrev element (and without a {@code <metadata>} left empty by that): what
   * the domain's desired state is apart from its labels and annotations. {@code xml} itself if it has
   * none or does not parse.
   */
  static String withoutObjectMeta(String xml) {
    if (xml == null || !xml.contains(NAMESPACE)) {
      return xml;
    }
    try {
      Document doc = DomainXmlInspector.parseNamespaced(xml);
      return remove(doc) ? ElidedSecrets.serialize(doc) : xml;
    } catch (StoreException e) {
      return xml;
    }
  }

  /** Removes the virtrev element, and {@code <metadata>} if that leaves it empty; false if there was none. */
  private static boolean remove(Document doc) {
    Element old = find(doc);
    if (old == null) {
      return false;
    }
    Element metadata = (Element) old.getParentNode();
    metadata.removeChild(old);
    if (!hasElementChild(metadata)) {
      doc.getDocumentElement().removeChild(metadata);
    }
    return true;
  }

  /** Whether two config XMLs differ in more than their labels and annotations (compared canonically). */
  static boolean specDiffers(String a, String b) {
    if (XmlCanon.equivalent(a, b)) {
      return false;
    }
    return !XmlCanon.equivalent(withoutObjectMeta(a), withoutObjectMeta(b));
  }

  private static Element entry(Document doc, String kind, String key, String value) {
    Element e = doc.createElementNS(NAMESPACE, PREFIX + ":" + kind);
    e.setAttribute("key", key);
    e.setTextContent(value);
    return e;
  }

  private static Element find(Document doc) {
    Element metadata = metadataOf(doc.getDocumentElement());
    if (metadata == null) {
      return null;
    }
    for (Node n = metadata.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && NAMESPACE.equals(e.getNamespaceURI())) {
        return e;
      }
    }
    return null;
  }

  private static Element metadataOf(Element root) {
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && "metadata".equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  /** Where libvirt itself puts {@code <metadata>}: after name, uuid, genid, title and description. */
  private static Node afterIdentity(Element root) {
    Node after = null;
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        switch (e.getLocalName()) {
          case "name", "uuid", "genid", "title", "description" -> after = e;
          default -> { }
        }
      }
    }
    return after == null ? root.getFirstChild() : after.getNextSibling();
  }

  private static boolean hasElementChild(Element e) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element) {
        return true;
      }
    }
    return false;
  }
}
