package dev.gantry.starter.client;

import dev.gantry.starter.client.GantryClient.Attempt;
import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.common.SearchAttributes.Builder;
import java.util.List;

/**
 * Starting a release or a promotion: its workflow options (id, reuse policy, search attributes, what the
 * Temporal UI shows of it), the request signed when the client signs, and why a second start is refused.
 */
final class ReleaseStarts {
  private final WorkflowClient client;
  private final ReleaseCalls calls;
  private final ReleaseAttempts attempts;

  ReleaseStarts(WorkflowClient client, ReleaseCalls calls, ReleaseAttempts attempts) {
    this.client = client;
    this.calls = calls;
    this.attempts = attempts;
  }

  /**
   * Starts the release and returns its id; a second start of the same version is refused. A promotion that
   * failed or was refused may be started again (a new run of its id); a running or succeeded one is refused.
   *
   * @param signer signs the request when it carries no token yet; null: sent as it is
   */
  String start(ReleaseRequest request, ActorSigner signer) {
    String releaseId = request.releaseId();
    if (signer != null && request.requestToken() == null && request.artifact() != null) {
      request = request.withRequestToken(signer.sign(releaseId, null, request.artifact().digest(),
          ActorTokens.REQUEST, null, request.requestedBy()));
    }
    Builder attributes = io.temporal.common.SearchAttributes.newBuilder()
        .set(SearchAttributes.APPLICATION, request.application())
        .set(SearchAttributes.VERSION, request.version())
        .set(SearchAttributes.STAGE, "starting")
        .set(SearchAttributes.STATUS, "RUNNING");
    boolean promotion = request.promoteFrom() != null;
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setWorkflowId(releaseId)
        .setTaskQueue(TaskQueues.RELEASE)
        // A release runs once. A promotion that failed, was refused, terminated, timed out or was cancelled may
        // be attempted again (a new run of the same id); one that succeeded is never repeated (Temporal refuses).
        .setWorkflowIdReusePolicy(promotion ? WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
            : WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setTypedSearchAttributes(attributes.build())
        .setStaticSummary(staticSummary(request))
        .setStaticDetails(staticDetails(request))
        .build();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, options);
    try {
      WorkflowClient.start(release::run, request);
      return releaseId;
    } catch (WorkflowExecutionAlreadyStarted e) {
      if (promotion) {
        throw promotionNotRepeated(releaseId);
      }
      throw new ReleaseAlreadyExistsException(releaseId);
    } catch (WorkflowServiceException e) {
      throw calls.translate(e, releaseId, "start");
    } catch (StatusRuntimeException e) {
      throw calls.translate(e, releaseId);
    }
  }

  /** Why a promotion cannot start again: it is running, or it succeeded. */
  private GantryException promotionNotRepeated(String promotionId) {
    List<Attempt> runs;
    try {
      runs = attempts.of(promotionId);
    } catch (RuntimeException unreadable) {
      runs = List.of();
    }
    Attempt last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    if (last != null && last.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return new ReleaseAlreadyExistsException(promotionId, "promotion " + promotionId + " is running (attempt "
          + last.number() + ", run " + last.runId() + "): follow it with `gantry release watch " + promotionId
          + "`; once it has failed or been refused it can be attempted again");
    }
    return new ReleaseAlreadyExistsException(promotionId, "promotion " + promotionId + " already succeeded"
        + (last == null ? "" : " (attempt " + last.number() + ", run " + last.runId() + ")")
        + ": a succeeded promotion is not repeated. `gantry release status " + promotionId + "` shows it.");
  }

  /**
   * The release's one-line summary in the Temporal UI (history and User Metadata tab). The UI renders it as
   * Markdown: it carries no quotes or angle brackets, and points approvers to the Current Details, which
   * the release keeps up to date.
   */
  static String staticSummary(ReleaseRequest request) {
    return markdownSafe(request.application() + " " + request.version() + ", requested by "
        + request.requestedBy() + ". Approvers: Current Details (User Metadata tab) say what to send");
  }

  /** The release's fixed details in the Temporal UI: what is released, copyable values in fenced blocks. */
  static String staticDetails(ReleaseRequest request) {
    String path = request.promotionPath() == null ? "the whole path the platform policy defines"
        : (request.promoteFrom() == null ? "" : request.promoteFrom() + " -> ")
            + String.join(" -> ", request.promotionPath());
    return "Artifact:\n\n```text\n" + fenced(request.artifact().location()) + "\n"
        + fenced(request.artifact().digest()) + "\n```\n\nPromotion:\n\n```text\n" + fenced(path)
        + "\n```\n\nRequest:\n\n```text\n" + fenced(request.specSource()) + "\n```\n\n"
        + "What the release waits for now: Current Details.\n";
  }

  /** A value for a fenced block: one line, no backtick (it could close the fence), bounded. */
  private static String fenced(String value) {
    String line = value == null ? "-" : MessageLimits.cut(value, 500);
    return line.replace('`', '\'');
  }

  private static String markdownSafe(String text) {
    return MessageLimits.cut(text, 400).replaceAll("[<>`*\\[\\]\\\\|#~\"'&]", "");
  }
}
