package dev.gantry.workflows.api.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.environment.PromotionSource;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.policy.PolicyStamp;
import dev.gantry.workflows.api.policy.ReleaseRequirements;
import dev.gantry.workflows.api.signing.SigningPolicy;
import java.util.List;
import java.util.Optional;

/**
 * A release, in two shapes that share one record so that histories recorded before the policy existed
 * still replay:
 * <ul>
 *   <li>the <b>request</b> a client sends: application, version, artifact, requester, promotion path,
 *       notes and requirements that only tighten policy ({@link #request});</li>
 *   <li>the <b>plan</b> the worker resolves from its platform policy at the start of the workflow
 *       ({@link PolicyActivities}): the same fields plus environments, approvers, signing and the policy
 *       stamp. A request that carries any plan field is refused: policy is not the requester's to say.</li>
 * </ul>
 *
 * @param application  application name ({@link Names#NAME})
 * @param version      version being released ({@link Names#VERSION})
 * @param artifact     the artifact, bound to its digest
 * @param environments plan: the environments, in order, as policy defines them
 * @param requestedBy  who started the release (may not approve it)
 * @param specSource   where the request came from, for the report (path or "java-client")
 * @param approversDirectory plan: the approvers directory on the worker, from policy
 * @param signing      plan: how the worker signs and attests the artifact, from policy (null: it verifies only)
 * @param promotion    plan: the source environment of a promotion, from policy
 * @param promotionPath request: the environments to go through, in order; a prefix of the application's
 *                      promotion path in policy (null: all of it)
 * @param promoteFrom  request: a promotion ({@code gantry release promote}) from this environment into the
 *                      single environment of {@code promotionPath}
 * @param requirements request: what the requester adds to policy (only ever stricter), or null
 * @param notes        request: free text for approvers and the report (bounded), or null
 * @param policy       plan: which policy resolved the plan
 * @param requestToken request: in a signed release, a JWS by the requester's registered key (action
 *                     {@code request}, audience this release, whole path, the artifact digest); the CLI and
 *                     the Java client mint it with the profile's signing key
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
    PromotionSource promotion,
    List<String> promotionPath,
    String promoteFrom,
    ReleaseRequirements requirements,
    String notes,
    PolicyStamp policy,
    String requestToken) {

  /** At most this many characters of notes travel with a request. */
  public static final int MAX_NOTES = 2000;

  public ReleaseRequest(String application, String version, ArtifactRef artifact,
      List<EnvironmentPlan> environments, String requestedBy, String specSource, String approversDirectory,
      SigningPolicy signing, PromotionSource promotion, List<String> promotionPath, String promoteFrom,
      ReleaseRequirements requirements, String notes, PolicyStamp policy) {
    this(application, version, artifact, environments, requestedBy, specSource, approversDirectory, signing,
        promotion, promotionPath, promoteFrom, requirements, notes, policy, null);
  }

  /** This request signed by its requester (see {@link ActorTokens}). */
  public ReleaseRequest withRequestToken(String token) {
    return new ReleaseRequest(application, version, artifact, environments, requestedBy, specSource,
        approversDirectory, signing, promotion, promotionPath, promoteFrom, requirements, notes, policy, token);
  }

  public ReleaseRequest(String application, String version, ArtifactRef artifact,
      List<EnvironmentPlan> environments, String requestedBy, String specSource, String approversDirectory,
      SigningPolicy signing, PromotionSource promotion) {
    this(application, version, artifact, environments, requestedBy, specSource, approversDirectory, signing,
        promotion, null, null, null, null, null);
  }

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

  /** What a client sends: what to release, nothing about how it is gated. */
  public static ReleaseRequest request(String application, String version, ArtifactRef artifact, String requestedBy,
      List<String> promotionPath, String specSource, ReleaseRequirements requirements, String notes) {
    return new ReleaseRequest(application, version, artifact, null, requestedBy, specSource, null, null, null,
        promotionPath == null ? null : List.copyOf(promotionPath), null, requirements, notes, null);
  }

  /** A promotion request: {@code version} from {@code from} into {@code to}, nothing else. */
  public static ReleaseRequest promotionRequest(String application, String version, ArtifactRef artifact,
      String requestedBy, String from, String to, String specSource, String notes) {
    return new ReleaseRequest(application, version, artifact, null, requestedBy, specSource, null, null, null,
        List.of(to), from, null, notes, null);
  }

  /** This request as the plan policy resolved for it. */
  public ReleaseRequest withPlan(List<EnvironmentPlan> plannedEnvironments, String plannedApprovers,
      SigningPolicy plannedSigning, PromotionSource plannedSource, PolicyStamp stamp) {
    return new ReleaseRequest(application, version, artifact, List.copyOf(plannedEnvironments), requestedBy,
        specSource, plannedApprovers, plannedSigning, plannedSource, promotionPath, promoteFrom, requirements, notes,
        stamp, requestToken);
  }

  /** True once policy resolved it (or for a history recorded before policy, whose input was the plan). */
  public boolean isPlan() {
    return environments != null;
  }

  public String releaseId() {
    if (promoteFrom != null && promotionPath != null && promotionPath.size() == 1) {
      return ReleaseIds.promotion(application, version, promotionPath.get(0));
    }
    if (promotion != null && environments != null && environments.size() == 1) {
      return ReleaseIds.promotion(application, version, environments.get(0).name());
    }
    return ReleaseIds.release(application, version);
  }

  /** The environment of the promotion path with this name, if there is one. */
  public Optional<EnvironmentPlan> environment(String name) {
    return environments == null ? Optional.empty()
        : environments.stream().filter(env -> env.name().equals(name)).findFirst();
  }

  public List<EnvironmentPlan> environmentsOrEmpty() {
    return environments == null ? List.of() : environments;
  }
}
