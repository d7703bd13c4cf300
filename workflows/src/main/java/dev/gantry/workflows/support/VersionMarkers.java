package dev.gantry.workflows.support;

import java.util.List;

/**
 * Every {@code Workflow.getVersion} change id of the workflows module, by the workflow that asks it. An id is
 * written into the histories of the workflows that ran past it: it can never be renamed, reused for another
 * change or dropped while such histories may still replay. A new change adds its id here (and to
 * {@link #ALL}); a workflow asks only ids listed here.
 */
public final class VersionMarkers {
  private VersionMarkers() {}

  // ---- the release (ReleaseWorkflowImpl and its parts) ----

  /**
   * The bounds on what clients send ({@code MessageLimits}, the caps on freezes and early overrides): a
   * release started before them decides on replay as it did, bounds off. Asked once, as the release is
   * created, before any message is handled.
   */
  public static final String BOUNDED_INPUT = "bounded-input";
  /**
   * Signed actors: JWS tokens on every message of a signed release, identities compared as keys, one-time
   * ids. Asked once as the release is created, like {@link #BOUNDED_INPUT}.
   */
  public static final String SIGNED_ACTORS = "signed-actors";
  /** The plan comes from the worker's policy; histories recorded before took it from the input. */
  public static final String PLAN_FROM_POLICY = "plan-from-policy";
  /** Releases started before this change neither sign nor verify. */
  public static final String SIGNATURE_GATES = "artifact-signature-gates";
  /**
   * The sign activity gets the workflow's time and signs it into the provenance, instead of the worker's
   * clock. Asked only by releases that sign, right before the sign activity.
   */
  public static final String TRUSTED_SIGNING_TIME = "trusted-signing-time";
  /** One release per application and environment at a time changes it (releases started before: no lock). */
  public static final String ENVIRONMENT_LOCK = "environment-lock";
  /** A lock's answer is a hint: the release believes the lock's own state (activity Locks.state), not the signal. */
  public static final String LOCK_ANSWERS_CHECKED = "lock-answers-checked";
  /** The lock acts on a request or a release only when the release's run says the same (activity Locks.claims). */
  public static final String LOCK_CLAIMS_CHECKED = "lock-claims-checked";
  /**
   * The feature flag stages (required flags before the deploy, ramps after it). Asked only for environments
   * with a {@code flags} section.
   */
  public static final String FEATURE_FLAGS = "feature-flags";
  /** The source check of a promotion, asked only by promotions. */
  public static final String PROMOTION_SOURCE_CHECK = "promotion-source-check";
  /** The environment's configuration, asked only where {@code applyConfig: true}. */
  public static final String ENVIRONMENT_CONFIG = "environment-config";
  /** The maxParallelRegions limit within a wave, asked only where a wave is larger than the limit. */
  public static final String MAX_PARALLEL_REGIONS = "max-parallel-regions";
  /** Fail fast inside a wave, asked once per wave before its regions start. */
  public static final String FAIL_FAST_WAVES = "fail-fast-waves";
  /** An abort's reason and sender are written into the trail (releases cancelled before: "cancelled"). */
  public static final String ABORT_IN_TRAIL = "abort-in-trail";

  // ---- a region's deployment (RegionDeploymentWorkflowImpl) ----

  /** A health check whose worker was lost is retried instead of failing the region. */
  public static final String HEALTH_CHECK_SURVIVES_WORKER_LOSS = "health-check-survives-worker-loss";
  /**
   * Cancellable regions: the deploy, health and rollout activities wait for their cancellation to complete,
   * and a region cancelled by its release stops and leaves the undo to the release. Asked once, at the start.
   */
  public static final String CANCELLABLE_REGION = "cancellable-region";
  /** Progressive rollouts (dark launch, traffic steps, analysis), asked only by regions with a rollout. */
  public static final String PROGRESSIVE_ROLLOUT = "progressive-rollout";

  // ---- an environment's rollback (EnvironmentRollbackWorkflowImpl) ----

  /** The plan comes from the worker's policy, and signed environments need a rollback token. */
  public static final String ROLLBACK_PLAN_FROM_POLICY = "rollback-plan-from-policy";
  /** A rollback rewrites the environment's deployment record to what its regions run after it. */
  public static final String ROLLBACK_RECORDS_DEPLOYMENT = "rollback-records-deployment";

