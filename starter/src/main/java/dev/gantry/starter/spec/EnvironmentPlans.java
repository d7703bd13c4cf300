package dev.gantry.starter.spec;

import static dev.gantry.starter.spec.SpecChecks.checkRange;
import static dev.gantry.starter.spec.SpecChecks.quoted;

import dev.gantry.starter.spec.EnvironmentConfigFile.RegionSpec;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.notify.NotifyPolicy;
import dev.gantry.workflows.api.quality.QualityGatePolicy;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One environment config ({@code environments/<env>/config.yaml}) resolved into the {@link EnvironmentPlan} a
 * release runs: its regions and waves and its target here; each other section by a class of its own
 * ({@link HealthCheckSection}, {@link ApprovalSection}, {@link GateSections}, {@link SigningSections},
 * {@link RolloutSection}, {@link EnvironmentSections}, {@link FlagSections}).
 */
final class EnvironmentPlans {
  private static final List<String> TARGET_TYPES =
      List.of(DeployTarget.LOCAL, DeployTarget.LAMBDA, DeployTarget.ECS, DeployTarget.KUBERNETES);

  private EnvironmentPlans() {}

  static EnvironmentPlan resolve(String name, String where, Path base, EnvironmentConfigFile env,
      List<String> problems) {
    int before = problems.size();
    List<String> regions = new ArrayList<>();
    List<String> primaries = new ArrayList<>();
    if (env.regions() == null || env.regions().isEmpty()) {
      problems.add(where + ": field 'regions' is missing: list at least one region, e.g."
          + " `regions: [{name: us-east-1, primary: true}]`");
    } else {
      for (RegionSpec region : env.regions()) {
        if (region == null || region.name() == null || !Names.isName(region.name())) {
          problems.add(where + ": field 'regions[].name' must be a region name like us-east-1 (got "
              + quoted(region == null ? null : region.name()) + ")");
        } else if (regions.contains(region.name())) {
          problems.add(where + ": region " + region.name() + " is listed twice");
        } else {
          regions.add(region.name());
          if (Boolean.TRUE.equals(region.primary())) {
            primaries.add(region.name());
          }
        }
      }
    }
    String primary = null;
    if (primaries.size() == 1) {
      primary = primaries.get(0);
    } else if (primaries.isEmpty() && regions.size() == 1) {
      primary = regions.get(0);
    } else if (!regions.isEmpty()) {
      problems.add(where + ": exactly one region must have `primary: true` (found "
          + (primaries.isEmpty() ? "none" : String.join(", ", primaries)) + ")");
    }
    List<List<String>> waves = waves(where, env.waves(), regions, primary, problems);
    DeployTarget target = target(where, base, env.target(), regions, problems);
    boolean onAws = env.target() != null && AwsSection.isAwsType(env.target().type());
    boolean onKubernetes = env.target() != null && DeployTarget.KUBERNETES.equals(env.target().type());
    HealthCheck healthCheck = onKubernetes ? HealthCheckSection.kubernetesHealthCheck(where, env.healthCheck(), problems)
        : !onAws ? HealthCheckSection.healthCheck(where, env.healthCheck(), problems)
        : target == null ? null // the target's own problems are reported; its health check depends on it
        : HealthCheckSection.awsHealthCheck(where, env.healthCheck(), target, problems);
    checkRange(where, "maxParallelRegions", env.maxParallelRegions(), 1, 100, problems);
    ApprovalPolicy approval = ApprovalSection.approval(where, env.approval(), problems);
    QualityGatePolicy quality = GateSections.quality(where, base, env.quality(), problems);
    CabPolicy cab = GateSections.cab(where, env.cab(), problems);
    NotifyPolicy notify = GateSections.notifications(where, env.notifications(), problems);
    DeploymentWindowPolicy window = GateSections.window(where, base, env.window(), problems);
    VerificationPolicy verification = SigningSections.verification(where, base, env.verification(), problems);
    RolloutPolicy rollout = RolloutSection.rollout(where, base, env.rollout(),
        env.target() == null ? null : env.target().type(), problems);
    if (onKubernetes && rollout != null && rollout.progressive() && target != null) {
      KubernetesSection.checkProgressive(where, target.kubernetes(), problems);
    }
    var environmentConfig = EnvironmentSections.config(where, base, env, problems);
    FlagPolicy flags = FlagSections.flags(where, base, env.flags(), problems);
    if (env.concurrency() != null && !List.of("wait", "refuse").contains(env.concurrency())) {
      problems.add(where + ": field 'concurrency' must be wait (a second release of the application waits until"
          + " the first leaves the environment; the default) or refuse (it is refused)");
    }
    if (problems.size() > before) {
      return null;
    }
    return EnvironmentPlan.builder()
        .name(name)
        .primaryRegion(primary)
        .waves(waves)
        .target(target)
        .healthCheck(healthCheck)
        .approval(approval)
        .variables(env.variables() == null ? Map.of() : Map.copyOf(env.variables()))
        .quality(quality)
        .cab(cab)
        .notifications(notify)
        .window(window)
        .verification(verification)
        .maxParallelRegions(env.maxParallelRegions())
        .rollout(rollout)
        .environmentConfig(environmentConfig)
        .flags(flags)
        .concurrency(env.concurrency())
        .build();
  }

