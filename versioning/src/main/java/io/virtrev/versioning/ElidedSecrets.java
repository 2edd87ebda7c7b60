package io.virtrev.versioning;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Carries into a client's update the secrets libvirt elides from every read without
 * {@code VIR_DOMAIN_XML_SECURE}, so that the edit loop (GET the XML, change it, PUT it) does not erase
 * them. What libvirt 9.0 elides (measured with {@code virsh dumpxml} with and without
 * {@code --security-info}; {@code virDomainGraphicsAuthDefFormatAttr} and the disk source cookie
 * formatter in libvirt's {@code domain_conf.c}): the {@code passwd} attribute of {@code <graphics>}
 * (vnc, spice) and the {@code <cookies>} of a network disk's {@code <source>}. Everything else a
 * domain keeps secret is a reference to a libvirt secret object ({@code <secret usage=.../>}) and is
 * served as is.
 *
 * <p>The rule (docs/api.md, "Secrets the API never serves"): what the client sends wins; an element
 * the client removed takes its secret with it; an element the client kept, matched by identity, keeps
 * its secret. Identity: a {@code <graphics>} by its {@code type} (libvirt allows one per type); a disk
 * source by the disk's {@code <target dev>} and its depth in the {@code <backingStore>} chain. Cookies
 * carry over only to the same server (same {@code protocol}, {@code name} and {@code <host>}s): cookies
 * sent to another server would leak them; a warning says they were dropped. When the client's XML
 * cannot be matched unambiguously, the update is refused (422) rather than a secret dropped.
 *
 * <p>The secure XML is read into local variables only: never stored, logged or put into a message.
 * Stateless; the XML parser is the thread's own ({@link DomainXmlInspector#parse}).
 */
final class ElidedSecrets {

  /** The XML to define, and what to tell the client. */
  record Merged(String xml, List<String> warnings) {
    Merged {
      warnings = List.copyOf(warnings);
    }
  }

  private ElidedSecrets() {}

  /**
   * Whether a definition read without secrets ({@code configXml}: what the store holds) has an element
   * libvirt could have elided a secret from: a {@code <graphics>}, or a disk source with a
   * {@code protocol} (network disks carry cookies). False means the secure read can be skipped: there is
   * nothing it could add. Textual and conservative: a false "true" only costs that read.
   */
  static boolean mayHaveElided(String configXml) {
    return configXml.contains("<graphics") || configXml.contains("protocol=");
  }

  /**
   * @param secureXml the current definition with its secrets (libvirt's SECURE|INACTIVE read)
   * @param clientXml the definition the client sent (already checked by {@link DomainXmlInspector})
   * @return {@code clientXml} itself if there is nothing to carry, else it with the secrets put back
   * @throws StoreException INVALID naming the element whose secret cannot be placed unambiguously
   */
  static Merged restore(String secureXml, String clientXml) {
    if (!secureXml.contains("passwd=") && !secureXml.contains("<cookies")) {
      return new Merged(clientXml, List.of()); // nothing secret to carry: the client's bytes as sent
    }
    Element old = DomainXmlInspector.parse(secureXml).getDocumentElement();
    Document doc = DomainXmlInspector.parse(clientXml);
    Element client = doc.getDocumentElement();
    List<String> warnings = new ArrayList<>(1);
    boolean changed = restorePasswords(old, client);
    changed |= restoreCookies(old, client, warnings);
    return new Merged(changed ? serialize(doc) : clientXml, warnings);
  }

  /** {@code <graphics passwd>}, matched by type; true if one was put back. */
  private static boolean restorePasswords(Element old, Element client) {
    boolean changed = false;
    List<Element> oldGraphics = devices(old, "graphics");
    List<Element> newGraphics = devices(client, "graphics");
    for (Element g : oldGraphics) {
      if (!g.hasAttribute("passwd")) {
        continue;
      }
      String type = g.getAttribute("type");
      List<Element> oldOfType = ofType(oldGraphics, type);
      List<Element> newOfType = ofType(newGraphics, type);
      if (newOfType.isEmpty() || newOfType.stream().allMatch(e -> e.hasAttribute("passwd"))) {
        continue; // removed by the client, or every password set by the client
      }
      if (oldOfType.size() != 1 || newOfType.size() != 1) {
        throw ambiguous("<graphics type='" + type + "'>", "the current definition has " + oldOfType.size()
            + " and the request " + newOfType.size() + ", so it cannot be told which keeps the password."
            + " Send passwd on each <graphics type='" + type + "'> of the request");
      }
      newOfType.get(0).setAttribute("passwd", g.getAttribute("passwd"));
      changed = true;
    }
    return changed;
  }

  /** {@code <cookies>} of disk sources, matched by target dev and backing depth; true if any was put back. */
  private static boolean restoreCookies(Element old, Element client, List<String> warnings) {
    boolean changed = false;
    List<Element> newDisks = devices(client, "disk");
    for (Element disk : devices(old, "disk")) {
      String dev = targetDev(disk);
      List<Element> oldChain = sourceChain(disk);
      for (int depth = 0; depth < oldChain.size(); depth++) {
        Element cookies = child(oldChain.get(depth), "cookies");
        if (cookies == null) {
          continue;
        }
        String what = "the <source> of <disk> with <target dev='" + dev + "'>"
            + (depth == 0 ? "" : " at <backingStore> depth " + depth);
        List<Element> matches = newDisks.stream().filter(d -> Objects.equals(dev, targetDev(d))).toList();
        if (dev == null || matches.size() > 1) {
          throw ambiguous(what, "the request has " + matches.size() + " disks with that target, so it cannot be"
              + " told which keeps the cookies. Send <cookies> with each of them");
        }
        if (matches.isEmpty()) {
          continue; // the client removed the disk
        }
        List<Element> newChain = sourceChain(matches.get(0));
        if (depth >= newChain.size() || child(newChain.get(depth), "cookies") != null) {
          continue; // source removed, or cookies set by the client
        }
        Element target = newChain.get(depth);
        if (!sameServer(oldChain.get(depth), target)) {
          warnings.add("the cookies of " + what + " were not carried over: its protocol, name or hosts changed,"
              + " and cookies go only to the server they were set for; send <cookies> with the new source");
          continue;
        }
        Node copy = target.getOwnerDocument().importNode(cookies, true);
        Element lastHost = lastChild(target, "host");
        target.insertBefore(copy, lastHost == null ? target.getFirstChild() : lastHost.getNextSibling());
        changed = true;
      }
    }
    return changed;
  }

  /** disk/source, disk/backingStore/source, ... down the chain; stops at the first level without a source. */
  private static List<Element> sourceChain(Element disk) {
    List<Element> chain = new ArrayList<>(1);
    for (Element level = disk; level != null; level = child(level, "backingStore")) {
      Element source = child(level, "source");
      if (source == null) {
        break;
      }
      chain.add(source);
    }
    return chain;
  }

  private static boolean sameServer(Element a, Element b) {
    return a.getAttribute("protocol").equals(b.getAttribute("protocol"))
        && a.getAttribute("name").equals(b.getAttribute("name"))
        && hosts(a).equals(hosts(b));
  }

  private static List<Map<String, String>> hosts(Element source) {
    List<Map<String, String>> out = new ArrayList<>(1);
    for (Element h : children(source, "host")) {
      out.add(Map.of("name", h.getAttribute("name"), "port", h.getAttribute("port"),
          "transport", h.getAttribute("transport"), "socket", h.getAttribute("socket")));
    }
    return out;
  }

  private static String targetDev(Element disk) {
    Element t = child(disk, "target");
    return t == null || !t.hasAttribute("dev") ? null : t.getAttribute("dev");
  }

  private static List<Element> devices(Element domain, String tag) {
    Element devices = child(domain, "devices");
    return devices == null ? List.of() : children(devices, tag);
  }

  private static List<Element> ofType(List<Element> elements, String type) {
    return elements.stream().filter(e -> e.getAttribute("type").equals(type)).toList();
  }

  private static Element child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    return null;
  }

  private static Element lastChild(Element parent, String tag) {
    List<Element> all = children(parent, tag);
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>(2);
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        out.add(e);
      }
    }
    return out;
  }

  /** The document as text, without an XML declaration. */
  static String serialize(Document doc) {
    try {
      TransformerFactory f = TransformerFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer t = f.newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      t.transform(new DOMSource(doc), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot serialize a parsed domain definition", e);
    }
  }

  private static StoreException ambiguous(String element, String why) {
    return new StoreException(StoreException.Reason.INVALID, "cannot carry the secret libvirt does not serve into "
        + element + ": " + why + " (or remove the element to drop its secret).",
        Map.of("kind", "domains", "causes", List.of(Map.of("reason", "FieldValueInvalid", "field", element,
            "message", "secret cannot be matched unambiguously"))), null);
  }
}
