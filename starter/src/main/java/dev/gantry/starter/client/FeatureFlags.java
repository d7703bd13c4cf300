package dev.gantry.starter.client;

import dev.gantry.workflows.api.flags.AbortSignal;
import dev.gantry.workflows.api.flags.ExperimentDecision;
import dev.gantry.workflows.api.flags.ExperimentDefinition;
import dev.gantry.workflows.api.flags.ExperimentRequest;
import dev.gantry.workflows.api.flags.ExperimentStatus;
import dev.gantry.workflows.api.flags.FlagIds;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampRequest;
import dev.gantry.workflows.api.flags.FlagRampStatus;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.flags.ExperimentWorkflow;
import dev.gantry.workflows.flags.FlagRampWorkflow;
import dev.gantry.workflows.release.FailureReasons;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import java.util.function.Supplier;

/**
 * Flag ramps ({@code flag-ramp/<app>/<flag>/<env>}) and experiments ({@code experiment/<app>/<name>/<env>}):
 * start, read, abort, decide. The Split settings and definitions come from the environment's config.
 */
public class FeatureFlags {
  private final WorkflowClient client;

  public FeatureFlags(WorkflowClient client) {
    this.client = client;
  }

  /** The environment's flags section, or a usage error naming the fix. */
  public static FlagPolicy policyOf(EnvironmentPlan environment) {
    if (environment.flags() == null) {
      throw new IllegalArgumentException(environment.name() + " has no `flags:` section in its config.yaml: add"
          + " `flags: {split: {workspaceId: ..., environment: ..., adminApiKeyEnv: SPLIT_ADMIN_API_KEY}, ...}`");
    }
    return environment.flags();
  }

  /** Starts the ramp; refuses if one of the same flag is running in the environment. Returns the id. */
  public String startRamp(String application, EnvironmentPlan environment, FlagRampPlan plan, String by) {
    FlagPolicy policy = policyOf(environment);
    FlagRampRequest request = new FlagRampRequest(application, environment.name(), policy.split(),
        policy.metricsUrl(), plan, by, null);
    FlagRampWorkflow ramp = client.newWorkflowStub(FlagRampWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE)
        .setStaticSummary("flag ramp of " + plan.flag() + " in " + environment.name() + " " + plan.stepsOrDefault())
        .build());
    try {
      WorkflowClient.start(ramp::run, request);
    } catch (WorkflowExecutionAlreadyStarted running) {
      throw new GantryException("a ramp of " + plan.flag() + " is already running in " + environment.name()
          + ": `gantry flags status " + application + " " + environment.name() + " " + plan.flag() + "`");
    }
    return request.workflowId();
  }

  public FlagRampStatus rampStatus(String application, String environment, String flag) {
    String id = FlagIds.ramp(application, flag, environment);
    Workers.require(client, TaskQueues.RELEASE, "the status of " + id);
    return call(id, () -> client.newWorkflowStub(FlagRampWorkflow.class, id).status());
  }

  public void abortRamp(String application, String environment, String flag, String by, String reason) {
    String id = FlagIds.ramp(application, flag, environment);
    call(id, () -> {
      client.newWorkflowStub(FlagRampWorkflow.class, id).abort(new AbortSignal(by, reason));
      return null;
    });
  }

  /** The experiment named in the environment's flags.experiments, or a usage error listing the names. */
  public static ExperimentDefinition experimentOf(EnvironmentPlan environment, String name) {
    FlagPolicy policy = policyOf(environment);
    return policy.experimentsOrEmpty().stream().filter(e -> e.name().equals(name))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no experiment '" + name + "' in "
            + environment.name() + "'s flags.experiments (" + String.join(", ", policy.experimentsOrEmpty().stream()
                .map(ExperimentDefinition::name).toList()) + ")"));
  }

  public String startExperiment(String application, EnvironmentPlan environment, String name, String by) {
    FlagPolicy policy = policyOf(environment);
    ExperimentDefinition definition = experimentOf(environment, name);
    ExperimentRequest request = new ExperimentRequest(application, environment.name(), policy.split(),
        policy.metricsUrl(), definition, by);
    ExperimentWorkflow experiment = client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE)
        .setStaticSummary("experiment " + name + " on " + definition.flag() + " in " + environment.name()).build());
    try {
      WorkflowClient.start(experiment::run, request);
    } catch (WorkflowExecutionAlreadyStarted running) {
      throw new GantryException("experiment " + name + " is already running in " + environment.name()
          + ": `gantry experiment status " + application + " " + name + " " + environment.name() + "`");
    }
    return request.workflowId();
  }

  public ExperimentStatus experimentStatus(String application, String name, String environment) {
    String id = FlagIds.experiment(application, name, environment);
    Workers.require(client, TaskQueues.RELEASE, "the status of " + id);
    return call(id, () -> client.newWorkflowStub(ExperimentWorkflow.class, id).status());
  }

  public ExperimentStatus decide(String application, String name, String environment, ExperimentDecision decision) {
    String id = FlagIds.experiment(application, name, environment);
    Workers.require(client, TaskQueues.RELEASE, "the decision on " + id);
    return call(id, () -> {
      try {
        return client.newWorkflowStub(ExperimentWorkflow.class, id).decide(decision);
      } catch (WorkflowUpdateException refused) {
        throw new GantryException("the decision was refused: " + FailureReasons.of(refused));
      }
    });
  }

  public void abortExperiment(String application, String name, String environment, String by, String reason) {
    String id = FlagIds.experiment(application, name, environment);
    call(id, () -> {
      client.newWorkflowStub(ExperimentWorkflow.class, id).abort(new AbortSignal(by, reason));
      return null;
    });
  }

  private static <T> T call(String id, Supplier<T> call) {
    try {
      return call.get();
    } catch (WorkflowNotFoundException missing) {
      throw new GantryException("no workflow " + id + " (check the application, environment and name)");
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new GantryException("no workflow " + id + " (check the application, environment and name)");
      }
      throw new GantryException("Temporal refused the call for " + id + ": " + e.getStatus(), e);
    } catch (io.temporal.client.WorkflowServiceException e) {
      throw new GantryException(id + ": " + FailureReasons.of(e), e);
    }
  }
}
