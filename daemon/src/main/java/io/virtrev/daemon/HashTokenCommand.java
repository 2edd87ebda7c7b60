package io.virtrev.daemon;

import io.virtrev.daemon.security.Role;
import io.virtrev.daemon.security.TokenFile;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code virtrevd hash-token NAME ROLE < token}: prints the tokens-file line for a token read from
 * stdin. A NAME the tokens file could not read back (empty, with blanks or control characters, or
 * starting with {@code #}, which makes the line a comment) or an unknown ROLE is a usage error.
 */
@Command(name = "hash-token", mixinStandardHelpOptions = true,
    description = "Reads a token from standard input and prints its tokens-file line (NAME ROLE sha256:HEX).")
final class HashTokenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "who the token is for")
  String name;

  @Parameters(index = "1", paramLabel = "ROLE", description = "read, write or gateway")
  String role;

  /** Where the token is read from (standard input; tests replace it). */
  InputStream in = System.in;

  @Override
  public Integer call() throws Exception {
    if (!name.matches("\\p{Graph}+") || name.startsWith("#")) {
      throw new ParameterException(spec.commandLine(), "NAME '" + name + "' cannot be read back from the tokens"
          + " file: use printable characters without blanks, not starting with '#'");
    }
    Role r;
    try {
      r = Role.parse(role);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "ROLE: " + e.getMessage());
    }
    String token = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    if (token == null || token.isBlank()) {
      spec.commandLine().getErr().println("hash-token: no token on standard input");
      return 2;
    }
    spec.commandLine().getOut().println(name + " " + r.wireName() + " " + TokenFile.hashLine(token.strip()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
