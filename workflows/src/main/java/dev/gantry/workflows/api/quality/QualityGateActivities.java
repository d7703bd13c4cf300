package dev.gantry.workflows.api.quality;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The quality gate port: reads the coverage and security reports named by an environment's policy and
 * compares them with its thresholds.
 */
@ActivityInterface(namePrefix = "QualityGate.")
public interface QualityGateActivities {

  /** The policy cannot be evaluated as written (no rule, unknown format, a threshold without a report). */
  String INVALID_POLICY = "InvalidQualityGatePolicy";

  /**
   * Evaluates the gate. Missed thresholds and missing, unreadable or malformed reports are returned as
   * problems in a result with {@code passed = false}; the gate never passes on a report it could not read.
   * Only a policy that cannot be evaluated at all fails the activity, non-retryably, with type
   * {@link #INVALID_POLICY}. Reading files has no side effects, so the activity is safe to retry.
   */
  @ActivityMethod(name = "QualityGate.evaluate")
  QualityGateResult evaluate(QualityGateRequest request);
}
