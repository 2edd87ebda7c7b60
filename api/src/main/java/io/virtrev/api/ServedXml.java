package io.virtrev.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Libvirt's XML as the API serves it: without virtrev's labels-and-annotations element, which is where
 * they are stored (the first child of the domain's {@code <metadata>} in namespace {@link #NAMESPACE},
 * any prefix), since the object serves them as {@code metadata.labels} and {@code metadata.annotations}
 * and nowhere else. A {@code <metadata>} left holding only whitespace is removed too; everything else
 * is kept byte for byte.
 *
 * <p>Cost contract (this runs for every served object, list and watch included): an XML in which the
 * namespace's URI does not occur is returned as is after one {@code indexOf}; otherwise one forward
 * scan of the markup up to the end of {@code <metadata>}, no DOM. An XML the scan does not understand
 * (malformed, a DOCTYPE) is returned unchanged. Stateless and thread-safe.
 */
public final class ServedXml {
  /** virtrev's XML namespace in libvirt's domain XML. */
  public static final String NAMESPACE = "https://virtrev.io/xmlns/domain/v1";

  private ServedXml() {}

  /** A config XML as served in {@code spec.xml}: the element removed, the edit-base marker added. */
  public static String spec(String xml, long generation) {
    return EditBase.mark(withoutObjectMeta(xml), generation);
  }

  /** {@code xml} without virtrev's element(s) in {@code <metadata>}; null stays null. */
  public static String withoutObjectMeta(String xml) {
    if (xml == null || xml.indexOf(NAMESPACE) < 0) {
      return xml;
    }
    try {
      return remove(xml);
    } catch (Unscannable e) {
      return xml;
    }
  }

  /** One tag: its span [start, end), its qualified name, its namespace declarations. */
  private record Tag(int start, int end, String name, boolean closing, boolean empty, Map<String, String> ns) {}

  private static final class Unscannable extends RuntimeException {
    Unscannable() {
      super(null, null, false, false);
    }
  }

  private static String remove(String xml) {
    Deque<Map<String, String>> scopes = new ArrayDeque<>(); // declarations of each open element
    List<int[]> cuts = new ArrayList<>();
    int depth = 0;
    int metaStart = -1;
    int metaContent = -1;
    int i = 0;
    while (true) {
      Tag t = next(xml, i);
      if (t == null) {
        return xml; // no <metadata> closed at depth 1
      }
      i = t.end;
      if (t.closing) {
        depth--;
        scopes.pop();
        if (metaStart >= 0 && depth == 1) {
          return cut(xml, cuts, metaStart, metaContent, t.start, t.end);
        }
        continue;
      }
      if (depth == 1 && metaStart < 0 && local(t.name).equals("metadata")) {
        if (t.empty) {
          return xml;
        }
        metaStart = t.start;
        metaContent = t.end;
      } else if (depth == 2 && metaStart >= 0 && NAMESPACE.equals(namespace(t, scopes))) {
        int end = t.empty ? t.end : endOf(xml, t);
        cuts.add(new int[] {afterPrecedingSpace(xml, t.start), end});
        i = end;
        continue;
      }
      if (!t.empty) {
        depth++;
        scopes.push(t.ns);
      }
    }
  }

  /** {@code xml} with {@code cuts} removed, or the whole {@code <metadata>} if nothing but space remains. */
  private static String cut(String xml, List<int[]> cuts, int metaStart, int contentStart, int contentEnd,
      int metaEnd) {
    if (cuts.isEmpty()) {
      return xml;
    }
    StringBuilder content = new StringBuilder();
    int from = contentStart;
    for (int[] c : cuts) {
      content.append(xml, from, c[0]);
      from = c[1];
    }
    content.append(xml, from, contentEnd);
    if (content.toString().isBlank()) {
      return xml.substring(0, afterPrecedingSpace(xml, metaStart)) + xml.substring(metaEnd);
    }
    StringBuilder out = new StringBuilder(xml.length());
    from = 0;
    for (int[] c : cuts) {
      out.append(xml, from, c[0]);
      from = c[1];
    }
    return out.append(xml, from, xml.length()).toString();
  }

