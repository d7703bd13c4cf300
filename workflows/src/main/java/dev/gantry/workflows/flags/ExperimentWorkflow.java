package dev.gantry.workflows.flags;

import dev.gantry.workflows.api.flags.AbortSignal;
import dev.gantry.workflows.api.flags.ExperimentDecision;
import dev.gantry.workflows.api.flags.ExperimentRequest;
import dev.gantry.workflows.api.flags.ExperimentStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An A/B test: split the flag's traffic, wait durably until every treatment has its sample (or the
 * maximum duration ends), compare each treatment with the control, then keep the winner at 100% or roll
 * back to the control, automatically or by a person's decision. Id: {@code experiment/<app>/<name>/<env>}.
 */
@WorkflowInterface
public interface ExperimentWorkflow {
  @WorkflowMethod(name = "Experiment")
  ExperimentStatus run(ExperimentRequest request);

  @QueryMethod(name = "status")
  ExperimentStatus status();

  /** A person's decision; refused (nothing written to history) unless the experiment awaits one. */
  @UpdateMethod(name = "decide")
  ExperimentStatus decide(ExperimentDecision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecide(ExperimentDecision decision);

  /** Ends the experiment at once and gives the control 100%. */
  @SignalMethod(name = "abort")
  void abort(AbortSignal signal);
}
