package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.RegionFailovers;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.traffic.RegionTraffic;
import dev.gantry.workflows.api.traffic.RegionTrafficState;
import dev.gantry.workflows.api.traffic.TrafficDecision;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "region", mixinStandardHelpOptions = true,
    description = "Regional traffic: one owner per DNS name watches every region, drains, fails over and back.",
    subcommands = {RegionCommand.Watch.class, RegionCommand.Drain.class, RegionCommand.Failover.class,
        RegionCommand.Failback.class, RegionCommand.Status.class})
class RegionCommand {
  /** Every region command reads the environment's config (its DNS name names the owner) from the spec. */
  abstract static class OnEnvironment extends ReleaseCommand.Base {
    @Parameters(index = "0", paramLabel = "APP", description = "The application, e.g. hello-service.")
    String application;

    @Parameters(index = "1", paramLabel = "ENV", description = "The environment, e.g. production.")
    String environment;

    @Mixin EnvironmentSpecOption releaseSpec;

    EnvironmentPlan plan() {
      return releaseSpec.plan(environment);
    }

    void print(TrafficOwnerStatus status, String only) {
      if (json()) {
        Output.json(spec.commandLine().getOut(), status);
        return;
      }
      println("traffic of " + status.recordName() + " (" + status.application() + "/" + status.environment() + ")"
          + (status.stopped() ? ": STOPPED" : "") + ": weights " + status.weights());
      println("  owner: " + dev.gantry.workflows.api.release.ReleaseIds.traffic(status.application(), status.recordName()));
      if (status.failClosed() != null) {
        println("  FAIL CLOSED: " + status.failClosed());
      }
      if (status.writeProblem() != null) {
        println("  NOT APPLIED: " + status.writeProblem());
      }
      for (RegionTraffic region : status.regions()) {
        if (only != null && !only.equals(region.region())) {
          continue;
        }
        println("  " + region.region() + ": " + region.state()
            + (region.healthy() == null ? "" : region.healthy() ? " (healthy)" : " (UNHEALTHY)")
            + (region.weight() == null ? "" : " weight " + region.weight()));
        if (region.healthDetail() != null) {
          println("    health:      " + region.healthDetail());
        }
        if (region.since() != null) {
          println("    " + (region.state() == RegionTrafficState.DRAINED ? "drained:     " : "failed over: ")
              + region.since() + " by " + region.by() + " (" + region.because() + ")");
        }
        if (region.waitingFor() != null) {
          println("    waiting for: " + region.waitingFor());
        }
      }
      if (status.conflicts() > 0) {
        println("  " + status.conflicts() + " compare-and-set(s) refused in this run (Route 53 changed under the"
            + " owner); see --output json log");
      }
    }

    int report(TrafficDecision decision, RegionTrafficState wanted) {
      if (json()) {
        Output.json(spec.commandLine().getOut(), decision);
      } else {
        println(decision.region() + ": " + decision.state() + ": " + decision.detail());
      }
      return decision.state() == wanted ? GantryCli.OK : GantryCli.FAILED;
    }
  }

  abstract static class OnRegion extends OnEnvironment {
    @Parameters(index = "2", paramLabel = "REGION", description = "The region, e.g. us-west-2.")
    String region;
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = "Start the traffic owner of ENV's DNS name: it reads every region and keeps the Route 53"
          + " weights to the rules (no-op if it runs).")
  static class Watch extends OnEnvironment {
    @Parameters(index = "2", arity = "0..1", paramLabel = "REGION",
        description = "Ignored (the owner watches every region); accepted for old scripts.")
    String region;

    @Option(names = "--poll", defaultValue = "30", description = "Seconds between health readings (default ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Override
    public Integer call() {
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        String id = new RegionFailovers(gantry.workflowClient()).watch(application, plan, pollSeconds);
        if (json()) {
          Output.json(spec.commandLine().getOut(), java.util.Map.of("workflowId", id, "watching", true));
        } else {
          println("traffic owner " + id + " runs; `gantry region status " + application + " " + environment
              + "` shows it");
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "drain", mixinStandardHelpOptions = true,
      description = "Move a region's traffic to the serving regions now, healthy or not; it stays at 0 until an"
          + " approved failback (starts the owner if needed). Signed with your signingKey if you have one (needed"
          + " where the environment requires signed actors).")
  static class Drain extends OnRegion {
    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER).")
    String by;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail.")
    String reason;

    @Option(names = "--poll", defaultValue = "30", description = "Seconds between health readings if the owner"
        + " is started now (default ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Override
    public Integer call() {
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        return report(gantry.traffic().drain(application, plan, region, who(by), reason, pollSeconds), RegionTrafficState.DRAINED);
      }
    }
  }

  @Command(name = "failover", mixinStandardHelpOptions = true,
      description = "The same as drain (kept for old scripts).")
  static class Failover extends Drain {}

  @Command(name = "failback", mixinStandardHelpOptions = true,
      description = "Approve giving a failed-over or drained region its traffic back (refused while it is"
          + " unhealthy). Signed with your signingKey if you have one (needed where the environment requires signed"
          + " actors).")
  static class Failback extends OnRegion {
    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who approves.")
    String approver;

    @Option(names = "--comment", description = "Why it is safe; kept in the audit trail.")
    String comment;

    @Override
    public Integer call() {
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        return report(gantry.traffic().failback(application, plan, region, approver, comment), RegionTrafficState.SERVING);
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "The owner's weights and every region's state, health and what it waits for.")
  static class Status extends OnEnvironment {
    @Parameters(index = "2", arity = "0..1", paramLabel = "REGION", description = "Show only this region.")
    String region;

    @Override
    public Integer call() {
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        print(new RegionFailovers(gantry.workflowClient()).status(application, plan), region);
        return GantryCli.OK;
      }
    }
  }
}