  /** Where the whitespace run right before {@code at} starts (the element's indentation and line). */
  private static int afterPrecedingSpace(String xml, int at) {
    int s = at;
    while (s > 0 && Character.isWhitespace(xml.charAt(s - 1))) {
      s--;
    }
    return s;
  }

  /** The end of the element {@code open} starts (after its matching end tag). */
  private static int endOf(String xml, Tag open) {
    int depth = 1;
    int i = open.end;
    while (true) {
      Tag t = next(xml, i);
      if (t == null) {
        throw new Unscannable();
      }
      i = t.end;
      if (t.closing) {
        if (--depth == 0) {
          return t.end;
        }
      } else if (!t.empty) {
        depth++;
      }
    }
  }

  private static String namespace(Tag t, Deque<Map<String, String>> scopes) {
    int colon = t.name.indexOf(':');
    String prefix = colon < 0 ? "" : t.name.substring(0, colon);
    if (t.ns.containsKey(prefix)) {
      return t.ns.get(prefix);
    }
    for (Map<String, String> s : scopes) { // innermost first
      if (s.containsKey(prefix)) {
        return s.get(prefix);
      }
    }
    return null;
  }

  private static String local(String name) {
    return name.substring(name.indexOf(':') + 1);
  }

  /** The next start or end tag at or after {@code from}, skipping comments, CDATA, PIs; null at the end. */
  private static Tag next(String xml, int from) {
    int i = from;
    while (true) {
      int lt = xml.indexOf('<', i);
      if (lt < 0) {
        return null;
      }
      if (xml.startsWith("<!--", lt)) {
        i = after(xml, "-->", lt + 4);
      } else if (xml.startsWith("<![CDATA[", lt)) {
        i = after(xml, "]]>", lt + 9);
      } else if (xml.startsWith("<?", lt)) {
        i = after(xml, "?>", lt + 2);
      } else if (xml.startsWith("<!", lt)) {
        throw new Unscannable(); // a DOCTYPE: libvirt never writes one
      } else if (xml.startsWith("</", lt)) {
        int gt = xml.indexOf('>', lt);
        if (gt < 0) {
          throw new Unscannable();
        }
        return new Tag(lt, gt + 1, xml.substring(lt + 2, gt).strip(), true, false, Map.of());
      } else {
        return startTag(xml, lt);
      }
    }
  }

  private static int after(String xml, String end, int from) {
    int e = xml.indexOf(end, from);
    if (e < 0) {
      throw new Unscannable();
    }
    return e + end.length();
  }

  private static Tag startTag(String xml, int lt) {
    int i = lt + 1;
    int n = xml.length();
    while (i < n && !Character.isWhitespace(xml.charAt(i)) && xml.charAt(i) != '>' && xml.charAt(i) != '/') {
      i++;
    }
    String name = xml.substring(lt + 1, i);
    Map<String, String> ns = Map.of();
    while (true) {
      while (i < n && Character.isWhitespace(xml.charAt(i))) {
        i++;
      }
      if (i >= n || name.isEmpty()) {
        throw new Unscannable();
      }
      if (xml.startsWith("/>", i)) {
        return new Tag(lt, i + 2, name, false, true, ns);
      }
      if (xml.charAt(i) == '>') {
        return new Tag(lt, i + 1, name, false, false, ns);
      }
      int eq = xml.indexOf('=', i);
      if (eq < 0) {
        throw new Unscannable();
      }
      String attr = xml.substring(i, eq).strip();
      int q = eq + 1;
      while (q < n && Character.isWhitespace(xml.charAt(q))) {
        q++;
      }
      if (q >= n || (xml.charAt(q) != '"' && xml.charAt(q) != '\'')) {
        throw new Unscannable();
      }
      int close = xml.indexOf(xml.charAt(q), q + 1);
      if (close < 0) {
        throw new Unscannable();
      }
      if (attr.equals("xmlns") || attr.startsWith("xmlns:")) {
        if (ns.isEmpty()) {
          ns = new HashMap<>(2);
        }
        ns.put(attr.equals("xmlns") ? "" : attr.substring(6), xml.substring(q + 1, close));
      }
      i = close + 1;
    }
  }
}
