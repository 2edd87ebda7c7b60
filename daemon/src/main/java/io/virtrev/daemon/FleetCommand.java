package io.virtrev.daemon;

import io.virtrev.fleet.EtcdSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code virtrevd fleet --etcd URL[,URL...] --listen HOST:PORT}: the fleet gateway (docs/fleet.md). The HTTP,
 * TLS, token, client-DN, metrics, audit and log flags are the host's own ({@link VirtrevdCommand}'s, inherited:
 * they mean the same here); the etcd flags are this command's.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, usageHelpWidth = 100,
    description = {"Serves the fleet (every host mirrored into etcd) as one Kubernetes API group: list, get and",
        "watch with etcd's revision as the resourceVersion; objects are named <host>.<name>.", ""},
    footer = {"", "Settings also come from the environment (VIRTREV_ETCD for --etcd, ...) or the --config file.",
        "Docs: docs/fleet.md"})
final class FleetCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  VirtrevdCommand parent;

  @Option(names = "--etcd", paramLabel = "URL[,URL...]", required = true,
      description = "etcd client URLs (http:// or https://), comma-separated")
  String etcd;

  @Option(names = "--etcd-ca", paramLabel = "PEM", description = "CA bundle etcd's certificates are checked against")
  Path etcdCa;

  @Option(names = "--etcd-cert", paramLabel = "PEM", description = "client certificate presented to etcd (with --etcd-key)")
  Path etcdCert;

  @Option(names = "--etcd-key", paramLabel = "PEM", description = "the client certificate's private key (PKCS#8 PEM)")
  Path etcdKey;

  @Option(names = "--etcd-user", paramLabel = "NAME", description = "etcd user (with --etcd-password-file)")
  String etcdUser;

  @Option(names = "--etcd-password-file", paramLabel = "FILE", description = "file holding the etcd user's password")
  Path etcdPasswordFile;

  @Option(names = "--etcd-timeout", paramLabel = "DURATION", defaultValue = "5s",
      description = "bound of one etcd read; past it the request answers 503 (default: ${DEFAULT-VALUE})")
  Duration etcdTimeout;

  @Option(names = "--watch-queue-events", paramLabel = "N", defaultValue = "10000",
      description = "most events a watch holds for a client that does not read; past it the stream ends and the"
          + " client resumes from its last resourceVersion (default: ${DEFAULT-VALUE})")
  int watchQueue;

  @Override
  public Integer call() throws Exception {
    parent.setUpLogging();
    FleetGateway gateway;
    try {
      gateway = FleetGateway.start(config());
    } catch (IllegalArgumentException | java.io.IOException e) {
      spec.commandLine().getErr().println("virtrevd fleet: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
    Signals.onHangup(gateway::reloadTls);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  FleetGateway.Config config() {
    DaemonConfig host = parent.config();
    if (host.access().unixSocket() != null || host.access().unixSocketReadOnly() != null) {
      throw new ParameterException(spec.commandLine(), "the fleet gateway serves no UNIX socket");
    }
    if (watchQueue < 1) {
      throw new ParameterException(spec.commandLine(), "--watch-queue-events must be >= 1: " + watchQueue);
    }
    EtcdSettings settings;
    try {
      settings = new EtcdSettings(EtcdSettings.split(etcd), etcdCa, etcdCert, etcdKey, etcdUser, etcdPasswordFile,
          etcdTimeout);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--etcd: " + e.getMessage());
    }
    return new FleetGateway.Config(settings, host.listenHost(), host.listenPort(), host.http(), host.access(),
        watchQueue);
  }
}
