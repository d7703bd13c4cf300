package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.ProvisionRequest;
import dev.gantry.workflows.api.environment.ProvisionResult;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.AuditEventIds;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class EnvironmentProvisionWorkflowImpl implements EnvironmentProvisionWorkflow {
  private final EnvironmentActivities store =
      Workflow.newActivityStub(EnvironmentActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);
  private final EnvironmentActivities stacks =
      Workflow.newActivityStub(EnvironmentActivities.class, ActivityOptionsCatalogue.STACKS);
  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);
  /** The audit trail's head after this workflow's latest record (Audit.append's result; null in old histories). */
  private AuditHead auditHead;
  private int sequence;

  @Override
  public ProvisionResult provision(ProvisionRequest request) {
    EnvironmentPlan plan = EnvironmentFromPolicy.resolve(request.application(), request.environment(),
        request.requestedBy());
    var config = plan.environmentConfig();
    record(request, "requested", "regions " + plan.regions() + (config == null || config.infrastructure() == null
        ? "" : ", template " + config.infrastructure().template()));
    Saga saga = new Saga(new Saga.Options.Builder().setContinueWithError(true).build());
    Map<String, Promise<StackStatus>> running = new LinkedHashMap<>();
    for (String region : plan.regions()) {
      StackRequest stack = new StackRequest(request.application(), plan.name(), region, plan.target(),
          config == null ? null : config.infrastructure());
      saga.addCompensation(() -> stacks.deleteStack(stack));
      running.put(region, Async.function(() -> {
        stacks.createStack(stack);
        return stacks.awaitStack(stack);
      }));
    }
    List<StackStatus> created = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Promise<StackStatus>> entry : running.entrySet()) {
      try {
        created.add(entry.getValue().get());
      } catch (RuntimeException failure) {
        failures.add(entry.getKey() + ": " + FailureReasons.of(failure));
      }
    }
    if (!failures.isEmpty()) {
      Workflow.newDetachedCancellationScope(saga::compensate).run();
      String reason = "creating " + plan.name() + " failed (" + String.join("; ", failures)
          + "); the stacks already created were deleted";
      record(request, "failed", reason);
      throw ApplicationFailure.newNonRetryableFailure(reason, Failures.REGION_FAILED);
    }
    long now = Workflow.currentTimeMillis();
    String expiresAt = config == null || config.ttlHours() == null ? null
        : Instant.ofEpochMilli(now).plus(Duration.ofHours(config.ttlHours())).toString();
    String location = store.register(new Registration(request.application(), plan.name(), plan.target(),
        plan.primaryRegion(), created, request.requestedBy(), Instant.ofEpochMilli(now).toString(), expiresAt));
    record(request, "created", "stacks " + created.stream().map(s -> s.region() + "=" + s.status()).toList()
        + ", registered at " + location + (expiresAt == null ? "" : ", expires " + expiresAt));
    return new ProvisionResult(plan.name(), created, location, expiresAt);
  }

  private void record(ProvisionRequest request, String outcome, String detail) {
    String runId = Workflow.getInfo().getRunId();
    AuditHead head;
    head = audit.append(new AuditEvent(AuditEventIds.of(request.workflowId(), runId, ++sequence), request.workflowId(),
        runId, "environment-create", request.requestedBy(), request.environment().name(), outcome, detail, null,
        Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
    if (head != null) {
      auditHead = head;
    }
  }
}
