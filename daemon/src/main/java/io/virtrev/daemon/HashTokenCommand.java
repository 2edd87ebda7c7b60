package io.virtrev.daemon;

import io.virtrev.daemon.security.TokenFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code virtrevd hash-token NAME ROLE < token}: prints the tokens-file line for a token read from stdin. */
@Command(name = "hash-token", mixinStandardHelpOptions = true,
    description = "Reads a token from standard input and prints its tokens-file line (NAME ROLE sha256:HEX).")
final class HashTokenCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "who the token is for")
  String name;

  @Parameters(index = "1", paramLabel = "ROLE", description = "read or write")
  String role;

  @Override
  public Integer call() throws Exception {
    io.virtrev.daemon.security.Role.parse(role);
    String token = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (token == null || token.isBlank()) {
      System.err.println("hash-token: no token on standard input");
      return 2;
    }
    System.out.println(name + " " + role + " " + TokenFile.hashLine(token.strip()));
    return 0;
  }
}
