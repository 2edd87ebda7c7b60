package io.virtrev.daemon;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * Where a setting comes from when its flag is not given: the environment variable
 * {@code VIRTREV_<NAME>} (e.g. {@code VIRTREV_LISTEN}, {@code VIRTREV_DATA_DIR}), else the config file
 * ({@code --config FILE} or {@code VIRTREV_CONFIG}; Java properties, keys are option names without the
 * dashes), else the built-in default. So: flags > environment > file > defaults.
 */
final class Settings implements CommandLine.IDefaultValueProvider {
  private final Map<String, String> env;
  private final Properties file;

  private Settings(Map<String, String> env, Properties file) {
    this.env = env;
    this.file = file;
  }

  /** Reads the config file named by {@code args} or the environment, if any. */
  static Settings load(String[] args, Map<String, String> env) {
    String path = env.get("VIRTREV_CONFIG");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        path = args[i].substring("--config=".length());
      }
    }
    Properties p = new Properties();
    if (path != null) {
      try (Reader r = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read config file " + path + ": " + e);
      }
    }
    return new Settings(env, p);
  }

  /** Fails on keys in the file that are no option of {@code spec} (typos must not pass silently). */
  void checkKeys(CommandLine.Model.CommandSpec spec) {
    Set<String> known = new TreeSet<>();
    for (CommandLine.Model.OptionSpec o : spec.options()) {
      known.add(key(o));
    }
    for (CommandLine sub : spec.subcommands().values()) { // e.g. virtrevd fleet's etcd settings
      for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
        known.add(key(o));
      }
    }
    for (String k : file.stringPropertyNames()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("unknown setting '" + k + "' in the config file; known: " + known);
      }
    }
  }

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec arg) {
    if (!(arg instanceof CommandLine.Model.OptionSpec o) || o.longestName().equals("--config")) {
      return null;
    }
    String k = key(o);
    String fromEnv = env.get("VIRTREV_" + k.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (fromEnv != null) {
      return fromEnv;
    }
    return file.getProperty(k);
  }

  private static String key(CommandLine.Model.OptionSpec o) {
    return o.longestName().replaceFirst("^-+", "");
  }
}
