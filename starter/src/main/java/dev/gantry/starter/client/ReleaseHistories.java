package dev.gantry.starter.client;

import dev.gantry.starter.client.GantryClient.RegionVerification;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.signing.VerificationResult;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a release's workflows recorded in their histories, where no query says it: the plan the worker
 * resolved, and each region's signature check before its deploy.
 */
final class ReleaseHistories {
  private final WorkflowClient client;
  private final ReleaseCalls calls;

  ReleaseHistories(WorkflowClient client, ReleaseCalls calls) {
    this.client = client;
    this.calls = calls;
  }

  /**
   * Each region's signature check, read from the histories of the release's region workflows (one history read
   * per region the status lists).
   */
  List<RegionVerification> regionVerifications(ReleaseStatus status) {
    List<RegionVerification> checks = new ArrayList<>();
    var converter = client.getOptions().getDataConverter();
    for (var env : status.environments()) {
      for (var region : env.regions()) {
        if (region.state() == RegionState.PENDING) {
          continue;
        }
        String child = ReleaseIds.region(status.releaseId(), env.environment(), region.region());
        String outcome = "not required";
        String keyId = null;
        String at = null;
        String detail = null;
        try {
          Set<Long> verifies = new HashSet<>();
          for (var event : client.fetchHistory(child).getHistory().getEventsList()) {
            if (event.hasActivityTaskScheduledEventAttributes() && event.getActivityTaskScheduledEventAttributes()
                .getActivityType().getName().equals("Signing.verify")) {
              verifies.add(event.getEventId());
              outcome = "running";
            } else if (event.hasActivityTaskCompletedEventAttributes()
                && verifies.contains(event.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
              var result = converter.fromPayloads(0, Optional.of(
                  event.getActivityTaskCompletedEventAttributes().getResult()),
                  VerificationResult.class, VerificationResult.class);
              outcome = "pass";
              keyId = result == null ? null : result.keyId();
              detail = result == null ? null : MessageLimits.cut(result.detail(), ReleaseExecution.REASON_CHARS);
              at = timeOf(event);
            } else if (event.hasActivityTaskFailedEventAttributes()
                && verifies.contains(event.getActivityTaskFailedEventAttributes().getScheduledEventId())) {
              outcome = "fail";
              detail = MessageLimits.cut(event.getActivityTaskFailedEventAttributes().getFailure().getMessage(),
                  ReleaseExecution.REASON_CHARS);
              at = timeOf(event);
            }
          }
        } catch (RuntimeException unreadable) {
          outcome = "unknown";
          detail = "the history of " + child + " could not be read";
        }
        checks.add(new RegionVerification(env.environment(), region.region(), outcome, keyId, at, detail));
      }
    }
    return checks;
  }

  private static String timeOf(HistoryEvent event) {
    return Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos()).toString();
  }

  /**
   * The plan the release ran, from its history: the result of its {@code Policy.resolvePlan} activity (what
   * the worker's policy decided), or, for a release started before policy, its input.
   */
  ReleaseRequest plan(String id) {
    return calls.onRelease(id, "history", () -> {
      var converter = client.getOptions().getDataConverter();
      var events = client.fetchHistory(id).getHistory().getEventsList();
      Set<Long> planActivities = new HashSet<>();
      for (var event : events) {
        if (event.hasActivityTaskScheduledEventAttributes()
            && event.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("Policy.resolvePlan")) {
          planActivities.add(event.getEventId());
        } else if (event.hasActivityTaskCompletedEventAttributes()
            && planActivities.contains(event.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
          return converter.fromPayloads(0, Optional.of(
              event.getActivityTaskCompletedEventAttributes().getResult()), ReleaseRequest.class, ReleaseRequest.class);
        }
      }
      var started = events.get(0).getWorkflowExecutionStartedEventAttributes();
      ReleaseRequest input = converter.fromPayloads(0, Optional.of(started.getInput()), ReleaseRequest.class,
          ReleaseRequest.class);
      if (input == null || !input.isPlan() || !planActivities.isEmpty()) {
        throw new GantryException("release " + id + " has no resolved plan in its history (it was refused or is"
            + " still resolving): there is nothing to roll back");
      }
      return input;
    });
  }
}
