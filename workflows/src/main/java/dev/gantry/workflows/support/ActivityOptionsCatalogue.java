package dev.gantry.workflows.support;

import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.environment.ReleaseLookupActivities;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Every activity's timeouts and retries in the workflows module, one entry per kind of call. Workflows
 * build their stubs from here and nowhere else, so two workflows calling the same system retry it the same
 * way.
 *
 * <p>Timeouts and retry policies are not part of Temporal's replay check (only the command's kind, the
 * activity's type and its id are): an entry can change under releases in flight without
 * {@code Workflow.getVersion}. Activity names can never change that way. Cancellation types are not set here:
 * the workflows that wait for a cancellation to complete derive their options from these (see the region
 * workflow's {@code cancellable}).
 */
public final class ActivityOptionsCatalogue {
  private ActivityOptionsCatalogue() {}

  /** Activities that heartbeat while they work: a dead worker is noticed in seconds, not at the timeout. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(20);

  // ---- the plan, the approvers, the records ----

  /** Reading the policy takes milliseconds: a worker lost mid-read costs seconds, not a long timeout. */
  public static final ActivityOptions POLICY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(10))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.POLICY_REFUSED, Failures.INVALID_REQUEST)
          .build())
      .build();

  /** The approvers directory (the release's gates, a signed rollback). */
  public static final ActivityOptions DIRECTORY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.INVALID_REQUEST)
          .build())
      .build();

  /** The record of what an environment runs, written after its deploy. */
  public static final ActivityOptions RECORD = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .setDoNotRetry(Failures.UNSUPPORTED_TARGET)
          .build())
      .build();

  /**
   * The audit trail, for every workflow. Retried without a limit: the append is idempotent (keyed by the
   * event id, see {@link AuditEventIds}) and never refuses an event, so a failing append is an outage of the
   * trail's store, and a workflow waits for its record rather than act unrecorded or fail for want of one.
   * (The environment workflows used to give up after 5 attempts and the others never did; the trail is the
   * evidence, so none gives up now.)
   */
  public static final ActivityOptions AUDIT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofMinutes(1))
          .build())
      .build();

  /** A notification is a courtesy: a few tries, and it never fails a release. */
  public static final ActivityOptions NOTIFY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumAttempts(5)
          .build())
      .build();

  /** The environment locks' question whether a holder still runs. */
  public static final ActivityOptions LOCK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
      .build();

  // ---- gates ----

  public static final ActivityOptions QUALITY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumAttempts(3)
          .setDoNotRetry(QualityGateActivities.INVALID_POLICY)
          .build())
      .build();

  public static final ActivityOptions CHANGE_BOARD = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(3))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(5))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(5))
          .setMaximumAttempts(10)
          .setDoNotRetry(ChangeBoardActivities.INVALID_POLICY, ChangeBoardActivities.CREDENTIAL_MISSING,
              ChangeBoardActivities.REFUSED, ChangeBoardActivities.UNSUPPORTED)
          .build())
      .build();

  public static final ActivityOptions WINDOW = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .setDoNotRetry(Failures.INVALID_WINDOW_POLICY)
          .build())
      .build();

  /**
   * Split (the release's required-flags gate, flag ramps, experiments): 429/5xx retried with backoff for
   * about 10 minutes; a refusal or unusable settings never. The activities heartbeat, so a lost worker costs
   * seconds. (The release's gate used to retry 8 times without a heartbeat timeout, the flag workflows 10
   * times with one: the same API deserves the same patience.)
   */
  public static final ActivityOptions SPLIT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setHeartbeatTimeout(Duration.ofSeconds(10))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(2))
          .setMaximumAttempts(10)
          .setDoNotRetry(FeatureFlagActivities.INVALID_SETTINGS, FeatureFlagActivities.CREDENTIAL_MISSING,
              FeatureFlagActivities.REFUSED, FeatureFlagActivities.NOT_FOUND)
          .build())
      .build();

  /** Metric reads of flag ramps: a few tries; an unreadable metric makes the analysis inconclusive. */
  public static final ActivityOptions FLAG_METRICS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setHeartbeatTimeout(Duration.ofSeconds(10))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumAttempts(4)
          .setDoNotRetry(FlagAnalysisActivities.INVALID)
          .build())
      .build();

  // ---- signing ----

  /** Hashing and signing a 1 GiB artifact takes seconds; a registry or KMS may be slow. */
  public static final ActivityOptions SIGN = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(15))
      .setHeartbeatTimeout(HEARTBEAT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.SIGNATURE_REJECTED, Failures.ARTIFACT_DIGEST_MISMATCH, Failures.INVALID_REQUEST)
          .build())
      .build();

  /** A rejected signature is never retried: the same bytes and keys give the same answer. */
  public static final ActivityOptions VERIFY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(10))
      .setHeartbeatTimeout(HEARTBEAT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.SIGNATURE_REJECTED, Failures.ARTIFACT_DIGEST_MISMATCH, Failures.INVALID_REQUEST)
          .build())
      .build();

  // ---- deploys ----

  public static final ActivityOptions DEPLOY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(10))
      .setScheduleToCloseTimeout(Duration.ofMinutes(30))
      .setHeartbeatTimeout(HEARTBEAT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.ARTIFACT_DIGEST_MISMATCH, Failures.UNSUPPORTED_TARGET)
          .build())
      .build();

  /** A rollback must get through: it is retried far longer than a deploy. */
  public static final ActivityOptions ROLLBACK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setScheduleToCloseTimeout(Duration.ofHours(1))
      .setHeartbeatTimeout(HEARTBEAT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(2))
          .setDoNotRetry(Failures.UNSUPPORTED_TARGET)
          .build())
      .build();

  /**
   * A progressive rollout's traffic weights and dark launch. As long as a deploy: on Kubernetes a step waits for
   * pods to roll out (the target bounds that wait below 10 minutes); a lost worker shows by its heartbeat.
   */
  public static final ActivityOptions TRAFFIC_WEIGHTS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(10))
      .setScheduleToCloseTimeout(Duration.ofMinutes(30))
      .setHeartbeatTimeout(HEARTBEAT)
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(8)
          .setDoNotRetry(Failures.ARTIFACT_DIGEST_MISMATCH, Failures.UNSUPPORTED_TARGET,
              Failures.INVALID_REQUEST, Failures.AWS_ACCESS_DENIED)
          .build())
      .build();

  /** A canary step's analysis: reads metrics, changes nothing. */
  public static final ActivityOptions CANARY_ANALYSIS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(4)
          .setDoNotRetry(Failures.INVALID_REQUEST)
          .build())
      .build();

  /**
   * One health check of a region (after a deploy, in a canary step, of a promotion's source), retried as
   * its config says; a lost worker times out by heartbeat, a hung check by start-to-close.
   */
  public static ActivityOptions healthCheck(HealthCheck check) {
    Duration interval = Duration.ofSeconds(Math.max(1, check.intervalSecondsOrDefault()));
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(check.timeoutSecondsOrDefault() + 10L))
        .setHeartbeatTimeout(HEARTBEAT)
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(interval)
            .setBackoffCoefficient(1.0)
            .setMaximumAttempts(Math.max(1, check.attemptsOrDefault()))
            .setDoNotRetry(Failures.UNSUPPORTED_TARGET, Failures.INVALID_REQUEST)
            .build())
        .build();
  }

  // ---- environments ----

  /** Reads and writes of the config store, the registry and the regions' state. */
  public static final ActivityOptions ENVIRONMENT_STORE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.UNSUPPORTED_TARGET, Failures.INVALID_REQUEST, Failures.AWS_ACCESS_DENIED,
              ReleaseLookupActivities.CANNOT_CHECK)
          .build())
      .build();

  /**
   * A destroy waits for the traffic owner to have stopped before it drains: asked again every few seconds for two
   * minutes (the owner of a signed environment first checks that the destroy is approved).
   */
  public static final ActivityOptions OWNER_STOP = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setScheduleToCloseTimeout(Duration.ofMinutes(2))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(1.5)
          .setMaximumInterval(Duration.ofSeconds(5))
          .build())
      .build();

  /** Stack creation and deletion: long, heartbeating (a dead worker is noticed within a minute). */
  public static final ActivityOptions STACKS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(2))
      .setHeartbeatTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.UNSUPPORTED_TARGET, Failures.INVALID_REQUEST, Failures.AWS_ACCESS_DENIED,
              Failures.REGION_FAILED)
          .build())
      .build();

  // ---- failover and traffic ----

  /** A failover's health reading is cheap and the next poll comes soon: a few quick attempts, then "unknown". */
  public static final ActivityOptions FAILOVER_HEALTH = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(10))
          .setMaximumAttempts(3)
          .setDoNotRetry(Failures.AWS_ACCESS_DENIED, Failures.INVALID_REQUEST)
          .build())
      .build();

  /** Moving traffic off a sick region must get through (users are hitting it): retried for half an hour. */
  public static final ActivityOptions FAILOVER_SHIFT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setScheduleToCloseTimeout(Duration.ofMinutes(30))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setDoNotRetry(Failures.AWS_ACCESS_DENIED, Failures.INVALID_REQUEST, Failures.AWS_RESOURCE_MISSING)
          .build())
      .build();

  /** The traffic owner's health reading, once per region and round: a few quick attempts, then "unknown". */
  public static final ActivityOptions TRAFFIC_HEALTH = ActivityOptions.newBuilder(FAILOVER_HEALTH)
      .setHeartbeatTimeout(Duration.ofSeconds(30))
      .build();

  /**
   * The traffic owner's compare-and-set is one read, one batch, one read: retried for a few minutes on errors,
   * then the next round tries again (a refusal is an answer, not an error).
   */
  public static final ActivityOptions TRAFFIC_SET = ActivityOptions.newBuilder(FAILOVER_SHIFT)
      .setHeartbeatTimeout(Duration.ofSeconds(30))
      .setScheduleToCloseTimeout(Duration.ofMinutes(5))
      .build();
}
