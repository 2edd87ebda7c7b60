package io.virtrev.daemon.http;

import io.virtrev.api.Json;
import io.virtrev.daemon.security.Identity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: every API mutation, with who made it, what was asked, the answer and the resulting
 * RV. One line on the {@code virtrev.audit} logger always; with a file, also one JSON object per line
 * appended to it (written before the answer leaves). Thread-safe: {@code this} guards the file.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("virtrev.audit");

  private final FileChannel file; // null: log only

  private AuditLog(FileChannel file) {
    this.file = file;
  }

  public static AuditLog none() {
    return new AuditLog(null);
  }

  public static AuditLog toFile(Path path) throws IOException {
    return new AuditLog(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  /**
   * @param who the caller (null: anonymous)
   * @param status the HTTP status answered
   * @param uuid the domain (if known), {@code resourceVersion} its RV after the mutation (if any)
   * @param error the error message (for failures), else null
   */
  public void record(Identity who, String method, String uri, int status, String name, String uuid,
      String resourceVersion, String error) {
    String whoText = who == null ? "anonymous" : who.toString();
    LOG.info("mutation who={} what=\"{} {}\" status={} domain={} rv={}{}", whoText, method, uri, status,
        name == null ? uuid : name, resourceVersion, error == null ? "" : " error=\"" + error + "\"");
    if (file == null) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.now().toString());
    line.put("who", whoText);
    line.put("role", who == null ? "write" : who.role().wireName());
    line.put("method", method);
    line.put("uri", uri);
    line.put("status", status);
    line.put("name", name);
    line.put("uuid", uuid);
    line.put("resourceVersion", resourceVersion);
    line.put("error", error);
    byte[] bytes = (new String(Json.bytes(line), java.nio.charset.StandardCharsets.UTF_8) + "\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
