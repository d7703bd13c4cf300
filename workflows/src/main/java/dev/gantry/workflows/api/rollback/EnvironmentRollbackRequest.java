package dev.gantry.workflows.api.rollback;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.release.EnvironmentPlan;

/**
 * Roll an environment back from a release's version to what each region ran before it.
 *
 * <p>A client says only which release and environment, who asks, why, and (where the environment requires
 * signed actors) a token. The environment's plan (regions, waves, target, approvals) is resolved by the
 * worker from platform policy ({@code Policy.resolveRollback}); a request that carries {@code environment}
 * is refused. Rollbacks recorded before that (their histories) carried the plan in {@code environment}.
 *
 * @param releaseId       the release whose version is rolled back ({@code release/<app>/<version>})
 * @param environment     legacy: the environment's plan as the client sent it; must be null now
 * @param requestedBy     who asks; in a signed environment the person whose key signed {@code token}
 * @param reason          why; required
 * @param environmentName the environment to roll back (new requests)
 * @param token           a JWS with action {@code rollback} (see {@link ActorTokens}), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentRollbackRequest(
    String releaseId,
    String application,
    String version,
    String artifactDigest,
    EnvironmentPlan environment,
    String requestedBy,
    String reason,
    String environmentName,
    String token) {

  /** The legacy shape (the plan from the client), kept for old histories and tests of replay. */
  public EnvironmentRollbackRequest(String releaseId, String application, String version, String artifactDigest,
      EnvironmentPlan environment, String requestedBy, String reason) {
    this(releaseId, application, version, artifactDigest, environment, requestedBy, reason, null, null);
  }

  /** A request as clients send it now: no plan, the environment by name. */
  public static EnvironmentRollbackRequest of(String releaseId, String application, String version,
      String artifactDigest, String environmentName, String requestedBy, String reason, String token) {
    return new EnvironmentRollbackRequest(releaseId, application, version, artifactDigest, null, requestedBy,
        reason, environmentName, token);
  }

  /** The environment's name, from the new field or the legacy plan. */
  @JsonIgnore
  public String environmentNameOrPlan() {
    if (environmentName != null) {
      return environmentName;
    }
    return environment == null ? null : environment.name();
  }

  public String workflowId() {
    return "rollback/" + application + "/" + version + "/" + environmentNameOrPlan();
  }
}
