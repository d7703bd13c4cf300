package dev.gantry.activities.cab;

import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;
import dev.gantry.workflows.api.cab.ReadDecisionRequest;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Routes each change board activity to the adapter of the policy's {@code type}. */
public class ChangeBoardActivitiesImpl implements ChangeBoardActivities {
  private final Map<String, ChangeBoardAdapter> adapters = new TreeMap<>();

  public ChangeBoardActivitiesImpl(List<ChangeBoardAdapter> adapters) {
    adapters.forEach(adapter -> this.adapters.put(adapter.type(), adapter));
  }

  /** ServiceNow and webhook boards, with tokens read from the given environment (e.g. System::getenv). */
  public static ChangeBoardActivitiesImpl standard(Function<String, String> environment) {
    return new ChangeBoardActivitiesImpl(List.of(
        new ServiceNowChangeBoard(environment), new WebhookChangeBoard(environment)));
  }

  @Override
  public ChangeTicket openChange(ChangeRequest request) {
    return adapterFor(request == null ? null : request.policy()).openChange(request);
  }

  @Override
  public CabDecision readDecision(ReadDecisionRequest request) {
    if (request == null || request.ticket() == null) {
      throw ApplicationFailure.newNonRetryableFailure("readDecision needs the ticket returned by openChange",
          INVALID_POLICY);
    }
    return adapterFor(request.policy()).readDecision(request.ticket(), request.policy());
  }

  @Override
  public ChangeTicket closeChange(CloseChangeRequest request) {
    if (request == null || request.ticket() == null) {
      throw ApplicationFailure.newNonRetryableFailure("closeChange needs the ticket returned by openChange",
          INVALID_POLICY);
    }
    return adapterFor(request.policy()).closeChange(request);
  }

  private ChangeBoardAdapter adapterFor(CabPolicy policy) {
    if (policy == null) {
      throw ApplicationFailure.newNonRetryableFailure("the request carries no cab policy", INVALID_POLICY);
    }
    ChangeBoardAdapter adapter = policy.type() == null ? null : adapters.get(policy.type().trim());
    if (adapter == null) {
      throw ApplicationFailure.newNonRetryableFailure("cab.type '" + policy.type() + "' is not a change"
          + " board this worker can talk to: use one of " + String.join(", ", adapters.keySet()),
          UNSUPPORTED);
    }
    return adapter;
  }
}
