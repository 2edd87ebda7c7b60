package io.virtrev.api;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The edit-base marker: a processing instruction that every served {@code spec.xml} starts with,
 * naming the {@code metadata.generation} it was read at, e.g.
 * {@code <?virtrev-base generation="7"?>} followed by a newline and libvirt's XML.
 *
 * <p>Why it exists: {@code kubectl edit} of a custom resource sends a merge patch of only the fields
 * the user changed ({@code {"spec":{"xml":"…"}}}), never {@code metadata.resourceVersion}, so without it
 * a change made by virsh while the editor was open would be overwritten. Whatever XML a client sends
 * back carries the marker it read, and every write that carries one is conditional on the domain's
 * current generation (409 Conflict otherwise).
 *
 * <p>Contract: served only. The in-memory {@link Domain}, the store's change detection and libvirt
 * never hold it: {@link Json} adds it when it serializes a Domain and removes it when it reads one;
 * the write paths {@link #parse} and strip it before libvirt sees the XML. It stands before the root
 * element (in the XML prolog), so XML parsers that look at the document element do not see it, and
 * adding it is a prefix (no scan of the XML). Stateless and thread-safe.
 */
public final class EditBase {
  /** The processing instruction's target, reserved for this marker. */
  public static final String TARGET = "virtrev-base";
  private static final String OPEN = "<?" + TARGET + " generation=\"";
  private static final String CLOSE = "\"?>\n";
  /** The marker as served, at the very start; the generation is 1 to 18 digits. */
  private static final Pattern LEADING = Pattern.compile(
      "\\A\\uFEFF?\\s*<\\?" + TARGET + "(?:\\s+([^?]*?))?\\s*\\?>[ \\t]*\\r?\\n?");
  private static final Pattern GENERATION = Pattern.compile("generation=\"([0-9]{1,18})\"");

  /** An XML as sent, without its marker, and the generation the marker named (empty: no marker). */
  public record Parsed(String xml, OptionalLong generation) {}

  private EditBase() {}

  /** {@code xml} as served for an object at {@code generation}; null stays null. */
  public static String mark(String xml, long generation) {
    if (xml == null) {
      return null;
    }
    return OPEN + generation + CLOSE + xml;
  }

  /**
   * {@code xml} without the marker it was served with (at its very start), for reading served objects
   * back; anything else is kept as is. Cheap when there is none: no scan of the XML.
   */
  public static String strip(String xml) {
    if (xml == null || !xml.startsWith(OPEN)) {
      return xml;
    }
    Matcher m = LEADING.matcher(xml);
    return m.lookingAt() ? xml.substring(m.end()) : xml;
  }

  /**
   * The XML a client sent, split into the XML for libvirt and the generation its marker names.
   *
   * @throws ApiException BAD_REQUEST when a marker is malformed or stands anywhere but at the start
   *     (it would reach libvirt, and the write would silently lose the condition it carries)
   */
  public static Parsed parse(String xml) {
    if (xml == null || xml.indexOf("<?" + TARGET) < 0) {
      return new Parsed(xml, OptionalLong.empty());
    }
    Matcher m = LEADING.matcher(xml);
    if (!m.lookingAt()) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "the edit-base marker <?" + TARGET
          + " …?> must stay where it was served, before the <domain> element; remove it to make the write"
          + " unconditional");
    }
    String data = m.group(1) == null ? "" : m.group(1);
    Matcher g = GENERATION.matcher(data);
    if (!g.matches()) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "the edit-base marker <?" + TARGET + " " + data
          + "?> is malformed: it is <?" + TARGET + " generation=\"N\"?> as served; remove it to make the"
          + " write unconditional");
    }
    String rest = xml.substring(m.end());
    if (rest.contains("<?" + TARGET)) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "the XML carries more than one edit-base marker <?"
          + TARGET + " …?>; keep the one served at its start");
    }
    return new Parsed(rest, OptionalLong.of(Long.parseLong(g.group(1))));
  }
}
