package dev.gantry.starter.client;

import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.FailureReasons;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import java.util.function.Supplier;

/**
 * Calls about one existing release, with Temporal's errors turned into Gantry's: a release that is not
 * there, one that has ended, a server that does not answer, a query nobody answered. Every part of the
 * client that talks to a release goes through here, so that each says the same in the same case.
 */
final class ReleaseCalls {
  private final WorkflowClient client;
  /** Where the server is, for {@link ServerUnavailableException}. */
  private final String address;

  ReleaseCalls(WorkflowClient client, String address) {
    this.client = client;
    this.address = address;
  }

  /**
   * Runs one call about an existing release, turning Temporal's errors into Gantry's: a message to a
   * release that has ended says so (Temporal answers it as if there were no such workflow), a query that
   * failed says why in a line, never as a stack trace.
   */
  <T> T onRelease(String id, String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (WorkflowNotFoundException e) {
      throw closedOrMissing(id, what);
    } catch (WorkflowServiceException e) {
      if (notFound(e)) {
        throw closedOrMissing(id, what);
      }
      throw translate(e, id, what);
    } catch (StatusRuntimeException e) {
      throw translate(e, id);
    } catch (WorkflowException e) {
      throw new GantryException("the " + what + " of " + id + " failed: "
          + MessageLimits.cut(FailureReasons.of(e), ReleaseExecution.REASON_CHARS), e);
    }
  }

  /** Runs a call that returns nothing (a signal, a cancel), as {@link #onRelease}. */
  void send(String id, String what, Runnable call) {
    onRelease(id, what, () -> {
      call.run();
      return null;
    });
  }

  /** The release as Temporal knows it: its execution status and, once closed, how it closed. */
  ReleaseExecution execution(String releaseId) {
    String id = GantryClient.normalize(releaseId);
    WorkflowExecutionDescription described;
    try {
      described = client.newUntypedWorkflowStub(id).describe();
    } catch (WorkflowNotFoundException e) {
      throw new ReleaseNotFoundException(id, ReleaseIdSuggestions.near(client, id));
    } catch (WorkflowServiceException e) {
      if (notFound(e)) {
        throw new ReleaseNotFoundException(id, ReleaseIdSuggestions.near(client, id));
      }
      throw translate(e, id, "description");
    } catch (StatusRuntimeException e) {
      throw translate(e, id);
    }
    io.temporal.common.SearchAttributes attributes = described.getTypedSearchAttributes();
    WorkflowExecutionStatus status = described.getStatus();
    return new ReleaseExecution(id, status, attributes.get(SearchAttributes.APPLICATION),
        attributes.get(SearchAttributes.VERSION), attributes.get(SearchAttributes.STATUS),
        attributes.get(SearchAttributes.STAGE), String.valueOf(described.getStartTime()),
        described.getCloseTime() == null ? null : String.valueOf(described.getCloseTime()),
        status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED ? closeReason(described)
            : ReleaseExecution.closeReason(status, null, null));
  }

  /** The release, still running: one that has ended takes no {@code what} ({@link ReleaseClosedException}). */
  ReleaseExecution running(String id, String what) {
    ReleaseExecution execution = execution(id);
    if (execution.closed()) {
      throw new ReleaseClosedException(execution, what);
    }
    return execution;
  }

  /**
   * Throws {@link NoWorkerException} at once when no worker has polled the task queue lately: a query or an
   * update would otherwise wait for its whole deadline and end in a raw gRPC error.
   */
  void requireWorker(String taskQueue, String what) {
    Workers.require(client, taskQueue, what);
  }

  /** Who terminated the execution and why, from its close event; the bare fact where it cannot be read. */
  private String closeReason(WorkflowExecutionDescription described) {
    String identity = null;
    String reason = null;
    try {
      var closing = client.getWorkflowServiceStubs().blockingStub().getWorkflowExecutionHistory(
          GetWorkflowExecutionHistoryRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(described.getExecution())
              .setHistoryEventFilterType(HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
              .build());
      for (var event : closing.getHistory().getEventsList()) {
        if (event.hasWorkflowExecutionTerminatedEventAttributes()) {
          identity = event.getWorkflowExecutionTerminatedEventAttributes().getIdentity();
          reason = event.getWorkflowExecutionTerminatedEventAttributes().getReason();
        }
      }
    } catch (RuntimeException unreadable) {
      // the state alone still says what happened
    }
    return ReleaseExecution.closeReason(described.getStatus(), identity, reason);
  }

  /** A call found no running release: it has ended (and says how), or there is none. */
  private GantryException closedOrMissing(String id, String what) {
    ReleaseExecution execution = execution(id);
    if (execution.closed()) {
      return new ReleaseClosedException(execution, what);
    }
    return new GantryException("the " + what + " of " + id + " found no release, yet Temporal lists it as "
        + execution.status() + ": try again");
  }

  /** A query or update that the service took but nobody answered: usually no worker is running. */
  GantryException translate(WorkflowServiceException e, String id, String what) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        Status.Code code = status.getStatus().getCode();
        if (code == Status.Code.DEADLINE_EXCEEDED) {
          return new GantryException("the " + what + " of " + id + " got no answer: is a Gantry worker"
              + " running on task queue " + TaskQueues.RELEASE + " (./gantry dev, ./gantry worker)?", e);
        }
        return translate(status, id);
      }
    }
    return new GantryException("the " + what + " of " + id + " failed: " + FailureReasons.of(e), e);
  }

  GantryException translate(StatusRuntimeException e, String releaseId) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      return new ServerUnavailableException(address, e);
    }
    if (code == Status.Code.NOT_FOUND) {
      return new ReleaseNotFoundException(releaseId);
    }
    return new GantryException("Temporal refused the call for " + releaseId + ": " + e.getStatus(), e);
  }

  private static boolean notFound(WorkflowServiceException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        return status.getStatus().getCode() == Status.Code.NOT_FOUND;
      }
    }
    return false;
  }
}
