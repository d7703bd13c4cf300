package dev.gantry.starter.spec;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.environment.PromotionSource;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.policy.ReleaseRequirements;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import dev.gantry.workflows.api.signing.SigningPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a release request into the plan the release runs, from the platform's policy alone. The request
 * chooses what to release and how far along the application's promotion path to go; it can add
 * requirements that make gates stricter; it can never choose a gate, a target, a command, a trust root or a
 * path outside the folders policy declares. Every refusal names the field and the policy file, and never
 * the contents or digest of a file.
 */
public final class PlanResolver {
  static final int MAX_SPEC_SOURCE = 512;
  static final int MAX_REQUIRED_APPROVALS = 20;
  static final int MAX_BAKE_SECONDS = 24 * 3600;
  private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9][a-z0-9._:/-]{0,254}");

  public ReleaseRequest resolve(Policy policy, ReleaseRequest request) {
    if (request == null) {
      throw new PolicyRefusal(List.of("the release request is empty: send application, version and artifact"));
    }
    List<String> reasons = new ArrayList<>();
    String policyFile = policy.file(PolicyDirectory.POLICY_FILE);
    refusePlanFields(request, policy, reasons);
    if (!Names.isName(request.application())) {
      reasons.add("field 'application' is " + Names.shown(request.application())
          + ": a lowercase name like hello-service");
    }
    if (!Names.isVersion(request.version())) {
      reasons.add("field 'version' is " + Names.shown(request.version())
          + ": letters, digits, '.', '_', '+', '-' (like 1.4.0), no '/' or '..'");
    }
    if (!Names.isPerson(request.requestedBy())) {
      reasons.add("field 'requestedBy' is " + Names.shown(request.requestedBy())
          + ": a person's or service's handle like dana or ci-bot");
    }
    if (request.specSource() != null && (request.specSource().length() > MAX_SPEC_SOURCE
        || request.specSource().chars().anyMatch(c -> c < 0x20))) {
      reasons.add("field 'specSource' must be at most " + MAX_SPEC_SOURCE + " printable characters");
    }
    if (request.requestToken() != null && !MessageLimits.Shape.TOKEN.admits(request.requestToken())) {
      reasons.add("field 'requestToken' must be a compact JWS of at most " + MessageLimits.TOKEN
          + " base64url characters (the CLI and the Java client make it with your signing key)");
    }
    if (request.notes() != null && request.notes().length() > ReleaseRequest.MAX_NOTES) {
      reasons.add("field 'notes' has " + request.notes().length() + " characters; at most " + ReleaseRequest.MAX_NOTES);
    }
    Policy.Application application = Names.isName(request.application())
        ? policy.applications().get(request.application()) : null;
    if (application == null && Names.isName(request.application())) {
      reasons.add("field 'application': " + request.application() + " is not in the platform policy ("
          + policyFile + ", applications): ask the platform team to add it");
    }
    checkArtifact(request.artifact(), policy, policyFile, reasons);
    if (application == null || !reasons.isEmpty()) {
      throw new PolicyRefusal(reasons);
    }
    List<EnvironmentPlan> path = path(request, application, policyFile, reasons);
    checkArtifactFitsTargets(request.artifact(), path, reasons);
    List<EnvironmentPlan> planned = tightened(path, request.requirements(), application, policy, reasons);
    if (!reasons.isEmpty()) {
      throw new PolicyRefusal(reasons);
    }
    PromotionSource source = request.promoteFrom() == null ? null
        : new PromotionSource(application.environments().get(request.promoteFrom()));
    SigningPolicy signing = policy.signing() == null ? null
        : new SigningPolicy(policy.signing().key(), policy.signing().passwordEnv(), policy.signing().sbom(),
            application.source() != null ? application.source() : policy.signing().sourceRepository(),
            policy.signing().sourceCommit());
    return request.withPlan(planned, policy.approvers(), signing, source, policy.stamp());
  }

  /** The plan's own fields: a client that sends them is trying to decide what only policy decides. */
  private static void refusePlanFields(ReleaseRequest request, Policy policy, List<String> reasons) {
    String environmentsAt = policy.file("environments/<env>/config.yaml");
    if (request.environments() != null) {
      reasons.add("field 'environments' is not accepted: gates, targets and health checks come from the platform"
          + " policy (" + environmentsAt + "); name the environments in 'promotionPath'");
    }
    if (request.approversDirectory() != null) {
      reasons.add("field 'approversDirectory' is not accepted: the approvers directory is named by the platform"
          + " policy (" + policy.file(PolicyDirectory.POLICY_FILE) + ", approvers)");
    }
    if (request.signing() != null) {
      reasons.add("field 'signing' is not accepted: the signing key is set by the platform policy ("
          + policy.file(PolicyDirectory.POLICY_FILE) + ", signing)");
    }
    if (request.promotion() != null) {
      reasons.add("field 'promotion' is not accepted: a promotion names its source with 'promoteFrom'; the source"
          + " environment's settings come from the platform policy (" + environmentsAt + ")");
    }
    if (request.policy() != null) {
      reasons.add("field 'policy' is not accepted: the worker records which policy it used");
    }
  }

  private static void checkArtifact(ArtifactRef artifact, Policy policy, String policyFile, List<String> reasons) {
    if (artifact == null) {
      reasons.add("field 'artifact' is missing: a file (kind file, location, digest) or an image (kind image,"
          + " repository, digest)");
      return;
    }
    if (!Names.isDigest(artifact.digest())) {
      reasons.add("field 'artifact.digest' must look like sha256:<64 lowercase hex>");
      return;
    }
    if (ArtifactRef.IMAGE.equals(artifact.kind())) {
      String repository = artifact.location();
      if (repository == null || !REPOSITORY.matcher(repository).matches() || repository.contains("..")) {
        reasons.add("field 'artifact.location' is " + Names.shown(repository) + ": an image repository like"
            + " registry.example.com/team/app");
      } else if (policy.imageRepositories().stream().noneMatch(repository::startsWith)) {
        reasons.add("field 'artifact.location': image repository " + repository + " is not one the platform"
            + " policy allows (" + policyFile + ", roots.images)");
      }
      return;
    }
    if (!ArtifactRef.FILE.equals(artifact.kind())) {
      reasons.add("field 'artifact.kind' is " + Names.shown(artifact.kind()) + ": file or image");
      return;
    }
    checkArtifactFile(artifact, policy, policyFile, reasons);
  }

  /**
   * A file artifact must be inside a folder of {@code roots.artifacts} after every symlink is resolved, and
   * have the digest the request names. Outside the roots, nothing is said about the file: not whether it
   * exists, not its digest.
   */
  private static void checkArtifactFile(ArtifactRef artifact, Policy policy, String policyFile, List<String> reasons) {
    String outside = "field 'artifact.location' is not inside a folder the platform policy allows for artifacts ("
        + policyFile + ", roots.artifacts)";
    Path location;
    try {
      location = artifact.location() == null ? null : Path.of(artifact.location());
    } catch (InvalidPathException e) {
      location = null;
    }
    if (location == null || !location.isAbsolute()) {
      reasons.add("field 'artifact.location' must be an absolute path inside " + policyFile + "'s roots.artifacts");
      return;
    }
    Path real = PolicyDirectory.realPathOfExistingPrefix(location);
    if (policy.artifactRoots().stream().noneMatch(root -> real.startsWith(root) && !real.equals(root))) {
      reasons.add(outside);
      return;
    }
    if (!Files.isRegularFile(real)) {
      reasons.add("field 'artifact.location': no such file in the artifact folders: build it, or fix the path");
      return;
    }
    String actual;
    try {
      actual = ReleaseSpecLoader.sha256(real);
    } catch (SpecException e) {
      reasons.add("field 'artifact.location': the file cannot be read by the worker");
      return;
    }
    if (!actual.equals(artifact.digest())) {
      reasons.add("field 'artifact.digest' does not match the file at artifact.location: the file changed since"
          + " the digest was taken, or the request names another build");
    }
  }

  private static List<EnvironmentPlan> path(ReleaseRequest request, Policy.Application application,
      String policyFile, List<String> reasons) {
    List<String> allowed = application.promotion();
    String where = policyFile + ", applications." + application.name() + ".promotion " + allowed;
    List<String> wanted = request.promotionPath() == null ? allowed : request.promotionPath();
    if (wanted.isEmpty()) {
      reasons.add("field 'promotionPath' is empty: name at least one environment, or leave it out for " + allowed);
      return List.of();
    }
    for (String env : wanted) {
      if (!Names.isName(env)) {
        reasons.add("field 'promotionPath' has " + Names.shown(env) + ": environment names are lowercase, like staging");
        return List.of();
      }
    }
    if (request.promoteFrom() != null) {
      int from = allowed.indexOf(request.promoteFrom());
      int to = wanted.size() == 1 ? allowed.indexOf(wanted.get(0)) : -1;
      if (!Names.isName(request.promoteFrom()) || from < 0 || to < 0 || to != from + 1) {
        reasons.add("fields 'promoteFrom' and 'promotionPath': a promotion moves one step forward on " + where
            + " (got " + Names.shown(request.promoteFrom()) + " to " + wanted + ")");
        return List.of();
      }
    } else if (wanted.size() > allowed.size() || !allowed.subList(0, wanted.size()).equals(wanted)) {
      reasons.add("field 'promotionPath' " + wanted + " is not a start of " + where
          + ": a release goes through the environments in policy order and skips none");
      return List.of();
    }
    return wanted.stream().map(application.environments()::get).toList();
  }

  private static void checkArtifactFitsTargets(ArtifactRef artifact, List<EnvironmentPlan> path, List<String> reasons) {
    for (EnvironmentPlan env : path) {
      boolean runsImages = DeployTarget.ECS.equals(env.target().type())
          || DeployTarget.KUBERNETES.equals(env.target().type());
      if (artifact.isFile() == runsImages) {
        reasons.add("field 'artifact.kind': " + env.name() + " deploys to the " + env.target().type() + " target, which "
            + (runsImages ? "runs images: send an image by digest" : "deploys files: send a file"));
      }
    }
  }

  private static List<EnvironmentPlan> tightened(List<EnvironmentPlan> path, ReleaseRequirements requirements,
      Policy.Application application, Policy policy, List<String> reasons) {
    if (requirements == null || requirements.isEmpty()) {
      return path;
    }
    String where = policy.file(application.configFolder() + "/<env>/config.yaml");
    Integer minApprovals = requirements.minApprovals();
    if (minApprovals != null && (minApprovals < 1 || minApprovals > MAX_REQUIRED_APPROVALS)) {
      reasons.add("field 'requirements.minApprovals' is " + minApprovals + "; allowed 1.." + MAX_REQUIRED_APPROVALS);
      return path;
    }
    Integer bake = requirements.minBakeSeconds();
    if (bake != null && (bake < 1 || bake > MAX_BAKE_SECONDS)) {
      reasons.add("field 'requirements.minBakeSeconds' is " + bake + "; allowed 1.." + MAX_BAKE_SECONDS);
      return path;
    }
    List<String> predicateTypes = new ArrayList<>();
    for (String wanted : requirements.attestationsOrEmpty()) {
      String type = wanted == null ? null : VerificationPolicy.predicateType(wanted);
      if (type == null || !type.startsWith("https://") || type.length() > 200) {
        reasons.add("field 'requirements.attestations' has " + Names.shown(wanted)
            + ": slsa-provenance, sbom or a predicate type URI");
        return path;
      }
      predicateTypes.add(type);
    }
    List<EnvironmentPlan> planned = new ArrayList<>();
    for (EnvironmentPlan env : path) {
      ApprovalPolicy approval = env.approval();
      if (minApprovals != null && env.needsApproval()) {
        if (minApprovals < approval.minApprovalsOrDefault()) {
          reasons.add("field 'requirements.minApprovals' (" + minApprovals + ") is below the "
              + approval.minApprovalsOrDefault() + " that policy requires in " + env.name() + " (" + where
              + "): requirements only make policy stricter");
        } else if (approval.groupsOrEmpty().isEmpty() && minApprovals > approval.approversOrEmpty().size()) {
          reasons.add("field 'requirements.minApprovals' (" + minApprovals + ") is more than the "
              + approval.approversOrEmpty().size() + " approver(s) " + env.name() + " has (" + where + ")");
        }
        approval = new ApprovalPolicy(true, approval.approvers(), Math.max(minApprovals, approval.minApprovalsOrDefault()),
            approval.timeoutHours(), approval.groups(), approval.expiresAfterHours(), approval.escalateAfterHours(),
            approval.escalationGroup(), approval.signedApprovals(), approval.emergencyGroup(),
            approval.signedActions(), approval.maxTokenLifetimeSeconds());
      }
      VerificationPolicy verification = env.verification();
      if (!predicateTypes.isEmpty()) {
        if (verification == null || !verification.required()) {
          reasons.add("field 'requirements.attestations': " + env.name() + " verifies no signatures (" + where
              + ", verification.required: false), so it cannot check attestations");
        } else {
          List<String> types = new ArrayList<>(verification.requiredPredicateTypesOrEmpty());
          predicateTypes.stream().filter(type -> !types.contains(type)).forEach(types::add);
          verification = new VerificationPolicy(true, verification.trustedKeys(), List.copyOf(types),
              verification.maxSignatureAgeHours(), verification.keyless());
        }
      }
      RolloutPolicy rollout = env.rollout();
      if (bake != null && rollout != null && rollout.progressive() && rollout.bakeSecondsOrDefault() < bake) {
        rollout = new RolloutPolicy(rollout.strategy(), rollout.steps(), bake, rollout.darkLaunch(), rollout.analysis());
      }
      planned.add(env.toBuilder().approval(approval).verification(verification).rollout(rollout).build());
    }
    return planned;
  }
}
