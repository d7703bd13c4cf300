package dev.gantry.starter.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a release's exported event history says ({@code temporal workflow show --workflow-id ID --output json}),
 * read with Temporal's own JSON parsing ({@link WorkflowExecutionHistory#fromJson}) and payloads decoded by the
 * SDK's default {@link DataConverter} into JSON trees: a tree tolerates fields added by later versions of the
 * records, and a tampered payload is a finding, not a crash.
 */
final class ReleaseHistory {
  /** Larger than any history Temporal keeps (50 MB, base64 in JSON adds a third). */
  static final long MAX_BYTES = 128L * 1024 * 1024;
  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

  /** An approve or override message as it reached the release: a signal, or an accepted update. */
  record Message(long eventId, String at, String via, String clientIdentity, JsonNode body, JsonNode outcome) {}

  /** A region's child workflow: what it was asked and how it ended. */
  record Child(String workflowId, String runId, JsonNode request, String ending, JsonNode result, String failure) {}

  /** A Signing.verify or Signing.sign activity: input and result. */
  record Activity(long eventId, String name, JsonNode input, JsonNode result, String failure) {}

  String runId;
  String workflowType;
  JsonNode input = MissingNode.getInstance();
  JsonNode plan = MissingNode.getInstance();
  /** The close event's kind: COMPLETED, FAILED, TERMINATED, ...; null while the release runs. */
  String closed;
  JsonNode result = MissingNode.getInstance();
  String failure;
  final List<Message> approvals = new ArrayList<>();
  final List<Message> overrides = new ArrayList<>();
  final List<Child> children = new ArrayList<>();
  final List<Activity> signs = new ArrayList<>();
  final List<Activity> verifies = new ArrayList<>();
  /** The release's Audit.append activities: where the worker returns the trail's chain head, the trail must have it. */
  final List<Activity> appends = new ArrayList<>();
  /** Payloads that could not be read, by event id: a finding. */
  final List<String> unreadable = new ArrayList<>();

