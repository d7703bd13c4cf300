package dev.gantry.workflows.api.window;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The deployment window gate: judges whether an environment's window is open at an instant. Reads the
 * holiday calendars, so it is an activity; it has no side effect and judges the instant it is given,
 * so a retry returns the same decision.
 */
@ActivityInterface(namePrefix = "DeploymentWindow.")
public interface DeploymentWindowActivities {

  /**
   * Fails non-retryably (type {@link DeploymentWindowPolicies#INVALID_WINDOW_POLICY}) when the policy
   * or an extra freeze is invalid, or a holiday calendar cannot be read or parsed: the gate fails
   * closed, it never treats a broken calendar as "no holidays".
   */
  @ActivityMethod(name = "DeploymentWindow.evaluate")
  WindowDecision evaluate(WindowCheckRequest request);
}
