package io.virtrev.daemon;

import picocli.CommandLine;

/** Entry point of {@code java -jar virtrevd.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = new CommandLine(new VirtrevdCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .registerConverter(java.time.Duration.class, new DurationConverter())
        .execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
