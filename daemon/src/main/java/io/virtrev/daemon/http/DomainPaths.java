package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpObjectDecoder;
import io.virtrev.api.ApiException;
import io.virtrev.api.Revision;
import io.virtrev.versioning.ListKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * How a domain name appears in a URL path ({@code /apis/virtrev.io/v1/domains/{name}}; the alias
 * {@code /api/v1/domains/{name}} is shorter), and which names can appear there at all. Stateless.
 *
 * <p>A name is one path segment, percent-encoded as RFC 3986 requires: every UTF-8 byte other than the
 * unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) becomes {@code %XX}. Netty's
 * {@code QueryStringDecoder} decodes it back (a {@code +} stays a {@code +} in a path).
 *
 * <p>Addressable: the request line of every request on a domain must fit Netty's limit on the initial
 * line ({@link #MAX_REQUEST_LINE}: {@link ApiServer} builds its {@code HttpServerCodec} with Netty's
 * defaults), with room for the method, the longest sub-resource ({@code /shutdown}), the protocol and
 * {@link #QUERY_ROOM} bytes of query (a history {@code continue} token is under 300): the
 * percent-encoded name may take {@link #MAX_ENCODED_NAME} bytes. A list {@code continue} token carries
 * the last name of its page, so it must fit the same room: a name whose token would be longer is
 * refused too (for ASCII names this is the tighter bound). {@code .} and {@code ..} are dot-segments
 * that clients remove from paths. libvirt itself refuses a {@code /} in a name, and the qemu driver a
 * name longer than its file names allow (about 247 bytes).
 */
final class DomainPaths {
  /** Netty's default maximum initial line, which the API's HttpServerCodec uses. */
  static final int MAX_REQUEST_LINE = HttpObjectDecoder.DEFAULT_MAX_INITIAL_LINE_LENGTH;
  /** Bytes of a request line kept for the query string. */
  static final int QUERY_ROOM = 512;
  /** The longest percent-encoded name every request on the domain can carry. */
  static final int MAX_ENCODED_NAME = MAX_REQUEST_LINE - "OPTIONS ".length() - ApiGroup.DOMAINS.length()
      - "/".length() - "/shutdown".length() - " HTTP/1.1".length() - QUERY_ROOM;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  /** Widest values a list token can carry besides the name, for its worst-case length. */
  private static final String WIDEST_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

  private DomainPaths() {}

  /** {@code /apis/virtrev.io/v1/domains/<name, percent-encoded>}: the Location of a created domain. */
  static String location(String name) {
    return ApiGroup.DOMAINS + "/" + segment(name);
  }

  /** The name as one RFC 3986 path segment. */
  static String segment(String name) {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(utf8.length + 16);
    for (byte b : utf8) {
      int c = b & 0xff;
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /**
   * @throws ApiException INVALID (422) if the API could not address a domain of this name afterwards
   */
  static void checkAddressable(String name) {
    if (name.equals(".") || name.equals("..")) {
      throw invalid(name, "the name \"" + name + "\" is a dot-segment, which clients remove from URL paths:"
          + " the domain could not be addressed");
    }
    int encoded = segment(name).length();
    int token = listTokenLength(name);
    if (encoded > MAX_ENCODED_NAME || token > MAX_ENCODED_NAME) {
      String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
      throw invalid(shown, "the name \"" + shown + "\" (" + name.length() + " characters) takes " + encoded
          + " bytes percent-encoded in a URL path and " + token + " in a list continue token; at most "
          + MAX_ENCODED_NAME + " fit in a request line of " + MAX_REQUEST_LINE + " bytes, so the domain could"
          + " not be addressed");
    }
  }

  /** The longest a list continue token ending at this name can be (widest store id, revision and uuid). */
  static int listTokenLength(String name) {
    return ContinueToken.list(WIDEST_ID, Revision.of(Long.MAX_VALUE), new ListKey(name, WIDEST_ID), "", "").encode()
        .length();
  }

  private static ApiException invalid(String shown, String message) {
    return new ApiException(ApiException.Reason.INVALID, message, Map.of("kind", "domains", "name", shown,
        "causes", List.of(Map.of("reason", "FieldValueInvalid", "field", "metadata.name", "message", message))),
        null);
  }
}
