package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.signing.SigningPolicy;
import java.util.List;
import java.util.Optional;

/**
 * Everything a release needs, resolved by the client from the release spec before the workflow starts,
 * so that the history records exactly what was asked for.
 *
 * @param application  application name
 * @param version      version being released
 * @param artifact     the artifact, bound to its digest
 * @param environments the promotion path, in order
 * @param requestedBy  who started the release (may not approve it)
 * @param specSource   where the spec came from, for the report (path or "java-client")
 * @param approversDirectory where the approvers directory lives (absolute path of approvers.yaml), or null
 * @param signing      how the worker signs and attests the artifact right after the start, or null: the
 *                     artifact comes signed (by cosign in CI, say) and only the verification gates run
 * @param promotion    a promotion ({@code gantry release promote}): the source environment that must be
 *                     healthy and run exactly this artifact before the (single) target environment deploys;
 *                     null for an ordinary release
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseRequest(
    String application,
    String version,
    ArtifactRef artifact,
    List<EnvironmentPlan> environments,
    String requestedBy,
    String specSource,
    String approversDirectory,
    SigningPolicy signing,
    dev.gantry.workflows.api.environment.PromotionSource promotion) {

  public ReleaseRequest(String application, String version, ArtifactRef artifact,
      List<EnvironmentPlan> environments, String requestedBy, String specSource, String approversDirectory,
      SigningPolicy signing) {
    this(application, version, artifact, environments, requestedBy, specSource, approversDirectory, signing, null);
  }

  public ReleaseRequest(String application, String version, ArtifactRef artifact,
      List<EnvironmentPlan> environments, String requestedBy, String specSource) {
    this(application, version, artifact, environments, requestedBy, specSource, null, null);
  }

  public ReleaseRequest(String application, String version, ArtifactRef artifact,
      List<EnvironmentPlan> environments, String requestedBy, String specSource, String approversDirectory) {
    this(application, version, artifact, environments, requestedBy, specSource, approversDirectory, null);
  }

  public String releaseId() {
    if (promotion != null && environments != null && environments.size() == 1) {
      return ReleaseIds.promotion(application, version, environments.get(0).name());
    }
    return ReleaseIds.release(application, version);
  }

  /** The environment of the promotion path with this name, if there is one. */
  public Optional<EnvironmentPlan> environment(String name) {
    return environments.stream().filter(env -> env.name().equals(name)).findFirst();
  }
}
