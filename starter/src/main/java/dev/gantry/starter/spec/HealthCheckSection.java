package dev.gantry.starter.spec;

import static dev.gantry.starter.spec.SpecChecks.blank;
import static dev.gantry.starter.spec.SpecChecks.checkRange;
import static dev.gantry.starter.spec.SpecChecks.quoted;

import dev.gantry.starter.spec.EnvironmentConfigFile.HealthCheckSpec;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import java.util.List;

/** {@code healthCheck}: how a region is found healthy after its deploy; a region is never assumed healthy. */
final class HealthCheckSection {
  private HealthCheckSection() {}

  /**
   * On AWS the region's alarms and Route 53 health check are the health check; {@code healthCheck} may add
   * a URL or command, and sets attempts and interval. One attempt watches for {@code healthyForSeconds},
   * so its timeout must be longer than that.
   */
  static HealthCheck awsHealthCheck(String where, HealthCheckSpec spec, DeployTarget target,
      List<String> problems) {
    int healthyFor = target.aws().healthyForSecondsOrDefault();
    if (spec == null) {
      return new HealthCheck(null, null, healthyFor + 30, null, null);
    }
    if (!blank(spec.command()) && !blank(spec.url())) {
      problems.add(where + ": field 'healthCheck' takes at most one of 'command' or 'url'");
    }
    if (!blank(spec.url()) && !spec.url().matches("https?://\\S+")) {
      problems.add(where + ": field 'healthCheck.url' must be an http:// or https:// URL");
    }
    checkRange(where, "healthCheck.timeoutSeconds", spec.timeoutSeconds(), 1, 7200, problems);
    checkRange(where, "healthCheck.attempts", spec.attempts(), 1, 100, problems);
    checkRange(where, "healthCheck.intervalSeconds", spec.intervalSeconds(), 1, 3600, problems);
    if (spec.timeoutSeconds() != null && spec.timeoutSeconds() <= healthyFor) {
      problems.add(where + ": field 'healthCheck.timeoutSeconds' (" + spec.timeoutSeconds() + ") must be longer"
          + " than target.aws.healthyForSeconds (" + healthyFor + "): one health attempt watches that long");
    }
    int timeout = spec.timeoutSeconds() != null ? spec.timeoutSeconds() : healthyFor + 30;
    return new HealthCheck(blank(spec.command()) ? null : spec.command(), blank(spec.url()) ? null : spec.url(),
        timeout, spec.attempts(), spec.intervalSeconds());
  }

  static HealthCheck healthCheck(String where, HealthCheckSpec spec, List<String> problems) {
    if (spec == null || (blank(spec.command()) == blank(spec.url()))) {
      problems.add(where + ": field 'healthCheck' needs exactly one of 'command' (exit 0 = healthy) or"
          + " 'url' (2xx = healthy); a region is never assumed healthy");
      return null;
    }
    if (!blank(spec.url()) && !spec.url().matches("https?://\\S+")) {
      problems.add(where + ": field 'healthCheck.url' must be an http:// or https:// URL");
    }
    checkRange(where, "healthCheck.timeoutSeconds", spec.timeoutSeconds(), 1, 3600, problems);
    checkRange(where, "healthCheck.attempts", spec.attempts(), 1, 100, problems);
    checkRange(where, "healthCheck.intervalSeconds", spec.intervalSeconds(), 1, 3600, problems);
    return new HealthCheck(blank(spec.command()) ? null : spec.command(),
        blank(spec.url()) ? null : spec.url(), spec.timeoutSeconds(), spec.attempts(),
        spec.intervalSeconds());
  }

  /**
   * On Kubernetes the Deployments' conditions are the health check (Available, no unavailable replica);
   * {@code healthCheck} may add a URL or command, and sets attempts and interval.
   */
  static HealthCheck kubernetesHealthCheck(String where, HealthCheckSpec spec, List<String> problems) {
    if (spec == null) {
      return new HealthCheck(null, null, 30, null, null);
    }
    if (!blank(spec.command()) && !blank(spec.url())) {
      problems.add(where + ": field 'healthCheck' takes at most one of 'command' or 'url'");
    }
    if (!blank(spec.url()) && !spec.url().matches("https?://\\S+")) {
      problems.add(where + ": field 'healthCheck.url' must be an http:// or https:// URL");
    }
    checkRange(where, "healthCheck.timeoutSeconds", spec.timeoutSeconds(), 1, 3600, problems);
    checkRange(where, "healthCheck.attempts", spec.attempts(), 1, 100, problems);
    checkRange(where, "healthCheck.intervalSeconds", spec.intervalSeconds(), 1, 3600, problems);
    return new HealthCheck(blank(spec.command()) ? null : spec.command(), blank(spec.url()) ? null : spec.url(),
        spec.timeoutSeconds(), spec.attempts(), spec.intervalSeconds());
  }
}
