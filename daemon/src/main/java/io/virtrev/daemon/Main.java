package io.virtrev.daemon;

import picocli.CommandLine;

/** Entry point of {@code java -jar virtrevd.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    CommandLine cmd = new CommandLine(new VirtrevdCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .registerConverter(java.time.Duration.class, new DurationConverter());
    try {
      Settings settings = Settings.load(args, System.getenv());
      settings.checkKeys(cmd.getCommandSpec());
      cmd.setDefaultValueProvider(settings);
    } catch (IllegalArgumentException e) {
      cmd.getErr().println("virtrevd: " + e.getMessage());
      return 2;
    }
    return cmd.execute(args);
  }
}
