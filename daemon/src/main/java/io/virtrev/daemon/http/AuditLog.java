package io.virtrev.daemon.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.virtrev.api.Json;
import io.virtrev.daemon.security.Identity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: every API mutation, with who made it, what was asked, the answer and the resulting
 * RV. A mutation a fleet gateway forwarded names the caller the gateway named ({@code Impersonate-User})
 * as {@code who} and the gateway's own identity as {@code via}. One line on the {@code virtrev.audit} logger; with a file, also one JSON object per line
 * appended to it (written before the answer leaves; the file is created 0600).
 *
 * <p>Refused requests ({@link #refused}: refused before they reached libvirt, e.g. 401, 403, 404, 413)
 * are recorded in full only for a client's first refusal per interval; the rest are counted, and
 * {@link #summarizeRefusals} (called once per interval) writes one {@code refused} summary per client
 * with its count. Request values are escaped and cut ({@link LogSafe}) on the text line and cut in
 * the file, so every entry is one bounded line.
 *
 * <p>Thread-safe: {@code this} guards the file; {@link RefusalCounter} has its own lock; neither is
 * held while the other is taken.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("virtrev.audit");
  /** The default length of a refusal-summary interval. */
  public static final Duration DEFAULT_REFUSED_INTERVAL = Duration.ofSeconds(60);
  /** Clients told apart per interval; more share one summary. */
  static final int MAX_CLIENTS = 1024;
  /** Longest URI or error kept in a JSON line of the file. */
  static final int MAX_FILE_VALUE_CHARS = 1024;

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final FileChannel file; // null: log only
  private final Duration refusedInterval;
  private final RefusalCounter refusals = new RefusalCounter(MAX_CLIENTS);

  private AuditLog(FileChannel file, Duration refusedInterval) {
    if (refusedInterval.isZero() || refusedInterval.isNegative()) {
      throw new IllegalArgumentException("refused-summary interval must be positive: " + refusedInterval);
    }
    this.file = file;
    this.refusedInterval = refusedInterval;
  }

  public static AuditLog none() {
    return none(DEFAULT_REFUSED_INTERVAL);
  }

  public static AuditLog none(Duration refusedInterval) {
    return new AuditLog(null, refusedInterval);
  }

  public static AuditLog toFile(Path path) throws IOException {
    return toFile(path, DEFAULT_REFUSED_INTERVAL);
  }

  /** Appends to {@code path} (created with its parent directories; made 0600, owner only). */
  public static AuditLog toFile(Path path, Duration refusedInterval) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    }
    FileChannel ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    Files.setPosixFilePermissions(path, OWNER_ONLY); // a file that existed before may have been wider
    return new AuditLog(ch, refusedInterval);
  }

  /** How often {@link #summarizeRefusals} must be called. */
  public Duration refusedInterval() {
    return refusedInterval;
  }

  /**
   * @param who the caller (null: not authenticated)
   * @param status the HTTP status answered
   * @param uuid the domain (if known), {@code resourceVersion} its RV after the mutation (if any)
   * @param error the error message (for failures), else null
   */
  public void record(Identity who, String method, String uri, boolean dryRun, int status, String name, String uuid,
      String resourceVersion, String error) {
    write(null, who, method, uri, dryRun, status, name, uuid, resourceVersion, error);
  }

  /**
   * A request refused before it reached libvirt, from {@code client} (its address, or the socket it
   * came through): recorded in full if it is the client's first refusal in this interval, else only
   * counted.
   */
  public void refused(String client, Identity who, String method, String uri, int status, String error) {
    if (refusals.admit(client)) {
      write(client, who, method, uri, false, status, null, null, null, error);
    }
  }

  /**
   * {@link #refused} for a request refused on {@code ch} with {@code status}, if it is a mutation (any
   * method but GET and HEAD: reads are not audited); the client is the peer's address or the socket.
   */
  void refusedRequest(Channel ch, Identity who, HttpRequest req, int status, String error) {
    String method = req.method().name();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      refused(client(ch), who, method, req.uri(), status, error);
    }
  }

  /** Who is on the other end, for counting refusals: the peer's IP address, or the UNIX socket's path. */
  static String client(Channel ch) {
    if (ch.remoteAddress() instanceof java.net.InetSocketAddress a) {
      return a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    }
    return "unix:" + ch.localAddress();
  }

  /** Ends a refusal interval: one {@code refused} summary per client refused more than once in it. */
  public void summarizeRefusals() {
    for (Map.Entry<String, Long> e : new TreeMap<>(refusals.drain()).entrySet()) {
      if (e.getValue() < 2) {
        continue; // its only refusal was recorded in full
      }
      String client = LogSafe.value(e.getKey());
      LOG.warn("refused client={} count={} interval={} (only the first was recorded in full)", client,
          e.getValue(), refusedInterval);
      if (file != null) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("event", "refused");
        line.put("client", cut(e.getKey()));
        line.put("count", e.getValue());
        line.put("intervalSeconds", refusedInterval.toMillis() / 1000.0);
        append(line);
      }
    }
  }

  private void write(String client, Identity who, String method, String uri, boolean dryRun, int status, String name,
      String uuid, String resourceVersion, String error) {
    String whoText = who == null ? "unauthenticated" : who.toString();
    String viaText = who == null || who.gateway() == null ? null : who.gateway().toString();
    LOG.info("mutation who={}{} what=\"{} {}\"{} status={} domain={} rv={}{}{}", LogSafe.value(whoText),
        viaText == null ? "" : " via=" + LogSafe.value(viaText), method,
        LogSafe.value(uri), dryRun ? " dryRun=All" : "", status, LogSafe.value(name == null ? uuid : name), resourceVersion,
        client == null ? "" : " client=" + LogSafe.value(client),
        error == null ? "" : " error=\"" + LogSafe.value(error) + "\"");
    if (file == null) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.now().toString());
    line.put("who", whoText);
    line.put("role", who == null ? null : who.role().wireName());
    if (viaText != null) {
      line.put("via", viaText); // the gateway that named the caller in "who" (Impersonate-User)
    }
    if (client != null) {
      line.put("client", cut(client));
    }
    line.put("method", method);
    line.put("uri", cut(uri));
    if (dryRun) {
      line.put("dryRun", true); // nothing was changed: the request asked for a dry run (query or DeleteOptions)
    }
    line.put("status", status);
    line.put("domain", name);
    line.put("uuid", uuid);
    line.put("resourceVersion", resourceVersion);
    line.put("error", cut(error));
    append(line);
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_FILE_VALUE_CHARS ? s
        : s.substring(0, MAX_FILE_VALUE_CHARS) + "...[" + (s.length() - MAX_FILE_VALUE_CHARS) + " more chars]";
  }

  private void append(Map<String, Object> line) {
    byte[] json = Json.bytes(line); // JSON escapes control characters: one line
    byte[] bytes = new byte[json.length + 1];
    System.arraycopy(json, 0, bytes, 0, json.length);
    bytes[json.length] = '\n';
    synchronized (this) {
      try {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          file.write(b);
        }
      } catch (IOException e) {
        LOG.error("cannot write the audit file: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    summarizeRefusals();
    if (file != null) {
      synchronized (this) {
        try {
          file.force(true);
          file.close();
        } catch (IOException ignored) {
          // closing at shutdown
        }
      }
    }
  }
}
