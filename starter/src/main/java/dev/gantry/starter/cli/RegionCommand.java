package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.RegionFailovers;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.traffic.FailoverDecision;
import dev.gantry.workflows.api.traffic.FailoverState;
import dev.gantry.workflows.api.traffic.RegionFailoverStatus;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "region", mixinStandardHelpOptions = true,
    description = "Regional failover: watch a region, move its traffic away, approve giving it back.",
    subcommands = {RegionCommand.Watch.class, RegionCommand.Failover.class, RegionCommand.Failback.class,
        RegionCommand.Status.class})
class RegionCommand {
  abstract static class OnRegion extends ReleaseCommand.Base {
    @Parameters(index = "0", paramLabel = "APP", description = "The application, e.g. hello-service.")
    String application;

    @Parameters(index = "1", paramLabel = "ENV", description = "The environment, e.g. production.")
    String environment;

    @Parameters(index = "2", paramLabel = "REGION", description = "The region, e.g. us-west-2.")
    String region;

    void print(RegionFailoverStatus status) {
      if (json()) {
        Output.json(spec.commandLine().getOut(), status);
        return;
      }
      println(status.region() + " of " + status.application() + "/" + status.environment() + ": " + status.state()
          + (status.healthy() == null ? "" : status.healthy() ? " (healthy)" : " (UNHEALTHY)"));
      if (status.healthDetail() != null) {
        println("  health:      " + status.healthDetail());
      }
      if (!status.weights().isEmpty()) {
        println("  weights:     " + status.weights());
      }
      if (status.failedOverAt() != null) {
        println("  failed over: " + status.failedOverAt() + " (" + status.failedOverBecause() + ")");
      }
      if (status.waitingFor() != null) {
        println("  waiting for: " + status.waitingFor());
      }
    }

    int report(FailoverDecision decision, FailoverState wanted) {
      if (json()) {
        Output.json(spec.commandLine().getOut(), decision);
      } else {
        println(decision.region() + ": " + decision.state() + ": " + decision.detail());
      }
      return decision.state() == wanted ? GantryCli.OK : GantryCli.FAILED;
    }

    static String who(String given) {
      return given != null ? given : System.getenv().getOrDefault("USER", "unknown");
    }
  }

  /** Commands that may have to start the watch: they read the environment's config from the release spec. */
  abstract static class WithConfig extends OnRegion {
    @Option(names = "--spec", defaultValue = "release.yaml",
        description = "The release spec whose environments hold ENV's config.yaml (default ${DEFAULT-VALUE}).")
    Path specFile;

    @Option(names = "--poll", defaultValue = "30", description = "Seconds between health readings (default ${DEFAULT-VALUE}).")
    int pollSeconds;

    /** Read before connecting: a broken config is a usage error (exit 2), whatever the server does. */
    EnvironmentPlan plan() {
      return new ReleaseSpecLoader().loadEnvironment(specFile, environment);
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = "Start watching a region: while it is unhealthy its traffic goes to the healthy regions.")
  static class Watch extends WithConfig {
    @Override
    public Integer call() {
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        RegionFailovers failovers = new RegionFailovers(gantry.workflowClient());
        String id = failovers.watch(application, plan, region, pollSeconds);
        if (json()) {
          Output.json(spec.commandLine().getOut(), java.util.Map.of("workflowId", id, "watching", true));
        } else {
          println("watching " + region + " (" + id + "); `gantry region status " + application + " " + environment
              + " " + region + "` shows it");
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "failover", mixinStandardHelpOptions = true,
      description = "Move a region's traffic to the healthy regions now (starts the watch if needed).")
  static class Failover extends WithConfig {
    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER).")
    String by;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail.")
    String reason;

    @Override
    public Integer call() {
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        RegionFailovers failovers = new RegionFailovers(gantry.workflowClient());
        failovers.watch(application, plan, region, pollSeconds);
        return report(failovers.failover(application, environment, region, who(by), reason),
            FailoverState.FAILED_OVER);
      }
    }
  }

  @Command(name = "failback", mixinStandardHelpOptions = true,
      description = "Approve giving a recovered region its traffic back (refused while it is unhealthy).")
  static class Failback extends OnRegion {
    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who approves.")
    String approver;

    @Option(names = "--comment", description = "Why it is safe; kept in the audit trail.")
    String comment;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        return report(new RegionFailovers(gantry.workflowClient())
            .failback(application, environment, region, approver, comment), FailoverState.WATCHING);
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Where a region's watch is: health, weights, what it waits for.")
  static class Status extends OnRegion {
    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        RegionFailoverStatus status = new RegionFailovers(gantry.workflowClient()).status(application, environment,
            region);
        print(status);
        return GantryCli.OK;
      }
    }
  }
}
