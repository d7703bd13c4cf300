package dev.gantry.activities.window;

import dev.gantry.activities.window.WindowCalculator.Blackout;
import dev.gantry.workflows.api.window.DeploymentWindowActivities;
import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.Freeze;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges an environment's deployment window at the instant the workflow gives (never this worker's
 * clock), reading its holiday calendars from this worker's file system on every call, so an edited
 * calendar counts from the next check on. No side effect: safe to retry.
 */
public class DeploymentWindowActivitiesImpl implements DeploymentWindowActivities {
  private static final Logger log = LoggerFactory.getLogger(DeploymentWindowActivitiesImpl.class);

  private final WindowCalculator calculator = new WindowCalculator();

  @Override
  public WindowDecision evaluate(WindowCheckRequest request) {
    DeploymentWindowPolicy policy = request.policy();
    if (policy == null) {
      return new WindowDecision(true, "open: no deployment window configured", null, null);
    }
    List<String> problems = new ArrayList<>(DeploymentWindowPolicies.problems(policy));
    List<Freeze> extraFreezes = request.extraFreezes() == null ? List.of() : request.extraFreezes();
    for (int i = 0; i < extraFreezes.size(); i++) {
      problems.addAll(DeploymentWindowPolicies.freezeProblems(
          extraFreezes.get(i), policy.timeZone(), "extraFreezes[" + i + "]"));
    }
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the deployment window of environment '" + request.environment() + "' is invalid: "
              + String.join("; ", problems),
          DeploymentWindowPolicies.INVALID_WINDOW_POLICY);
    }

    Instant at = Instant.ofEpochMilli(request.atEpochMillis());
    ZoneId zone = DeploymentWindowPolicies.zone(policy.timeZone());
    List<Blackout> holidays = new ArrayList<>();
    if (policy.holidayCalendars() != null) {
      for (String path : policy.holidayCalendars()) {
        holidays.addAll(HolidayCalendar.read(path)
            .blackouts(zone, WindowCalculator.searchStart(at), WindowCalculator.searchEnd(at)));
      }
    }
    WindowDecision decision = calculator.evaluate(policy, at, extraFreezes, holidays);
    log.info("window of {} at {}: {}{}", request.environment(), at,
        decision.open() ? "" : "closed: ", decision.reason()
            + (decision.open() ? "" : "; opens " + decision.nextOpenDescription()));
    return decision;
  }
}