  static ReleaseHistory read(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException("the history " + file + " is larger than " + MAX_BYTES / (1024 * 1024)
            + " MiB: not an export of one release's history");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the history " + file + " (" + e.getClass().getSimpleName()
          + ")");
    }
    WorkflowExecutionHistory history;
    try {
      history = WorkflowExecutionHistory.fromJson(text);
    } catch (RuntimeException e) {
      // never the parser's message: it can quote the file
      throw new IllegalArgumentException("the history " + file + " is not an event history as `temporal workflow"
          + " show --workflow-id ID --output json` exports it");
    }
    ReleaseHistory release = new ReleaseHistory();
    release.index(history.getEvents());
    return release;
  }

  private void index(List<HistoryEvent> events) {
    Map<Long, HistoryEvent> scheduled = new HashMap<>();
    Map<Long, HistoryEvent> initiated = new HashMap<>();
    Map<Long, String> childRuns = new HashMap<>();
    Map<Long, HistoryEvent> acceptedUpdates = new HashMap<>();
    for (HistoryEvent event : events) {
      long id = event.getEventId();
      String at = Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos()).toString();
      EventType type = event.getEventType();
      switch (type) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> {
          var started = event.getWorkflowExecutionStartedEventAttributes();
          workflowType = started.getWorkflowType().getName();
          runId = started.getOriginalExecutionRunId();
          input = decode(id, started.hasInput() ? started.getInput() : null);
        }
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> scheduled.put(id, event);
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          var done = event.getActivityTaskCompletedEventAttributes();
          HistoryEvent start = scheduled.get(done.getScheduledEventId());
          if (start != null) {
            activity(start, decode(id, done.hasResult() ? done.getResult() : null), null);
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_FAILED -> {
          var failed = event.getActivityTaskFailedEventAttributes();
          HistoryEvent start = scheduled.get(failed.getScheduledEventId());
          if (start != null) {
            activity(start, MissingNode.getInstance(), failed.getFailure().getMessage());
          }
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
          var signal = event.getWorkflowExecutionSignaledEventAttributes();
          Message message = new Message(id, at, "signal", signal.getIdentity(),
              decode(id, signal.hasInput() ? signal.getInput() : null), MissingNode.getInstance());
          if (signal.getSignalName().equals("approve")) {
            approvals.add(message);
          } else if (signal.getSignalName().equals("override")) {
            overrides.add(message);
          }
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED -> acceptedUpdates.put(id, event);
        case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED -> {
          var completed = event.getWorkflowExecutionUpdateCompletedEventAttributes();
          HistoryEvent accepted = acceptedUpdates.get(completed.getAcceptedEventId());
          if (accepted == null) {
            break;
          }
          var request = accepted.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest();
          String name = request.getInput().getName();
          JsonNode outcome = completed.getOutcome().hasSuccess()
              ? decode(id, completed.getOutcome().getSuccess()) : MissingNode.getInstance();
          String acceptedAt = Instant.ofEpochSecond(accepted.getEventTime().getSeconds(),
              accepted.getEventTime().getNanos()).toString();
          Message message = new Message(accepted.getEventId(), acceptedAt, "update", request.getMeta().getIdentity(),
              decode(accepted.getEventId(), request.getInput().hasArgs() ? request.getInput().getArgs() : null),
              outcome);
          if (name.equals("submitApproval")) {
            approvals.add(message);
          } else if (name.equals("submitOverride")) {
            overrides.add(message);
          }
        }
        case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED -> initiated.put(id, event);
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED -> {
          var started = event.getChildWorkflowExecutionStartedEventAttributes();
          childRuns.put(started.getInitiatedEventId(), started.getWorkflowExecution().getRunId());
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED -> {
          var done = event.getChildWorkflowExecutionCompletedEventAttributes();
          child(initiated.get(done.getInitiatedEventId()), childRuns.get(done.getInitiatedEventId()), "COMPLETED",
              decode(id, done.hasResult() ? done.getResult() : null), null);
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED -> {
          var failed = event.getChildWorkflowExecutionFailedEventAttributes();
          child(initiated.get(failed.getInitiatedEventId()), childRuns.get(failed.getInitiatedEventId()), "FAILED",
              MissingNode.getInstance(), failed.getFailure().getMessage());
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
            EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT -> {
          long initiatedId = switch (type) {
            case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED ->
                event.getChildWorkflowExecutionCanceledEventAttributes().getInitiatedEventId();
            case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED ->
                event.getChildWorkflowExecutionTerminatedEventAttributes().getInitiatedEventId();
            default -> event.getChildWorkflowExecutionTimedOutEventAttributes().getInitiatedEventId();
          };
          child(initiated.get(initiatedId), childRuns.get(initiatedId),
              type.name().substring("EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_".length()), MissingNode.getInstance(), null);
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> {
          closed = "COMPLETED";
          var done = event.getWorkflowExecutionCompletedEventAttributes();
          result = decode(id, done.hasResult() ? done.getResult() : null);
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> {
          closed = "FAILED";
          failure = event.getWorkflowExecutionFailedEventAttributes().getFailure().getMessage();
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED -> closed = "CANCELLED";
        case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> {
          closed = "TERMINATED";
          failure = event.getWorkflowExecutionTerminatedEventAttributes().getReason();
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT -> closed = "TIMED_OUT";
        case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> closed = "CONTINUED_AS_NEW";
        default -> { }
      }
    }
  }

  private void activity(HistoryEvent start, JsonNode result, String failure) {
    var attributes = start.getActivityTaskScheduledEventAttributes();
    String name = attributes.getActivityType().getName();
    JsonNode input = decode(start.getEventId(), attributes.hasInput() ? attributes.getInput() : null);
    Activity activity = new Activity(start.getEventId(), name, input, result, failure);
    switch (name) {
      case "Policy.resolvePlan" -> {
        if (failure == null) {
          plan = result;
        }
      }
      case "Audit.append" -> appends.add(activity);
      case "Signing.sign" -> signs.add(activity);
      case "Signing.verify" -> verifies.add(activity);
      default -> { }
    }
  }

  private void child(HistoryEvent start, String childRunId, String ending, JsonNode result, String failure) {
    if (start == null) {
      return;
    }
    var attributes = start.getStartChildWorkflowExecutionInitiatedEventAttributes();
    children.add(new Child(attributes.getWorkflowId(), childRunId, decode(start.getEventId(),
        attributes.hasInput() ? attributes.getInput() : null), ending, result, failure));
  }

  /** The first payload as a JSON tree; a payload that cannot be read is noted and reads as missing. */
  private JsonNode decode(long eventId, Payloads payloads) {
    if (payloads == null || payloads.getPayloadsCount() == 0) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = CONVERTER.fromPayloads(0, Optional.of(payloads), JsonNode.class, JsonNode.class);
      return node == null ? MissingNode.getInstance() : node;
    } catch (RuntimeException e) {
      unreadable.add("event " + eventId);
      return MissingNode.getInstance();
    }
  }
}
