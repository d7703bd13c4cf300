package dev.gantry.starter.client;

import dev.gantry.starter.client.GantryClient.ReleaseSummary;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import java.util.List;

/** Releases as the server's visibility store lists them, filtered by their search attributes. */
final class ReleaseListing {
  private final WorkflowClient client;
  private final ReleaseCalls calls;

  ReleaseListing(WorkflowClient client, ReleaseCalls calls) {
    this.client = client;
    this.calls = calls;
  }

  /** Newest first; filters are exact matches, null means any. */
  List<ReleaseSummary> list(String application, String environment, String status, int limit) {
    StringBuilder query = new StringBuilder("WorkflowType = 'Release'");
    appendFilter(query, SearchAttributes.APPLICATION.getName(), application);
    appendFilter(query, SearchAttributes.ENVIRONMENT.getName(), environment);
    if (status != null && !status.isBlank()) {
      query.append(" AND ").append(ReleaseExecution.listFilter(status));
    }
    try {
      return client.listExecutions(query.toString())
          .limit(limit)
          .map(execution -> {
            io.temporal.common.SearchAttributes attributes = execution.getTypedSearchAttributes();
            // Temporal's word on a closed release outranks the status the release last published.
            // Whoever starts a workflow sets its id and search attributes: shown on one line, cut.
            return new ReleaseSummary(listed(execution.getExecution().getWorkflowId()),
                listed(attributes.get(SearchAttributes.APPLICATION)), listed(attributes.get(SearchAttributes.VERSION)),
                ReleaseExecution.listed(execution.getStatus(), attributes.get(SearchAttributes.STATUS)),
                listed(attributes.get(SearchAttributes.STAGE)),
                listed(attributes.get(SearchAttributes.ENVIRONMENT)), String.valueOf(execution.getStartTime()),
                execution.getCloseTime() == null ? null : String.valueOf(execution.getCloseTime()));
          })
          .toList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw new GantryException("this Temporal server cannot list workflows (the Java test server has no"
            + " visibility store): use the dev server (scripts/test-tools.sh) or a cluster");
      }
      throw calls.translate(e, "the release list");
    }
  }

  /** A value from visibility as a list shows it. */
  private static String listed(String value) {
    return MessageLimits.cut(value, 200);
  }

  private static void appendFilter(StringBuilder query, String attribute, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    if (!value.matches("[A-Za-z0-9._+-]+")) {
      throw new IllegalArgumentException("filter value '" + value + "' for " + attribute
          + " may only contain letters, digits and . _ + -");
    }
    query.append(" AND ").append(attribute).append(" = '").append(value).append("'");
  }
}
