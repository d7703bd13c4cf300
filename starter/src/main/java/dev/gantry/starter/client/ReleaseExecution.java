package dev.gantry.starter.client;

import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.SearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.util.List;
import java.util.Locale;

/**
 * A release as Temporal itself knows it (DescribeWorkflowExecution and, once closed, its close event),
 * beside what the release last said of itself (its search attributes, its status query).
 *
 * <p>They disagree when Temporal stopped the release without a word from it: terminated (by an operator,
 * or by the server for a result over the blob limit), timed out, or cancelled. Its search attribute and
 * its status query then still say RUNNING or AWAITING_APPROVAL, or even SUCCEEDED: Temporal's own word
 * wins.
 *
 * @param closedAt    ISO-8601, or null while it runs
 * @param closeReason how it closed, in a line, for a release Temporal stopped; null otherwise
 */
public record ReleaseExecution(String releaseId, WorkflowExecutionStatus status, String application,
    String version, String statusAttribute, String stage, String startedAt, String closedAt,
    String closeReason) {

  /** What a close reason (set by whoever terminated the release) may print: one line, cut. */
  static final int REASON_CHARS = 300;

  /** The {@code --status} values of {@code gantry release list}. */
  public static final List<String> STATES = java.util.Arrays.stream(ReleaseState.values()).map(Enum::name).toList();

  public boolean closed() {
    return status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
        && status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED;
  }

  /**
   * The release's state: Temporal's for a closed release, else what the release said ({@code said}). A
   * release that says it has ended while its execution still runs (it is writing its last audit events,
   * and the server may yet refuse its result) is still RUNNING: it has ended when Temporal says so.
   */
  public ReleaseState state(ReleaseState said) {
    ReleaseState closedAs = closedAs(status);
    if (closedAs != null) {
      return closedAs;
    }
    return said != null && said.isFinal() && !closed() ? ReleaseState.RUNNING : said;
  }

  /** The state a closed workflow execution means for a release; null while it runs. */
  static ReleaseState closedAs(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> ReleaseState.SUCCEEDED;
      case WORKFLOW_EXECUTION_STATUS_FAILED -> ReleaseState.FAILED;
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> ReleaseState.TERMINATED;
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> ReleaseState.TIMED_OUT;
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> ReleaseState.CANCELED;
      default -> null;
    };
  }

  /** The status a list shows: Temporal's for a closed release, else the release's search attribute. */
  public static String listed(WorkflowExecutionStatus status, String attribute) {
    ReleaseState closedAs = closedAs(status);
    if (closedAs != null) {
      return closedAs.name();
    }
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
      return "CONTINUED_AS_NEW";
    }
    ReleaseState said = known(attribute);
    if (attribute != null && said == null) {
      return "UNKNOWN"; // whoever started the workflow set it, not the release
    }
    return said == null || said.isFinal() ? ReleaseState.RUNNING.name() : said.name();
  }

  /** The state a search attribute names, or null for none or a value no release ever sets. */
  private static ReleaseState known(String attribute) {
    return STATES.contains(attribute) ? ReleaseState.valueOf(attribute) : null;
  }

  /**
   * The visibility query that finds releases in a state, as {@link #listed} shows them: the running
   * states by the release's search attribute, the final ones by Temporal's execution status.
   */
  public static String listFilter(String state) {
    String wanted = state.trim().toUpperCase(Locale.ROOT).replace("CANCELLED", "CANCELED");
    return switch (wanted) {
      case "AWAITING_APPROVAL", "WAITING" -> SearchAttributes.STATUS.getName() + " = '" + wanted
          + "' AND ExecutionStatus = 'Running'";
      // as listed: running, or finishing (it says it ended, Temporal has not closed it yet)
      case "RUNNING" -> "ExecutionStatus = 'Running' AND " + SearchAttributes.STATUS.getName()
          + " IN ('RUNNING', 'SUCCEEDED', 'FAILED')";
      case "SUCCEEDED" -> "ExecutionStatus = 'Completed'";
      case "FAILED" -> "ExecutionStatus = 'Failed'";
      case "TERMINATED" -> "ExecutionStatus = 'Terminated'";
      case "TIMED_OUT" -> "ExecutionStatus = 'TimedOut'";
      case "CANCELED" -> "ExecutionStatus = 'Canceled'";
      default -> throw new IllegalArgumentException("--status " + dev.gantry.workflows.api.input.Names.shown(state)
          + " is not a release state: use one of " + String.join(", ", STATES));
    };
  }

  /**
   * The release's answer to the status query, corrected by Temporal: a release stopped without a word
   * shows how it ended, when, and why; it no longer waits for anything.
   */
  public ReleaseStatus reconcile(ReleaseStatus said) {
    ReleaseState state = state(said.state());
    if (state == said.state()) {
      return said;
    }
    List<EnvironmentStatus> environments = said.environments() == null ? List.of() : said.environments().stream()
        .map(env -> new EnvironmentStatus(env.environment(), env.state(), env.regions(), null))
        .toList();
    return new ReleaseStatus(said.releaseId(), said.application(), said.version(), said.artifactDigest(),
        said.requestedBy(), state, said.stage(), environments, said.approvals(), said.timeline(), said.startedAt(),
        said.finishedAt() != null ? said.finishedAt() : closedAt,
        said.failureReason() != null ? said.failureReason() : closeReason, said.overrides(), said.gates(),
        said.signatures(), said.policy(), said.omitted(), said.auditHead());
  }

  /** What can be said of a closed release whose status query does not answer: what Temporal knows. */
  public ReleaseStatus withoutQuery(String why) {
    String reason = (closeReason == null ? "" : closeReason + "; ")
        + "its status query did not answer (" + MessageLimits.cut(why, REASON_CHARS)
        + "): this is what Temporal knows of it";
    return new ReleaseStatus(releaseId, application, version, null, null, state(ReleaseState.RUNNING), stage,
        List.of(), List.of(), List.of(), startedAt, closedAt, reason, List.of(), List.of(), List.of(), null,
        null);
  }

  /**
   * Why Temporal closed the release, in one line (identity and reason are what whoever closed it said);
   * null for a normal end.
   */
  static String closeReason(WorkflowExecutionStatus status, String identity, String reason) {
    String by = identity == null || identity.isBlank() ? "" : " by " + identity;
    String why = reason == null || reason.isBlank() ? "" : ": " + reason;
    String text = switch (status) {
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "terminated" + by + why;
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> "timed out (past the workflow's execution or run timeout)";
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "cancelled";
      default -> null;
    };
    return MessageLimits.cut(text, REASON_CHARS);
  }
}
