package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.environment.DecommissionRequest;
import dev.gantry.workflows.api.environment.DecommissionResult;
import dev.gantry.workflows.api.environment.DestroyApproval;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.EnvironmentSchedules;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.environment.ReleaseLookupActivities;
import dev.gantry.workflows.api.environment.RunningReleases;
import dev.gantry.workflows.api.environment.ScheduleActivities;
import dev.gantry.workflows.api.environment.SchedulesDeleted;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.traffic.ReadTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.traffic.ShiftTrafficRequest;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import dev.gantry.workflows.failover.TrafficOwnerWorkflow;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.AuditEventIds;
import dev.gantry.workflows.support.SignedActors;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class EnvironmentDecommissionWorkflowImpl implements EnvironmentDecommissionWorkflow {
  private final EnvironmentActivities store =
      Workflow.newActivityStub(EnvironmentActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);
  private final EnvironmentActivities stacks =
      Workflow.newActivityStub(EnvironmentActivities.class, ActivityOptionsCatalogue.STACKS);
  private final ReleaseLookupActivities lookup =
      Workflow.newActivityStub(ReleaseLookupActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);
  private final ReleaseLookupActivities ownerStops =
      Workflow.newActivityStub(ReleaseLookupActivities.class, ActivityOptionsCatalogue.OWNER_STOP);
  private final RegionTrafficActivities traffic =
      Workflow.newActivityStub(RegionTrafficActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);
  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);
  /** The audit trail's head after this workflow's latest record (Audit.append's result; null in old histories). */
  private AuditHead auditHead;
  private final ScheduleActivities schedules =
      Workflow.newActivityStub(ScheduleActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);

  private DecommissionRequest request;
  private ApprovalPolicy policy;
  private final List<String> approvedBy = new ArrayList<>();
  private final ApproverDirectoryActivities directory =
      Workflow.newActivityStub(ApproverDirectoryActivities.class, ActivityOptionsCatalogue.DIRECTORY);
  /** A signed environment's rules for approvals (tokens); null where typed names are accepted. */
  private SignedActors signing;
  private String stage = "starting";
  private int sequence;

  @Override
  public DecommissionResult destroy(DecommissionRequest request) {
    this.request = request;
    RollbackPlan resolved = EnvironmentFromPolicy.resolveWithDirectory(request.application(), request.environment(),
        request.requestedBy());
    EnvironmentPlan plan = resolved.environment();
    this.policy = approvalPolicy(plan);
    if (Workflow.getVersion(VersionMarkers.ENVIRONMENT_PLAN_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) >= 1) {
      this.signing = SignedActors.of(directory, Workflow.getInfo().getWorkflowId(), plan,
          resolved.approversDirectory());
    }
    record("requested", request.requestedBy(), request.reason());
    if (Boolean.TRUE.equals(request.expired())) {
      Registration registration = store.readRegistration(new RegionsRequest(request.application(), plan.name(),
          plan.target(), List.of(plan.primaryRegion())));
      if (registration == null) {
        // The expiry schedule fires until the environment is gone: a later run finds nothing to do (but the
        // schedules it left, if any).
        String detail = "already gone: " + plan.name() + " is not registered";
        if (ownsSchedules()) {
          detail += "; " + deleteSchedules(plan);
        }
        stage = "destroyed";
        return new DecommissionResult(plan.name(), "DESTROYED", detail, List.of(), List.of(), null);
      }
      String notExpired = notExpired(plan, registration);
      if (notExpired != null) {
        return refused(notExpired);
      }
    }
    String refusal = refusal(plan);
    if (refusal != null) {
      return refused(refusal);
    }
    if (Boolean.TRUE.equals(request.expired())) {
      approvedBy.add("ttl");
      record("approved", null, "expired: the TTL declared when the environment was created stands for approval");
    } else {
      if (policy.approversOrEmpty().isEmpty()) {
        return refused("nobody may approve destroying " + plan.name() + ": set lifecycle.destroyApprovers (or"
            + " approval.approvers) in its config.yaml");
      }
      stage = "waiting for approval (0 of " + policy.minApprovalsOrDefault() + ") by "
          + String.join(", ", policy.approversOrEmpty());
      boolean approved = Workflow.await(Duration.ofHours(policy.timeoutHoursOrDefault()),
          () -> approvedBy.size() >= policy.minApprovalsOrDefault());
      if (!approved) {
        return refused("not approved within " + policy.timeoutHoursOrDefault() + "h");
      }
      // Approval can take long: look again before touching anything.
      refusal = refusal(plan);
      if (refusal != null) {
        return refused(refusal);
      }
    }
    if (hasRoute53(plan) && Workflow.getVersion(VersionMarkers.STOP_TRAFFIC_OWNER, Workflow.DEFAULT_VERSION, 1) == 1) {
      stage = STOPPING_TRAFFIC_OWNER; // the owner of a signed environment asks (ReleaseLookup.destroyApproved)
      stopTrafficOwner(plan);
      if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_SIGNED_STOP, Workflow.DEFAULT_VERSION, 1) == 1) {
        String notStopped = awaitOwnerStopped(plan);
        if (notStopped != null) {
          return refused(notStopped);
        }
      }
    }
    if (DriftComparison.hasWeightedTraffic(plan) && Boolean.TRUE.equals(request.drain())) {
      stage = "draining";
      Map<String, Integer> zero = new LinkedHashMap<>();
      plan.regions().forEach(region -> zero.put(region, 0));
      TrafficWeights now = traffic.shiftTraffic(new ShiftTrafficRequest(request.application(), plan.name(),
          plan.target(), zero, "decommissioning " + plan.name()));
      record("drained", null, now.detail());
      // Resolvers keep the old answer for the record's TTL.
      Workflow.sleep(Duration.ofSeconds(plan.target().aws().route53().ttlSecondsOrDefault()));
    }
    stage = "deleting stacks";
    List<StackStatus> deleted = new ArrayList<>();
    var config = plan.environmentConfig();
    for (String region : plan.regions()) {
      deleted.add(stacks.deleteStack(new StackRequest(request.application(), plan.name(), region, plan.target(),
          config == null ? null : config.infrastructure())));
    }
    record("stacks deleted", null, deleted.stream().map(s -> s.region() + "=" + s.status()).toList().toString());
    stage = "archiving";
    String archive = store.archive(new ArchiveRequest(request.application(), plan.name(), plan.target(),
        plan.primaryRegion(), request.workflowId()));
    String detail = "destroyed; audit trail archived at " + archive;
    if (ownsSchedules()) {
      detail += "; " + deleteSchedules(plan);
    }
    stage = "destroyed";
    record("destroyed", null, "audit trail archived at " + archive);
    return new DecommissionResult(plan.name(), "DESTROYED", detail, List.copyOf(approvedBy), deleted, archive);
  }

  /**
   * The environment's schedules are deleted by whatever destroys it (CLI with or without waiting, TTL expiry),
   * here in the workflow. Destroys recorded before this replay without it.
   */
  private boolean ownsSchedules() {
    return Workflow.getVersion(VersionMarkers.DESTROY_DELETES_SCHEDULES, Workflow.DEFAULT_VERSION, 1) == 1;
  }

  /** The environment is gone by now: a failure here is said, not a failed destroy. */
  private String deleteSchedules(EnvironmentPlan plan) {
    stage = "deleting schedules";
    EnvironmentSchedules owned = new EnvironmentSchedules(request.application(), plan.name());
    try {
      SchedulesDeleted result = schedules.deleteEnvironmentSchedules(owned);
      record("schedules deleted", null, result.describe());
      return result.describe();
    } catch (ActivityFailure failure) {
      String said = "could not delete the schedules (" + FailureReasons.of(failure) + "): delete them with "
          + String.join(" and ", owned.ids().stream()
              .map(id -> "`temporal schedule delete --schedule-id " + id + "`").toList());
      record("schedules not deleted", null, said);
      return said;
    }
  }


  private static boolean hasRoute53(EnvironmentPlan plan) {
    return plan.target() != null && plan.target().aws() != null && plan.target().aws().route53() != null
        && plan.target().aws().route53().recordName() != null;
  }

  /**
   * A stop is a signal: the owner may be in the middle of a round, and in a signed environment it first checks that
   * this destroy is approved. Drain only once it no longer writes weights; null when it has stopped (or none runs).
   */
  private String awaitOwnerStopped(EnvironmentPlan plan) {
    String ownerId = ReleaseIds.traffic(request.application(), plan.target().aws().route53().recordName());
    try {
      String how = ownerStops.ownerStopped(ownerId);
      record("traffic owner checked", null, ownerId + ": " + how);
      return null;
    } catch (ActivityFailure failure) {
      return "the traffic owner " + ownerId + " did not stop within 2 minutes (" + FailureReasons.of(failure)
          + "): nothing was drained or deleted; look at its trail (gantry region status), then destroy again";
    }
  }

  /**
   * The traffic owner of the environment's DNS name would put its weights back after the drain (and keep
   * writing records of an environment that is gone): stop it first. None running is fine.
   */
  private void stopTrafficOwner(EnvironmentPlan plan) {
    String ownerId = ReleaseIds.traffic(request.application(), plan.target().aws().route53().recordName());
    try {
      Workflow.newExternalWorkflowStub(TrafficOwnerWorkflow.class, ownerId)
          .stop(new TrafficCommand(null, TrafficOwnerWorkflow.DESTROY_SENDER, "environment " + plan.name()
              + " is being destroyed"));
      record("traffic owner stopped", null, ownerId + ": its weights are left as they are");
    } catch (SignalExternalWorkflowException notRunning) {
      // no owner runs for this name: nothing writes the records but this workflow
    } catch (ApplicationFailure failure) {
      // the same, as the SDK reports it when the signal's target is not found (seen on the test server)
      if (failure.getType() == null || !failure.getType().contains("NOT_FOUND")) {
        throw failure;
      }
    }
  }

  /**
   * A destroy "by expiry" skips the approvals: only an environment whose registration (written by the worker when
   * it was created, with the TTL of the policy then) has expired may be destroyed so. Runs from before trusted
   * the request's word.
   */
  private String notExpired(EnvironmentPlan plan, Registration registration) {
    if (Workflow.getVersion(VersionMarkers.ENVIRONMENT_PLAN_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) < 1) {
      return null;
    }
    String expiresAt = registration.expiresAt();
    long expiry;
    try {
      expiry = expiresAt == null ? Long.MAX_VALUE : Instant.parse(expiresAt).toEpochMilli();
    } catch (java.time.format.DateTimeParseException unreadable) {
      expiry = Long.MAX_VALUE;
    }
    if (expiry <= Workflow.currentTimeMillis()) {
      return null;
    }
    return "field 'expired' is true, but " + plan.name() + (expiresAt == null ? " has no TTL" : " expires only at "
        + expiresAt) + ": a destroy without approvals is for its expiry schedule; run `gantry env destroy "
        + plan.name() + "` to destroy it with its approvers' approval";
  }

  /** Why the environment may not be destroyed now, or null. */
  private String refusal(EnvironmentPlan plan) {
    stage = "checking";
    RunningReleases running;
    try {
      running = lookup.running(new RegionsRequest(request.application(), plan.name(), plan.target(),
          plan.regions()));
    } catch (ActivityFailure failure) {
      return "cannot check whether a release is running in " + plan.name() + ": " + FailureReasons.of(failure);
    }
    if (!running.workflowIds().isEmpty()) {
      return "a release is running in " + plan.name() + ": " + String.join(", ", running.workflowIds())
          + "; wait for it to end or abort it";
    }
    if (DriftComparison.hasWeightedTraffic(plan)) {
      TrafficWeights weights = traffic.readTraffic(new ReadTrafficRequest(request.application(), plan.name(),
          plan.target()));
      boolean served = weights.weights().values().stream().anyMatch(weight -> weight != null && weight > 0);
      if (served && !Boolean.TRUE.equals(request.drain())) {
        return plan.name() + " still serves traffic (" + weights.detail() + "); move users away first, or"
            + " pass --drain to set every weight to 0 before deleting";
      }
    }
    return null;
  }

  private DecommissionResult refused(String reason) {
    stage = "refused: " + reason;
    record("refused", null, reason);
    return new DecommissionResult(request.environment().name(), "REFUSED", reason, List.copyOf(approvedBy),
        List.of(), null);
  }

  private static ApprovalPolicy approvalPolicy(EnvironmentPlan plan) {
    var config = plan.environmentConfig();
    if (config != null && config.destroyApproval() != null) {
      return config.destroyApproval();
    }
    return plan.approval() == null ? ApprovalPolicy.none() : plan.approval();
  }

  @Override
  public GateDecision approve(DestroyApproval approval) {
    if (signing != null) {
      SignedActors.Check check = SignedActors.spent(signing.verify(ActorTokens.DESTROY, approval.approver(), null,
          approval.token(), Workflow.currentTimeMillis() / 1000), ActorTokens.DESTROY);
      String refusal = check.refusal();
      if (refusal != null) {
        record("approval refused", approval.approver(), refusal);
        throw ApplicationFailure.newNonRetryableFailure("refused: " + refusal, Failures.POLICY_REFUSED);
      }
      record("approval signed", approval.approver(), "token accepted (key " + check.keyThumbprint() + ")");
    }
    approvedBy.add(approval.approver());
    record("approved", approval.approver(), approval.comment());
    stage = "waiting for approval (" + approvedBy.size() + " of " + policy.minApprovalsOrDefault() + ")";
    return new GateDecision(true, request.environment().name(),
        approvedBy.size() + " of " + policy.minApprovalsOrDefault() + " approval(s)");
  }

  @Override
  public void validateApproval(DestroyApproval approval) {
    if (approval == null || approval.approver() == null || approval.approver().isBlank()) {
      throw new IllegalArgumentException("an approval names its approver (--as)");
    }
    String token = MessageLimits.problem("approve", MessageLimits.field("token", approval.token(),
        MessageLimits.Shape.TOKEN));
    if (token != null) {
      throw new IllegalArgumentException(token);
    }
    if (request == null || !stage.startsWith("waiting for approval")) {
      throw new IllegalArgumentException("destroying " + (request == null ? "the environment"
          : request.environment().name()) + " is not waiting for approval (" + stage + ")");
    }
    if (approval.approver().equals(request.requestedBy())) {
      throw new IllegalArgumentException(approval.approver() + " asked for this destroy and may not approve it");
    }
    if (!policy.approversOrEmpty().contains(approval.approver())) {
      throw new IllegalArgumentException(approval.approver() + " may not approve destroying "
          + request.environment().name() + "; approvers: " + String.join(", ", policy.approversOrEmpty()));
    }
    if (approvedBy.contains(approval.approver())) {
      throw new IllegalArgumentException(approval.approver() + " has already approved");
    }
    if (signing != null) {
      String refusal = signing.verify(ActorTokens.DESTROY, approval.approver(), null, approval.token(),
          Workflow.currentTimeMillis() / 1000).refusal();
      if (refusal != null) {
        throw new IllegalArgumentException(refusal);
      }
    }
  }

  @Override
  public String stage() {
    return stage;
  }

  private void record(String outcome, String actor, String detail) {
    String runId = Workflow.getInfo().getRunId();
    AuditHead head;
    head = audit.append(new AuditEvent(AuditEventIds.of(request.workflowId(), runId, ++sequence), request.workflowId(),
        runId, "environment-destroy", actor == null ? request.requestedBy() : actor, request.environment().name(),
        outcome, detail, null, Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
    if (head != null) {
      auditHead = head;
    }
  }
}
