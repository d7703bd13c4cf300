package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.environment.ConfigActual;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.DestroyApproval;
import dev.gantry.workflows.api.environment.DriftItem;
import dev.gantry.workflows.api.environment.DriftPolicy;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.DriftRequest;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.traffic.ReadTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.AuditEventIds;
import dev.gantry.workflows.support.SignedActors;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

public class DriftDetectionWorkflowImpl implements DriftDetectionWorkflow {
  private final EnvironmentActivities environments =
      Workflow.newActivityStub(EnvironmentActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);
  private final RegionTrafficActivities traffic =
      Workflow.newActivityStub(RegionTrafficActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);
  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);
  /** The audit trail's head after this workflow's latest record (Audit.append's result; null in old histories). */
  private AuditHead auditHead;
  private DriftRequest request;
  private final ApproverDirectoryActivities directory =
      Workflow.newActivityStub(ApproverDirectoryActivities.class, ActivityOptionsCatalogue.DIRECTORY);
  /** A signed environment's rules for the remediation approval; null where a typed name is accepted. */
  private SignedActors signing;
  private String approversDirectory;
  /** The environment as the worker's policy defines it (the client's in runs from before). */
  private EnvironmentPlan plan;
  private DriftReport report;
  private DestroyApproval approval;
  private int sequence;

  @Override
  public DriftReport check(DriftRequest request) {
    this.request = request;
    RollbackPlan resolved = EnvironmentFromPolicy.resolveWithDirectory(request.application(), request.environment(),
        request.requestedBy());
    EnvironmentPlan plan = resolved.environment();
    this.plan = plan;
    this.approversDirectory = resolved.approversDirectory();
    String app = request.application();
    String checkedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
    RecordedDeployment recorded = environments.readRecordedDeployment(
        new RegionsRequest(app, plan.name(), plan.target(), plan.regions()));
    List<String> regions = DriftComparison.declaredRegions(plan, recorded);
    var actual = environments.readRegions(new RegionsRequest(app, plan.name(), plan.target(), regions)).regions();
    boolean configured = plan.environmentConfig() != null && plan.environmentConfig().applies();
    ConfigActual config = configured ? environments.readConfig(configRequest(plan)) : null;
    TrafficWeights weights = DriftComparison.hasWeightedTraffic(plan)
        ? traffic.readTraffic(new ReadTrafficRequest(app, plan.name(), plan.target())) : null;
    List<DriftItem> differences = DriftComparison.compare(plan, recorded, actual, config, weights);
    report = new DriftReport(app, plan.name(), checkedAt, recorded == null ? null : recorded.version(),
        differences, "none");
    record(differences.isEmpty() ? "clean" : "drift", differences.isEmpty() ? "no drift"
        : differences.size() + " difference(s): " + String.join("; ",
            differences.stream().limit(20).map(DriftItem::line).toList()));
    if (!differences.isEmpty() && Boolean.TRUE.equals(request.remediate()) && configured
        && differences.stream().anyMatch(d -> d.kind().equals("parameter") || d.kind().equals("secret"))) {
      remediate(plan);
    }
    return report;
  }

  /** Re-applies the declared configuration once a remediation approver says so (versions are not touched). */
  private void remediate(EnvironmentPlan plan) {
    DriftPolicy policy = plan.environmentConfig().drift();
    if (policy == null || policy.approversOrEmpty().isEmpty()) {
      report = with("not possible: no drift.remediationApprovers in the environment's config");
      return;
    }
    if (Workflow.getVersion(VersionMarkers.ENVIRONMENT_PLAN_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // a signed environment: the approval is a one-time remediate token of the approver (read before waiting)
      signing = SignedActors.of(directory, Workflow.getInfo().getWorkflowId(), plan, approversDirectory);
    }
    report = with("waiting for approval by one of " + String.join(", ", policy.approversOrEmpty()));
    boolean approved = Workflow.await(Duration.ofHours(policy.approvalTimeoutHoursOrDefault()),
        () -> approval != null);
    if (!approved) {
      report = with("not approved within " + policy.approvalTimeoutHoursOrDefault() + "h: nothing changed");
      record("remediation", report.remediation());
      return;
    }
    if (signing != null) {
      SignedActors.Check check = SignedActors.spent(signing.verify(ActorTokens.REMEDIATE, approval.approver(), null,
          approval.token(), Workflow.currentTimeMillis() / 1000), ActorTokens.REMEDIATE);
      if (check.refusal() != null) {
        report = with("refused: " + check.refusal() + ": nothing changed");
        record("remediation", report.remediation());
        return;
      }
      record("remediation", "token of " + approval.approver() + " accepted (key " + check.keyThumbprint() + ")");
    }
    var applied = environments.applyConfig(configRequest(plan));
    report = with("configuration re-applied (approved by " + approval.approver() + "): changed "
        + applied.changed() + ", removed " + applied.removed()
        + "; version drift, if any, needs a release or a rollback");
    record("remediation", report.remediation());
  }

  private DriftReport with(String remediation) {
    return new DriftReport(report.application(), report.environment(), report.checkedAt(),
        report.declaredVersion(), report.differences(), remediation);
  }

  private ConfigRequest configRequest(EnvironmentPlan plan) {
    return new ConfigRequest(request.application(), plan.name(), plan.target(), plan.regions(),
        plan.variables() == null ? Map.of() : plan.variables(), plan.environmentConfig().secretsOrEmpty());
  }

  @Override
  public DriftReport report() {
    return report;
  }

  @Override
  public String approveRemediation(DestroyApproval approval) {
    this.approval = approval;
    return "remediation approved by " + approval.approver();
  }

  @Override
  public void validateRemediation(DestroyApproval approval) {
    if (approval == null || approval.approver() == null || approval.approver().isBlank()) {
      throw new IllegalArgumentException("an approval names its approver");
    }
    String token = MessageLimits.problem("approveRemediation", MessageLimits.field("token", approval.token(),
        MessageLimits.Shape.TOKEN));
    if (token != null) {
      throw new IllegalArgumentException(token);
    }
    if (report == null || plan == null || !report.remediation().startsWith("waiting for approval")) {
      throw new IllegalArgumentException("this drift check is not waiting for a remediation approval");
    }
    DriftPolicy policy = plan.environmentConfig().drift();
    if (!policy.approversOrEmpty().contains(approval.approver())) {
      throw new IllegalArgumentException(approval.approver() + " may not approve remediations of "
          + plan.name() + "; drift.remediationApprovers: " + policy.approversOrEmpty());
    }
    if (signing != null) {
      String refusal = signing.verify(ActorTokens.REMEDIATE, approval.approver(), null, approval.token(),
          Workflow.currentTimeMillis() / 1000).refusal();
      if (refusal != null) {
        throw new IllegalArgumentException(refusal);
      }
    }
  }

  private void record(String outcome, String detail) {
    String runId = Workflow.getInfo().getRunId();
    String id = Workflow.getInfo().getWorkflowId();
    AuditHead head;
    head = audit.append(new AuditEvent(AuditEventIds.of(id, runId, ++sequence), id, runId, "drift",
        request.requestedBy(), request.environment().name(), outcome, detail, null,
        Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
    if (head != null) {
      auditHead = head;
    }
  }
}
