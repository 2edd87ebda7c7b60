package io.virtrev.daemon;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of {@code java -jar virtrevd.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(commandLine(), args, System.getenv()));
  }

  /** The {@code virtrevd} command with its converters and error handling, not yet given settings. */
  static CommandLine commandLine() {
    return new CommandLine(new VirtrevdCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .registerConverter(java.time.Duration.class, new DurationConverter())
        .setParameterExceptionHandler(Main::usageError);
  }

  /** Runs {@code cmd} with settings from {@code env} and the config file; the exit code. */
  static int run(CommandLine cmd, String[] args, Map<String, String> env) {
    try {
      Settings settings = Settings.load(args, env);
      settings.checkKeys(cmd.getCommandSpec());
      cmd.setDefaultValueProvider(settings);
    } catch (IllegalArgumentException e) {
      cmd.getErr().println("virtrevd: " + e.getMessage());
      return 2;
    }
    return cmd.execute(args);
  }

  /** A bad flag or setting: the error and where to find help, not the whole usage (exit 2). */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    PrintWriter err = c.getErr();
    err.println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return c.getCommandSpec().exitCodeOnInvalidInput();
  }
}
