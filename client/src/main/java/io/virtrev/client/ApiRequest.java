package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code status.request}: the API request that made the revision. {@code method} (POST, PUT, PATCH,
 * DELETE), {@code path} (under {@code /apis/virtrev.io/v1}, without the query) and {@code user}, the
 * caller as the daemon's audit trail names it ({@code token:NAME}, {@code cert:DN},
 * {@code unix:socket PATH}); null for an anonymous caller.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ApiRequest extends WireObject {
  private String method;
  private String path;
  private String user;

  public String getMethod() {
    return method;
  }

  public void setMethod(String method) {
    this.method = method;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getUser() {
    return user;
  }

  public void setUser(String user) {
    this.user = user;
  }
}