  private static List<List<String>> waves(String where, List<List<String>> declared,
      List<String> regions, String primary, List<String> problems) {
    if (primary == null) {
      return List.of();
    }
    if (declared == null || declared.isEmpty()) {
      List<String> rest = regions.stream().filter(r -> !r.equals(primary)).toList();
      return rest.isEmpty() ? List.of(List.of(primary)) : List.of(List.of(primary), rest);
    }
    List<String> placed = new ArrayList<>();
    for (List<String> wave : declared) {
      if (wave == null || wave.isEmpty()) {
        problems.add(where + ": field 'waves' has an empty wave: remove it");
        continue;
      }
      for (String region : wave) {
        if (!regions.contains(region)) {
          problems.add(where + ": field 'waves' names " + quoted(region)
              + ", which is not in 'regions' (" + String.join(", ", regions) + ")");
        } else if (placed.contains(region)) {
          problems.add(where + ": field 'waves' places " + region + " in more than one wave");
        } else {
          placed.add(region);
        }
      }
    }
    List<String> missing = regions.stream().filter(r -> !placed.contains(r)).toList();
    if (!missing.isEmpty()) {
      problems.add(where + ": field 'waves' leaves out " + String.join(", ", missing)
          + ": put every region in one wave");
    }
    if (declared.get(0) != null && !declared.get(0).contains(primary)) {
      problems.add(where + ": the first wave must contain the primary region " + primary);
    }
    return declared.stream().map(List::copyOf).toList();
  }

  private static DeployTarget target(String where, Path base, EnvironmentConfigFile.TargetSpec spec,
      List<String> regions, List<String> problems) {
    if (spec == null || spec.type() == null) {
      problems.add(where + ": field 'target.type' is missing: use `target: {type: local, root: <folder>}`");
      return null;
    }
    if (!TARGET_TYPES.contains(spec.type())) {
      problems.add(where + ": field 'target.type' is " + quoted(spec.type())
          + "; supported: " + String.join(", ", TARGET_TYPES));
      return null;
    }
    if (DeployTarget.KUBERNETES.equals(spec.type())) {
      if (spec.root() != null || spec.aws() != null) {
        problems.add(where + ": fields 'target.root' and 'target.aws' are for local and AWS targets; a kubernetes"
            + " target is described by target.kubernetes: remove them");
      }
      var kubernetes = KubernetesSection.resolve(where, base, spec.kubernetes(), regions, problems);
      return kubernetes == null ? null : DeployTarget.kubernetes(kubernetes);
    }
    if (spec.kubernetes() != null) {
      problems.add(where + ": field 'target.kubernetes' is for kubernetes targets, not " + spec.type()
          + ": remove it (or use `type: kubernetes`)");
    }
    if (AwsSection.isAwsType(spec.type())) {
      if (spec.root() != null) {
        problems.add(where + ": field 'target.root' is for local targets; a " + spec.type()
            + " target is described by target.aws: remove root");
      }
      AwsSection.checkRegionNames(where, regions, problems);
      var aws = AwsSection.resolve(where, spec.type(), spec.aws(), regions, problems);
      return aws == null ? null : DeployTarget.aws(spec.type(), aws);
    }
    if (spec.aws() != null) {
      problems.add(where + ": field 'target.aws' is for lambda and ecs targets, not " + spec.type());
    }
    if (spec.root() == null || spec.root().isBlank()) {
      problems.add(where + ": field 'target.root' is missing: the folder that receives"
          + " <env>/<region>/releases (relative paths are relative to the release spec)");
      return null;
    }
    return new DeployTarget(spec.type(), base.resolve(spec.root()).normalize().toString());
  }
}
