package io.virtrev.daemon.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens and their roles, from a file of lines {@code NAME ROLE sha256:HEX} (the SHA-256 of the
 * token: {@code virtrevd hash-token} prints it), or {@code NAME ROLE TOKEN} in plain text (accepted,
 * with a warning). {@code #} starts a comment. Tokens are compared by hash in constant time.
 * Immutable.
 */
public final class TokenFile {
  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

  private record Entry(String name, Role role, byte[] sha256) {}

  private final List<Entry> entries;

  private TokenFile(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** @throws IllegalArgumentException naming the file, line and problem */
  public static TokenFile load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read tokens file " + file + ": " + e.getMessage(), e);
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 3) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected NAME ROLE sha256:HEX, got "
            + f.length + " fields");
      }
      Role role;
      try {
        role = Role.parse(f[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage());
      }
      byte[] hash;
      if (f[2].startsWith("sha256:")) {
        try {
          hash = HexFormat.of().parseHex(f[2].substring(7));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": sha256: must be followed by 64 hex digits");
        }
        if (hash.length != 32) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": sha256: must be followed by 64 hex digits");
        }
      } else {
        LOG.warn("{}:{}: token '{}' is stored in plain text; store `virtrevd hash-token` output instead",
            file, i + 1, f[0]);
        hash = sha256(f[2]);
      }
      out.add(new Entry(f[0], role, hash));
    }
    return new TokenFile(out);
  }

  /** The identity for {@code token}, if it is one of ours. */
  public Optional<Identity> lookup(String token) {
    byte[] h = sha256(token);
    Identity found = null;
    for (Entry e : entries) { // no early exit: the time does not depend on which entry matched
      if (MessageDigest.isEqual(e.sha256(), h) && found == null) {
        found = new Identity(e.name(), e.role(), "token");
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return entries.size();
  }

  /** {@code sha256:HEX} of a token, the form to store in the file. */
  public static String hashLine(String token) {
    return "sha256:" + HexFormat.of().formatHex(sha256(token));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
