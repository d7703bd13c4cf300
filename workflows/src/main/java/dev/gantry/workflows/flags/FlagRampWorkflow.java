package dev.gantry.workflows.flags;

import dev.gantry.workflows.api.flags.AbortSignal;
import dev.gantry.workflows.api.flags.FlagRampRequest;
import dev.gantry.workflows.api.flags.FlagRampStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One flag's rollout in one environment: the treatment's share goes up step by step (10% -> 50% -> 100%),
 * each step bakes and is analysed; a bad metric, three inconclusive analyses in a row or an abort set
 * the flag back to 0% and end the workflow failed ({@link #STOPPED}).
 * Id: {@code flag-ramp/<app>/<flag>/<env>}.
 */
@WorkflowInterface
public interface FlagRampWorkflow {
  /** Failure type of a ramp that stopped and set its flag back to 0%. */
  String STOPPED = "FlagRampStopped";

  @WorkflowMethod(name = "FlagRamp")
  FlagRampStatus run(FlagRampRequest request);

  @QueryMethod(name = "status")
  FlagRampStatus status();

  @SignalMethod(name = "abort")
  void abort(AbortSignal signal);
}
