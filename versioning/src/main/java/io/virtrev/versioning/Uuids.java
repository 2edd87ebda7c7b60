package io.virtrev.versioning;

import java.util.Locale;
import java.util.regex.Pattern;

/** libvirt uuid text forms. The store keys domains by the lower-case 8-4-4-4-12 form. */
public final class Uuids {
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Uuids() {}

  public static boolean looksLikeUuid(String s) {
    return s != null && CANONICAL.matcher(s).matches();
  }

  public static String normalize(String uuid) {
    return uuid.toLowerCase(Locale.ROOT);
  }
}