  // ---- failover (RegionFailoverWorkflowImpl) ----

  /** New runs hand over to the traffic owner at once (histories from before it replay without). */
  public static final String TRAFFIC_OWNER_AT_START = "traffic-owner";
  /** A run from before the owner hands over at failover instead of moving traffic itself. */
  public static final String TRAFFIC_OWNER_AT_FAILOVER = "traffic-owner-failover";
  /** ... and at failback. */
  public static final String TRAFFIC_OWNER_AT_FAILBACK = "traffic-owner-failback";

  // ---- an environment's life (EnvironmentDecommissionWorkflowImpl) ----

  /** Destroys recorded before the traffic owner existed replay without stopping it. */
  public static final String STOP_TRAFFIC_OWNER = "stop-traffic-owner";
  /**
   * The traffic owner takes its regions, target, health check and failback approvers from the worker's policy
   * (Policy.resolveRollback), never from its input: whoever starts it names only the application and environment.
   */
  public static final String TRAFFIC_OWNER_FROM_POLICY = "traffic-owner-from-policy";
  /**
   * Drains and failback approvals wait until the owner has read its policy and are judged by it; where the
   * environment requires signed actors they need a one-time token of one of its approvers.
   */
  public static final String TRAFFIC_OWNER_SIGNED_ACTORS = "traffic-owner-signed-actors";
  /**
   * Creating, destroying and checking an environment take its plan (regions, target, configuration, lifecycle,
   * approvers) from the worker's policy, never from the client; a destroy "by expiry" needs a registration that
   * has expired.
   */
  public static final String ENVIRONMENT_PLAN_FROM_POLICY = "environment-plan-from-policy";
  /**
   * A flag ramp or experiment that no release started runs as the worker's policy declares it (settings, metrics,
   * steps and thresholds, the experiment's split and rule), never as its input says.
   */
  public static final String FLAGS_FROM_POLICY = "flags-from-policy";
  /** The environment's schedules are deleted by the workflow that destroys it. */
  public static final String DESTROY_DELETES_SCHEDULES = "destroy-deletes-schedules";
  /**
   * The traffic owner of a signed environment stops only for the environment's approved destroy, or with a one-time
   * stop token of one of its approvers; a typed name is refused.
   */
  public static final String TRAFFIC_OWNER_SIGNED_STOP = "traffic-owner-signed-stop";
  /** The regions a failed environment changed are rolled back in parallel, not one after another. */
  public static final String PARALLEL_ROLLBACK = "parallel-rollback";

  /** Every id above, once. */
  public static final List<String> ALL = List.of(
      BOUNDED_INPUT, SIGNED_ACTORS, PLAN_FROM_POLICY, SIGNATURE_GATES, TRUSTED_SIGNING_TIME, ENVIRONMENT_LOCK,
      LOCK_ANSWERS_CHECKED, LOCK_CLAIMS_CHECKED,
      FEATURE_FLAGS, PROMOTION_SOURCE_CHECK, ENVIRONMENT_CONFIG, MAX_PARALLEL_REGIONS, FAIL_FAST_WAVES,
      ABORT_IN_TRAIL,
      HEALTH_CHECK_SURVIVES_WORKER_LOSS, CANCELLABLE_REGION, PROGRESSIVE_ROLLOUT,
      ROLLBACK_PLAN_FROM_POLICY, ROLLBACK_RECORDS_DEPLOYMENT,
      TRAFFIC_OWNER_AT_START, TRAFFIC_OWNER_AT_FAILOVER, TRAFFIC_OWNER_AT_FAILBACK,
      STOP_TRAFFIC_OWNER, DESTROY_DELETES_SCHEDULES, TRAFFIC_OWNER_FROM_POLICY, TRAFFIC_OWNER_SIGNED_ACTORS,
      ENVIRONMENT_PLAN_FROM_POLICY, FLAGS_FROM_POLICY, TRAFFIC_OWNER_SIGNED_STOP, PARALLEL_ROLLBACK);
}
