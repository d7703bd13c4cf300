package dev.gantry.starter.cli;

import dev.gantry.starter.client.Environments;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.environment.DecommissionResult;
import dev.gantry.workflows.api.environment.DriftItem;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.ProvisionResult;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "env", mixinStandardHelpOptions = true,
    description = "Environments: drift checks, creation, destruction (with approval).",
    subcommands = {EnvCommand.Drift.class, EnvCommand.Create.class, EnvCommand.Destroy.class,
        EnvCommand.Approve.class})
class EnvCommand {
  abstract static class OnEnvironment extends ReleaseCommand.Base {
    @Parameters(index = "0", paramLabel = "ENV", description = "The environment, e.g. staging.")
    String environment;

    @Mixin EnvironmentSpecOption releaseSpec;

    String application() {
      return releaseSpec.application();
    }

    EnvironmentPlan plan() {
      return releaseSpec.plan(environment);
    }
  }

  @Command(name = "drift", mixinStandardHelpOptions = true,
      description = "Compare ENV's declared state (recorded versions, config parameters, traffic weights) with"
          + " what its target has. Exit 0: no drift; 1: drift found (or the check failed); 2: usage error."
          + " With --schedule: create or update the schedule that runs the check every interval instead.")
  static class Drift extends OnEnvironment {
    @Option(names = "--schedule", description = "Create/update the schedule drift/<app>/<env> instead of checking now.")
    boolean schedule;

    @Option(names = "--every", description = "Schedule interval (default: lifecycle.drift.intervalMinutes, else 60 min),"
        + " e.g. PT15M.")
    Duration every;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "How long to wait for the check (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      String application = application();
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        Environments environments = new Environments(gantry.workflowClient());
        if (schedule) {
          Duration interval = every != null ? every : Duration.ofMinutes(plan.environmentConfig() == null
              || plan.environmentConfig().drift() == null ? 60 : plan.environmentConfig().drift().intervalMinutesOrDefault());
          String id = environments.scheduleDrift(application, plan, interval);
          if (json()) {
            Output.json(spec.commandLine().getOut(), Map.of("scheduleId", id, "every", interval.toString()));
          } else {
            println("schedule " + id + " checks " + environment + " for drift every " + interval);
          }
          return GantryCli.OK;
        }
        DriftReport report = environments.checkDrift(application, plan, who(null), timeout);
        if (json()) {
          Output.json(spec.commandLine().getOut(), report);
        } else if (!report.drifted()) {
          println(environment + ": no drift (declared version " + report.declaredVersion() + ", checked "
              + report.checkedAt() + ")");
        } else {
          println(environment + ": DRIFT, " + report.differences().size() + " difference(s) (checked "
              + report.checkedAt() + ")");
          println(String.format("  %-10s %-16s %-24s %-30s %s", "KIND", "REGION", "KEY", "EXPECTED", "ACTUAL"));
          for (DriftItem item : report.differences()) {
            println(String.format("  %-10s %-16s %-24s %-30s %s", item.kind(), item.region() == null ? "-" : item.region(),
                item.key(), item.expected(), item.actual()));
          }
        }
        return report.drifted() ? GantryCli.FAILED : GantryCli.OK;
      }
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create ENV's infrastructure (a CloudFormation stack per region, or the local folders) and"
          + " register it; an ephemeral environment (lifecycle.ttlHours) gets its expiry schedule.")
  static class Create extends OnEnvironment {
    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER).")
    String by;

    @Option(names = "--timeout", defaultValue = "PT2H", description = "How long to wait (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      String application = application();
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        ProvisionResult result = new Environments(gantry.workflowClient()).create(application, plan, who(by), timeout);
        if (json()) {
          Output.json(spec.commandLine().getOut(), result);
        } else {
          println("created " + environment + ": registered at " + result.registeredAt()
              + (result.expiresAt() == null ? "" : "; expires " + result.expiresAt()));
          result.stacks().forEach(stack -> println(String.format("  %-16s %-22s %s", stack.region(), stack.status(),
              stack.id() == null ? "" : stack.id())));
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "destroy", mixinStandardHelpOptions = true,
      description = "Destroy ENV: refused while a release runs there or it serves traffic (unless --drain); waits"
          + " for approval (`gantry env approve`), drains, deletes the stacks, archives the audit trail.")
  static class Destroy extends OnEnvironment {
    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER); may not approve it.")
    String by;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail.")
    String reason;

    @Option(names = "--drain", description = "Set the environment's traffic weights to 0 before deleting.")
    boolean drain;

    @Option(names = "--wait", description = "Wait until it is destroyed or refused; exit 1 if refused.")
    boolean waitForEnd;

    @Option(names = "--timeout", defaultValue = "PT72H", description = "How long --wait waits (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      String application = application();
      EnvironmentPlan plan = plan();
      try (GantryClient gantry = connection.connect()) {
        Environments environments = new Environments(gantry.workflowClient());
        String id = environments.startDestroy(application, plan, who(by), reason, drain);
        if (!waitForEnd) {
          if (json()) {
            Map<String, Object> started = new LinkedHashMap<>();
            started.put("workflowId", id);
            Output.json(spec.commandLine().getOut(), started);
          } else {
            println("started " + id + "; approve: gantry env approve " + environment + " --spec " + releaseSpec.specFile
                + " --as <approver>");
          }
          return GantryCli.OK;
        }
        DecommissionResult result = environments.awaitDestroy(application, environment, timeout);
        if (json()) {
          Output.json(spec.commandLine().getOut(), result);
        } else {
          println(environment + ": " + result.state() + ": " + result.detail());
        }
        return "DESTROYED".equals(result.state()) ? GantryCli.OK : GantryCli.FAILED;
      }
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve destroying ENV.")
  static class Approve extends OnEnvironment {
    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who approves.")
    String approver;

    @Option(names = "--comment", description = "Why it is safe; kept in the audit trail.")
    String comment;

    @Override
    public Integer call() {
      String application = application();
      try (GantryClient gantry = connection.connect()) {
        var decision = new Environments(gantry.workflowClient()).approveDestroy(application, environment, approver,
            comment, gantry.signer());
        if (json()) {
          Output.json(spec.commandLine().getOut(), decision);
        } else {
          println("destroying " + environment + ": " + decision.detail());
        }
        return GantryCli.OK;
      }
    }
  }
}
