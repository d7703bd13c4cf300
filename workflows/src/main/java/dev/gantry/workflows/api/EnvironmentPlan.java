package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.notify.NotifyPolicy;
import dev.gantry.workflows.api.quality.QualityGatePolicy;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import java.util.List;
import java.util.Map;

/**
 * One environment on the promotion path, as resolved from {@code environments/<env>/config.yaml}.
 *
 * @param name          environment name (dev, staging, production, ...)
 * @param primaryRegion the region deployed first
 * @param waves         regions grouped in waves; a wave starts only when the previous one is healthy,
 *                      the regions of a wave are deployed in parallel
 * @param target        where the regions are deployed
 * @param healthCheck   how each region proves it is healthy
 * @param approval      the manual gate before this environment
 * @param variables     plain configuration values, recorded with the release (no target applies them
 *                      yet: environment configuration comes with its own issue)
 * @param quality       the quality gate (coverage, security), or null
 * @param cab           the change advisory board, or null
 * @param notifications where gate notifications go, or null
 * @param window        when deployments are allowed (windows, freezes, holidays), or null: always
 * @param verification  the signature verification gate, run before the environment and again in each
 *                      region right before its deploy; null is refused (fail closed)
 * @param maxParallelRegions at most this many regions of one wave change at once (null: the whole wave)
 * @param rollout       how traffic moves to the new version in each region (null: all at once)
 * @param environmentConfig secrets, config store, infrastructure, TTL, drift and destroy settings of the
 *                      environment itself, or null (nothing applied before the deploy; no lifecycle)
 * @param flags         feature flags (Split): required flags checked before the deploy, ramps started after
 *                      it, experiments; null: the environment uses no flags (and its history gets no flag events)
 * @param concurrency   when another release of the application is in this environment: {@code wait} (the
 *                      default, also for null) until it leaves, or {@code refuse}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentPlan(
    String name,
    String primaryRegion,
    List<List<String>> waves,
    DeployTarget target,
    HealthCheck healthCheck,
    ApprovalPolicy approval,
    Map<String, String> variables,
    QualityGatePolicy quality,
    CabPolicy cab,
    NotifyPolicy notifications,
    DeploymentWindowPolicy window,
    VerificationPolicy verification,
    Integer maxParallelRegions,
    RolloutPolicy rollout,
    dev.gantry.workflows.api.environment.EnvironmentConfig environmentConfig,
    FlagPolicy flags,
    String concurrency) {

  public EnvironmentPlan(String name, String primaryRegion, List<List<String>> waves, DeployTarget target,
      HealthCheck healthCheck, ApprovalPolicy approval, Map<String, String> variables,
      QualityGatePolicy quality, CabPolicy cab, NotifyPolicy notifications, DeploymentWindowPolicy window,
      VerificationPolicy verification, Integer maxParallelRegions, RolloutPolicy rollout,
      dev.gantry.workflows.api.environment.EnvironmentConfig environmentConfig, FlagPolicy flags) {
    this(name, primaryRegion, waves, target, healthCheck, approval, variables, quality, cab, notifications,
        window, verification, maxParallelRegions, rollout, environmentConfig, flags, null);
  }

  public EnvironmentPlan(String name, String primaryRegion, List<List<String>> waves, DeployTarget target,
      HealthCheck healthCheck, ApprovalPolicy approval, Map<String, String> variables) {
    this(name, primaryRegion, waves, target, healthCheck, approval, variables, null, null, null, null,
        VerificationPolicy.notRequired(), null, null, null, null);
  }

  public EnvironmentPlan(String name, String primaryRegion, List<List<String>> waves, DeployTarget target,
      HealthCheck healthCheck, ApprovalPolicy approval, Map<String, String> variables,
      QualityGatePolicy quality, CabPolicy cab, NotifyPolicy notifications, DeploymentWindowPolicy window) {
    this(name, primaryRegion, waves, target, healthCheck, approval, variables, quality, cab, notifications,
        window, VerificationPolicy.notRequired(), null, null, null, null);
  }

  public EnvironmentPlan(String name, String primaryRegion, List<List<String>> waves, DeployTarget target,
      HealthCheck healthCheck, ApprovalPolicy approval, Map<String, String> variables,
      QualityGatePolicy quality, CabPolicy cab, NotifyPolicy notifications, DeploymentWindowPolicy window,
      VerificationPolicy verification, Integer maxParallelRegions) {
    this(name, primaryRegion, waves, target, healthCheck, approval, variables, quality, cab, notifications,
        window, verification, maxParallelRegions, null, null, null);
  }

  public EnvironmentPlan(String name, String primaryRegion, List<List<String>> waves, DeployTarget target,
      HealthCheck healthCheck, ApprovalPolicy approval, Map<String, String> variables,
      QualityGatePolicy quality, CabPolicy cab, NotifyPolicy notifications, DeploymentWindowPolicy window,
      VerificationPolicy verification, Integer maxParallelRegions, RolloutPolicy rollout) {
    this(name, primaryRegion, waves, target, healthCheck, approval, variables, quality, cab, notifications,
        window, verification, maxParallelRegions, rollout, null, null);
  }

  public EnvironmentPlan(String name, String primaryRegion, List<List<String>> waves, DeployTarget target,
      HealthCheck healthCheck, ApprovalPolicy approval, Map<String, String> variables,
      QualityGatePolicy quality, CabPolicy cab, NotifyPolicy notifications, DeploymentWindowPolicy window,
      VerificationPolicy verification, Integer maxParallelRegions,
      dev.gantry.workflows.api.environment.EnvironmentConfig environmentConfig) {
    this(name, primaryRegion, waves, target, healthCheck, approval, variables, quality, cab, notifications,
        window, verification, maxParallelRegions, null, environmentConfig, null);
  }

  /** The same environment with the given flags section. */
  public EnvironmentPlan withFlags(FlagPolicy flags) {
    return new EnvironmentPlan(name, primaryRegion, waves, target, healthCheck, approval, variables, quality, cab,
        notifications, window, verification, maxParallelRegions, rollout, environmentConfig, flags, concurrency);
  }

  /** The same environment with the given verification policy. */
  public EnvironmentPlan withVerification(VerificationPolicy newVerification) {
    return new EnvironmentPlan(name, primaryRegion, waves, target, healthCheck, approval, variables, quality, cab,
        notifications, window, newVerification, maxParallelRegions, rollout, environmentConfig, flags, concurrency);
  }

  public List<String> regions() {
    return waves.stream().flatMap(List::stream).toList();
  }

  public boolean needsApproval() {
    return approval != null && approval.required();
  }
}
