package dev.gantry.workflows.release;

import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.environment.ConfigApplied;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.EnvironmentConfig;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The release's environment steps right before an environment's deploy: the source check of a promotion,
 * then the environment's configuration. Each runs only when asked for (a promotion; {@code applyConfig:
 * true}) and behind its own {@link Workflow#getVersion}, so that releases using neither write no new event
 * and recorded histories replay.
 */
final class EnvironmentSteps {
  private final ReleaseRequest request;
  private final ReleaseProgress progress;
  private final Recorder recorder;
  private EnvironmentActivities environments;

  EnvironmentSteps(ReleaseRequest request, ReleaseProgress progress, Recorder recorder) {
    this.request = request;
    this.progress = progress;
    this.recorder = recorder;
  }

  void beforeDeploy(EnvironmentPlan env) {
    if (request.promotion() != null && request.promotion().environment() != null
        && Workflow.getVersion(VersionMarkers.PROMOTION_SOURCE_CHECK, Workflow.DEFAULT_VERSION, 1) >= 1) {
      checkSource(env, request.promotion().environment());
    }
    EnvironmentConfig config = env.environmentConfig();
    if (config != null && config.applies()
        && Workflow.getVersion(VersionMarkers.ENVIRONMENT_CONFIG, Workflow.DEFAULT_VERSION, 1) >= 1) {
      applyConfig(env, config);
    }
  }

  private EnvironmentActivities environments() {
    if (environments == null) {
      environments = Workflow.newActivityStub(EnvironmentActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);
    }
    return environments;
  }

  /**
   * Promotion only from a healthy environment that runs exactly this artifact: the version and the digest
   * of the live bytes in every region of the source, then each region's health check. Fails closed: a
   * region whose digest cannot be read refuses the promotion.
   */
  private void checkSource(EnvironmentPlan target, EnvironmentPlan source) {
    progress.stage(ReleaseState.RUNNING, "source-check:" + target.name());
    recorder.publish(target.name());
    String version = request.version();
    String digest = request.artifact().digest();
    List<String> problems = new ArrayList<>();
    List<RegionActual> regions = environments().readRegions(new RegionsRequest(request.application(),
        source.name(), source.target(), source.regions())).regions();
    for (RegionActual region : regions) {
      String where = source.name() + "/" + region.region();
      if (region.version() == null) {
        problems.add(where + " runs nothing (" + region.detail() + "), not " + version + " (" + digest + ")");
      } else if (!version.equals(region.version())) {
        problems.add(where + " runs " + region.version() + " (" + orUnknown(region.digest()) + "), not "
            + version + " (" + digest + ")");
      } else if (region.digest() == null) {
        problems.add(where + " runs " + version + " but its digest cannot be read (" + region.detail()
            + "): cannot prove it is " + digest);
      } else if (!digest.equals(region.digest())) {
        problems.add(where + " runs " + version + " with digest " + region.digest() + ", but this promotion"
            + " deploys " + version + " with digest " + digest + ": not the same bytes");
      }
    }
    if (problems.isEmpty()) {
      DeploymentActivities health = Workflow.newActivityStub(DeploymentActivities.class,
          ActivityOptionsCatalogue.healthCheck(source.healthCheck()));
      for (String region : source.regions()) {
        try {
          health.checkHealth(new HealthCheckRequest(request.application(), version, source.name(), region,
              source.target(), source.healthCheck()));
        } catch (TemporalFailure failure) {
          problems.add(source.name() + "/" + region + " is unhealthy: " + FailureReasons.of(failure));
        }
      }
    }
    if (!problems.isEmpty()) {
      String reason = "promotion of " + request.application() + " " + version + " from " + source.name() + " to "
          + target.name() + " refused: " + String.join("; ", problems);
      progress.gate(target.name(), "source", "failed", String.join("; ", problems));
      progress.log(target.name(), null, reason);
      recorder.audit("gate", null, target.name(), "failed", "source: " + String.join("; ", problems));
      throw ApplicationFailure.newNonRetryableFailure(reason, Failures.GATE_FAILED);
    }
    String detail = source.name() + " is healthy and runs " + version + " (" + digest + ") in "
        + String.join(", ", source.regions());
    progress.gate(target.name(), "source", "passed", detail);
    progress.log(target.name(), null, "source check passed: " + detail);
    recorder.audit("gate", null, target.name(), "passed", "source: " + detail);
  }

  /** The environment's variables and secret references, written to its config store before the deploy. */
  private void applyConfig(EnvironmentPlan env, EnvironmentConfig config) {
    progress.stage(ReleaseState.RUNNING, "config:" + env.name());
    recorder.publish(env.name());
    Map<String, String> variables = env.variables() == null ? Map.of() : env.variables();
    ConfigApplied applied = environments().applyConfig(new ConfigRequest(request.application(), env.name(),
        env.target(), env.regions(), variables, config.secretsOrEmpty()));
    String detail = variables.size() + " variable(s), " + config.secretsOrEmpty().size() + " secret(s) in "
        + applied.location() + (applied.changed().isEmpty() ? "; nothing changed"
            : "; changed: " + String.join(", ", applied.changed()))
        + (applied.removed().isEmpty() ? "" : "; removed: " + String.join(", ", applied.removed()));
    progress.log(env.name(), null, "configuration applied: " + detail);
    recorder.audit("config", null, env.name(), "applied", detail);
  }

  private static String orUnknown(String digest) {
    return digest == null ? "digest unknown" : digest;
  }
}
