package dev.gantry.workflows.rollback;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.approval.DirectoryRequest;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.rollback.RollbackPlanRequest;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackRequest;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackResult;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.AuditEventIds;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

public class EnvironmentRollbackWorkflowImpl implements EnvironmentRollbackWorkflow {
  private final RollbackPolicyActivities policy =
      Workflow.newActivityStub(RollbackPolicyActivities.class, ActivityOptionsCatalogue.POLICY);
  private final ApproverDirectoryActivities directory =
      Workflow.newActivityStub(ApproverDirectoryActivities.class, ActivityOptionsCatalogue.DIRECTORY);
  private final DeploymentActivities deployments =
      Workflow.newActivityStub(DeploymentActivities.class, ActivityOptionsCatalogue.ROLLBACK);
  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);
  /** The audit trail's head after this workflow's latest record (Audit.append's result; null in old histories). */
  private AuditHead auditHead;
  private final EnvironmentActivities environments =
      Workflow.newActivityStub(EnvironmentActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);
  private int sequence;

  @Override
  public EnvironmentRollbackResult rollBack(EnvironmentRollbackRequest request) {
    if (request.reason() == null || request.reason().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("a rollback needs a reason", Failures.INVALID_REQUEST);
    }
    EnvironmentPlan plan;
    if (Workflow.getVersion(VersionMarkers.ROLLBACK_PLAN_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      plan = request.environment(); // recorded before policy owned rollbacks: the input was the plan
      record("rollback", "requested", request, plan.name(), request.reason());
    } else {
      plan = planFromPolicy(request);
    }
    String environment = plan.name();
    List<List<String>> waves = new ArrayList<>(plan.waves());
    java.util.Collections.reverse(waves);
    List<RegionStatus> regions = new ArrayList<>();
    for (List<String> wave : waves) {
      for (String region : wave) {
        try {
          RollbackResult result = deployments.rollback(new RollbackRequest(request.releaseId(),
              request.application(), request.version(), environment, region, plan.target(),
              "operator rollback by " + request.requestedBy() + ": " + request.reason()));
          String detail = result.changed() ? FailureReasons.rolledBackTo(result.restoredVersion())
              : "left alone: " + request.version() + " is not current there (runs "
                  + (result.restoredVersion() == null ? "nothing" : result.restoredVersion()) + ")";
          regions.add(new RegionStatus(region, result.changed() ? RegionState.ROLLED_BACK : RegionState.SKIPPED,
              result.restoredVersion(), detail));
          record("rollback-region", result.changed() ? "rolled back" : "unchanged", request, environment,
              region + ": " + detail);
        } catch (RuntimeException failure) {
          String reason = FailureReasons.of(failure);
          regions.add(new RegionStatus(region, RegionState.FAILED, null, reason));
          record("rollback-region", "failed", request, environment, region + ": " + reason);
        }
      }
    }
    String recorded = null;
    if (Workflow.getVersion(VersionMarkers.ROLLBACK_RECORDS_DEPLOYMENT, Workflow.DEFAULT_VERSION, 1) == 1) {
      recorded = recordWhatRunsNow(request, plan, regions);
    }
    return new EnvironmentRollbackResult(environment, List.copyOf(regions), recorded);
  }

  /**
   * Rewrites the environment's deployment record ({@code deployed.json}) to what its regions run after the
   * rollback, read back from the target (version and digest), so that drift detection does not take an
   * official rollback for drift. Left alone, and said so, when a region failed or the regions disagree.
   */
  private String recordWhatRunsNow(EnvironmentRollbackRequest request, EnvironmentPlan plan,
      List<RegionStatus> regions) {
    String environment = plan.name();
    String outcome;
    if (regions.stream().anyMatch(region -> region.state() == RegionState.FAILED)) {
      outcome = "deployment record left alone: a region failed to roll back";
    } else {
      List<String> names = plan.regions();
      Set<String> versions = new LinkedHashSet<>();
      Set<String> digests = new LinkedHashSet<>();
      try {
        RegionsActual actual = environments.readRegions(new RegionsRequest(request.application(), environment,
            plan.target(), names));
        for (RegionActual region : actual.regions()) {
          versions.add(region.version() == null ? "nothing" : region.version());
          digests.add(region.digest() == null ? "" : region.digest());
        }
      } catch (ActivityFailure unreadable) {
        // The target cannot say (e.g. not supported): what the rollbacks restored, without a digest.
        regions.forEach(region -> versions.add(region.previousVersion() == null ? "nothing"
            : region.previousVersion()));
        digests.add("");
      }
      if (versions.size() != 1 || versions.contains("nothing")) {
        outcome = "deployment record left alone: the regions run " + String.join(", ", versions);
      } else {
        String version = versions.iterator().next();
        String digest = digests.size() == 1 && !digests.contains("") ? digests.iterator().next() : null;
        deployments.recordDeployment(new RecordDeploymentRequest(Workflow.getInfo().getWorkflowId(),
            request.application(), version, digest, environment, names, plan.target()));
        outcome = "recorded " + version + (digest == null ? "" : " (" + digest + ")") + " as deployed in "
            + environment;
      }
    }
    record("rollback", "recorded", request, environment, outcome);
    return outcome;
  }

  /**
   * Resolves the environment's plan from the worker's policy and, where the environment requires signed
   * actors, checks the rollback's token. Any refusal is audited and ends the rollback before anything changes.
   */
  private EnvironmentPlan planFromPolicy(EnvironmentRollbackRequest request) {
    String environment = request.environmentNameOrPlan();
    String shownEnv = Names.isName(environment) ? environment : Names.shown(environment);
    if (request.environment() != null) {
      refuse(request, shownEnv, "field 'environment' is not accepted: the environment's plan (regions, target,"
          + " approvals) comes from the worker's platform policy; send the environment's name only"
          + " (upgrade the CLI or client)");
    }
    if (!Names.isName(request.application()) || !Names.isVersion(request.version())
        || !Names.isName(environment)
        || !(ReleaseIds.release(request.application(), request.version()).equals(request.releaseId())
            || ReleaseIds.promotion(request.application(), request.version(), environment)
                .equals(request.releaseId()))) {
      refuse(request, shownEnv, "fields 'releaseId', 'application', 'version', 'environmentName' must name one"
          + " release (release/<application>/<version>, or promotion/<application>/<version>/<environment>)"
          + " and an environment like production");
    }
    if (request.reason().length() > MessageLimits.TEXT || !MessageLimits.isOneLine(request.reason())) {
      refuse(request, shownEnv, "field 'reason' must be one line of at most " + MessageLimits.TEXT + " characters");
    }
    if (request.artifactDigest() != null && (request.artifactDigest().length() > MessageLimits.DIGEST
        || !request.artifactDigest().matches("sha256:[0-9a-f]{64}"))) {
      refuse(request, shownEnv, "field 'artifactDigest' must be sha256:<64 hex digits>");
    }
    if (!Names.isPerson(request.requestedBy())) {
      refuse(request, shownEnv, "field 'requestedBy' is " + Names.shown(request.requestedBy())
          + ": a person's or service's handle like dana");
    }
    String workflowId = Workflow.getInfo().getWorkflowId();
    if (!workflowId.startsWith(request.workflowId() + "/") && !workflowId.equals(request.workflowId())) {
      refuse(request, shownEnv, "the workflow id " + Names.shown(workflowId) + " is not this rollback's ("
          + request.workflowId() + "/...): start it with `gantry release rollback`");
    }
    RollbackPlan resolved;
    try {
      resolved = policy.resolveRollback(new RollbackPlanRequest(request.releaseId(), request.application(),
          request.version(), environment, request.requestedBy()));
    } catch (TemporalFailure failure) {
      refuse(request, shownEnv, FailureReasons.of(failure));
      return null; // not reached
    }
    EnvironmentPlan plan = resolved.environment();
    if (plan == null || !environment.equals(plan.name())) {
      refuse(request, shownEnv, "the platform policy has no environment " + shownEnv + " for "
          + request.application());
    }
    record("rollback", "requested", request, environment, request.reason() + " (plan from policy "
        + (resolved.policy() == null ? "?" : resolved.policy().digest()) + ")");
    ApprovalPolicy approval = plan.approval();
    if (approval != null && (approval.signed() || approval.signsEverything())) {
      checkSigned(request, plan, approval, resolved.approversDirectory());
    }
    return plan;
  }

  /**
   * A signed environment: only its approvers (named, by group, or the emergency group) may roll it back, and
   * only with a one-time {@code rollback} token signed by their key from the approvers directory.
   */
  private void checkSigned(EnvironmentRollbackRequest request, EnvironmentPlan plan, ApprovalPolicy approval,
      String approvers) {
    String environment = plan.name();
    String who = request.requestedBy().trim();
    ApproverDirectory people;
    try {
      people = directory.load(new DirectoryRequest(request.releaseId(), approvers));
    } catch (TemporalFailure failure) {
      refuse(request, environment, "the approvers directory cannot be read: " + FailureReasons.of(failure));
      return;
    }
    Approver person = people == null ? null : people.find(who);
    if (!approval.approverOrEmergency(who, person)) {
      refuse(request, environment, who + " may not roll back " + environment + ": it requires signed actors,"
          + " and only its approvers (" + approval.whoMayApprove() + ") or members of "
          + approval.emergencyGroupOrDefault() + " may roll it back");
    }
    ActorTokens.Verdict verdict = ActorTokens.verify(request.token(), person == null ? null : person.publicKeyPem(),
        new ActorTokens.Expected(request.releaseId(), environment, request.artifactDigest(), ActorTokens.ROLLBACK,
            null, who), Workflow.currentTimeMillis() / 1000, approval.tokenLifetimeOrDefault());
    if (!verdict.good()) {
      refuse(request, environment, verdict.problem() + "; a token for this rollback: gantry approval-token"
          + " --release " + request.releaseId() + " --action rollback --environment " + environment
          + " --digest " + request.artifactDigest() + " --as " + who + " --signing-key <your private key>");
    }
    spend(request, environment, verdict.id());
    record("rollback", "signed", request, environment, "token of " + who + " accepted (key "
        + verdict.keyThumbprint() + ")");
  }

  /** Spends the token's one-time id ({@link ActorTokenLedger}): a token counts once. */
  private void spend(EnvironmentRollbackRequest request, String environment, String jti) {
    if (!ActorTokenLedger.spend(jti)) {
      refuse(request, environment, "this token (jti) was already used: a signed rollback counts once; mint a"
          + " new token");
    }
  }

  /** Audits the refusal and ends the rollback with it; nothing has changed. */
  private void refuse(EnvironmentRollbackRequest request, String environment, String reason) {
    record("rollback", "refused", request, environment, reason);
    throw ApplicationFailure.newNonRetryableFailure("rollback refused (nothing was rolled back): " + reason,
        Failures.ROLLBACK_REFUSED);
  }

  private void record(String kind, String outcome, EnvironmentRollbackRequest request, String environment,
      String detail) {
    String runId = Workflow.getInfo().getRunId();
    AuditHead head;
    head = audit.append(new AuditEvent(AuditEventIds.of(request.workflowId(), runId, ++sequence), request.releaseId(), runId,
        kind, request.requestedBy(), environment, outcome, detail, request.artifactDigest(),
        Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
    if (head != null) {
      auditHead = head;
    }
  }
}
