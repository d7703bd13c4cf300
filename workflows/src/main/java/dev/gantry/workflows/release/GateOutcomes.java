package dev.gantry.workflows.release;

import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;

/**
 * How an automated gate ends, the same way for each (see {@link EnvironmentGates}): in the status's gate
 * checks, the timeline and the audit trail; a failed gate then stops the release with a non-retryable
 * {@link Failures#GATE_FAILED}.
 */
final class GateOutcomes {
  private final ReleaseProgress progress;
  private final Recorder recorder;

  GateOutcomes(ReleaseProgress progress, Recorder recorder) {
    this.progress = progress;
    this.recorder = recorder;
  }

  void passed(EnvironmentPlan env, String gate, String detail) {
    progress.gate(env.name(), gate, "passed", detail);
    progress.log(env.name(), null, gate + " gate passed: " + detail);
    recorder.audit("gate", null, env.name(), "passed", gate + ": " + detail);
  }

  /** The gate failed or still waits, and an accepted emergency override lets it pass. */
  void overridden(EnvironmentPlan env, String gate, String detail) {
    progress.gate(env.name(), gate, "overridden", detail);
    progress.log(env.name(), null, gate + " gate OVERRIDDEN: " + detail);
    recorder.audit("gate", null, env.name(), "overridden", gate + ": " + detail);
  }

  /** Records the failure and throws it. */
  void failed(EnvironmentPlan env, String gate, String detail) {
    progress.gate(env.name(), gate, "failed", detail);
    recorder.audit("gate", null, env.name(), "failed", gate + ": " + detail);
    throw ApplicationFailure.newNonRetryableFailure(env.name() + ": " + detail, Failures.GATE_FAILED);
  }
}
