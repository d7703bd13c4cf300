package dev.gantry.workflows.release;

import com.uber.m3.tally.Scope;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.SearchAttributes;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the world sees of a release besides its query: the typed search attributes (stage, status,
 * environment) that list and filter releases, the current details on its page in the Temporal UI
 * ({@link ApproverView}), and its metrics. Workflow code.
 */
final class StatusPublisher {
  private final ReleaseRun run;

  StatusPublisher(ReleaseRun run) {
    this.run = run;
  }

  /** Search attributes and the UI's current details follow the release's position. */
  void publish(String environment) {
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    updates.add(SearchAttributes.STAGE.valueSet(run.progress().stage()));
    updates.add(SearchAttributes.STATUS.valueSet(run.progress().state().name()));
    if (environment != null) {
      updates.add(SearchAttributes.ENVIRONMENT.valueSet(environment));
    }
    Workflow.upsertTypedSearchAttributes(updates.toArray(new SearchAttributeUpdate<?>[0]));
    details();
  }

  /** Only the current details (a message changed what an approver needs to know). */
  void details() {
    Workflow.setCurrentDetails(currentDetails());
  }

  /** Replay-safe metrics (the SDK drops them while replaying), tagged with the application. */
  Scope metrics() {
    String application = run.plan().application();
    return Workflow.getMetricsScope().tagged(Map.of("gantry_application",
        application == null ? "unknown" : application));
  }

  /** Shown on the workflow's page in the Temporal UI: where the release is and what it needs. */
  private String currentDetails() {
    ApproverView.OpenGate gate =
        run.progress().state() == ReleaseState.AWAITING_APPROVAL ? run.approvals().openGate() : null;
    return ApproverView.details(run.plan(), run.progress().snapshot(), gate);
  }
}
