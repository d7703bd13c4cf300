package dev.gantry.workflows.api.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.environment.EnvironmentConfig;
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
    EnvironmentConfig environmentConfig,
    FlagPolicy flags,
    String concurrency) {

  /** An empty plan to fill in by name: every section left unset stays null (verification too: set it). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every section of this plan, to change a few of them by name. */
  public Builder toBuilder() {
    return new Builder().name(name).primaryRegion(primaryRegion).waves(waves).target(target)
        .healthCheck(healthCheck).approval(approval).variables(variables).quality(quality).cab(cab)
        .notifications(notifications).window(window).verification(verification)
        .maxParallelRegions(maxParallelRegions).rollout(rollout).environmentConfig(environmentConfig).flags(flags)
        .concurrency(concurrency);
  }

  /**
   * Builds a plan naming each section it sets, instead of a positional constructor with a dozen nulls. The JSON
   * shape is the record's: the builder only fills the canonical constructor.
   */
  public static final class Builder {
    private String name;
    private String primaryRegion;
    private List<List<String>> waves;
    private DeployTarget target;
    private HealthCheck healthCheck;
    private ApprovalPolicy approval;
    private Map<String, String> variables;
    private QualityGatePolicy quality;
    private CabPolicy cab;
    private NotifyPolicy notifications;
    private DeploymentWindowPolicy window;
    private VerificationPolicy verification;
    private Integer maxParallelRegions;
    private RolloutPolicy rollout;
    private EnvironmentConfig environmentConfig;
    private FlagPolicy flags;
    private String concurrency;

    private Builder() {
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder primaryRegion(String value) {
      this.primaryRegion = value;
      return this;
    }

    public Builder waves(List<List<String>> value) {
      this.waves = value;
      return this;
    }

    public Builder target(DeployTarget value) {
      this.target = value;
      return this;
    }

    public Builder healthCheck(HealthCheck value) {
      this.healthCheck = value;
      return this;
    }

    public Builder approval(ApprovalPolicy value) {
      this.approval = value;
      return this;
    }

    public Builder variables(Map<String, String> value) {
      this.variables = value;
      return this;
    }

    public Builder quality(QualityGatePolicy value) {
      this.quality = value;
      return this;
    }

    public Builder cab(CabPolicy value) {
      this.cab = value;
      return this;
    }

    public Builder notifications(NotifyPolicy value) {
      this.notifications = value;
      return this;
    }

    public Builder window(DeploymentWindowPolicy value) {
      this.window = value;
      return this;
    }

    public Builder verification(VerificationPolicy value) {
      this.verification = value;
      return this;
    }

    public Builder maxParallelRegions(Integer value) {
      this.maxParallelRegions = value;
      return this;
    }

    public Builder rollout(RolloutPolicy value) {
      this.rollout = value;
      return this;
    }

    public Builder environmentConfig(EnvironmentConfig value) {
      this.environmentConfig = value;
      return this;
    }

    public Builder flags(FlagPolicy value) {
      this.flags = value;
      return this;
    }

    public Builder concurrency(String value) {
      this.concurrency = value;
      return this;
    }

    public EnvironmentPlan build() {
      return new EnvironmentPlan(name, primaryRegion, waves, target, healthCheck, approval, variables, quality, cab,
          notifications, window, verification, maxParallelRegions, rollout, environmentConfig, flags, concurrency);
    }
  }

  /** The same environment with the given flags section. */
  public EnvironmentPlan withFlags(FlagPolicy newFlags) {
    return toBuilder().flags(newFlags).build();
  }

  /** The same environment with the given verification policy. */
  public EnvironmentPlan withVerification(VerificationPolicy newVerification) {
    return toBuilder().verification(newVerification).build();
  }

  public List<String> regions() {
    return waves.stream().flatMap(List::stream).toList();
  }

  public boolean needsApproval() {
    return approval != null && approval.required();
  }
}
