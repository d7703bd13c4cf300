package dev.gantry.workflows.release;

import static dev.gantry.workflows.support.Watch.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.approval.GateOverride;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.TimelineEntry;
import dev.gantry.workflows.api.window.FreezeSignal;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack found on a real server, and more of it: a hundred messages of about a megabyte each (unknown
 * approver names, a valid approver's comment, malformed payloads, an override's justification, a
 * rejection's reason, a freeze's reason, a change ticket, a pause) and names with line breaks and
 * terminal escapes. The release must stay readable, keep nothing of them whole, take a real approval and
 * end with a result far below Temporal's 2 MiB blob limit.
 */
class BoundedInputWorkflowTest {
  /** What the status query answers and the release returns, serialized as Temporal sends it. */
  private static final int STATUS_BYTES = 256 * 1024;
  private static final int MEGABYTE = 1 << 20;
  private static final int MESSAGES = 100;
  private static final String DIGEST = Releases.DIGEST;
  /** A name that would print as a timeline line of its own. */
  private static final String FORGED_LINE = "alice\n12:00:00  production  approval by alice accepted";
  private static final String ESCAPES = "\u001b[2J\u001b[31mcarol\u001b[0m";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private final FakeAudit audit = new FakeAudit();
  private WorkflowClient client;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    client = env.getWorkflowClient();
    Releases.startWorker(env, deployments, audit, new GateWorkflowTest.Directory());
  }

  @Test
  void aHundredMegabyteMessagesLeaveTheReleaseReadableAndBounded() {
    ReleaseRequest request = Releases.withApprovalsDirectory(Releases.example());
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));

    WorkflowStub untyped = client.newUntypedWorkflowStub(request.releaseId());
    for (int i = 0; i < MESSAGES; i++) {
      send(untyped, i);
      if (i % 10 == 9) {
        int handled = i + 1;
        // one batch at a time: a workflow task never carries more than ten megabytes of signals
        awaitStatus(release, s -> s.omitted().refusedMessages() >= handled);
      }
    }
    ReleaseStatus flooded = awaitStatus(release, s -> s.omitted().refusedMessages() == MESSAGES);

    assertThat(flooded.state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);
    assertThat(flooded.stage()).isEqualTo("approval:production");
    assertThat(serializedSize(flooded)).as("the status query's answer").isLessThan(STATUS_BYTES);
    assertBounded(flooded);
    assertThat(flooded.approvals()).as("only the latest refusals are listed").noneMatch(Approval::accepted)
        .hasSize(ReleaseProgress.REFUSALS_LISTED);
    assertThat(flooded.omitted().refusedApprovals()).isEqualTo(60 - ReleaseProgress.REFUSALS_LISTED);
    assertThat(flooded.approvals()).extracting(Approval::reason).allSatisfy(reason ->
        assertThat(reason).containsAnyOf("approve message refused", "malformed approve message"));
    assertThat(flooded.approvals()).extracting(Approval::approver)
        .contains("alice", "'alice?12:00:00  production  approval by alice accepted'",
            "'?[2J?[31mcarol?[0m'")
        .anySatisfy(name -> assertThat(name).startsWith("'mmmm").endsWith("(1048512 more characters)"));
    assertThat(flooded.overrides()).hasSize(10).noneMatch(GateOverride::accepted)
        .allSatisfy(o -> assertThat(o.justification()).endsWith("(1048512 more characters)"));
    assertThat(flooded.timeline()).as("no line was forged").noneMatch(line -> line.event().contains("\n"))
        .filteredOn(line -> line.event().startsWith("approval by")).isEmpty();

    assertThatThrownBy(() -> release.submitApproval(ApprovalSignal.of("alice", DIGEST, "c".repeat(MEGABYTE))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("approve message refused: 1048652 characters, at most 8192 are taken");

    GateDecision first = release.submitApproval(ApprovalSignal.of("alice", DIGEST, "after the flood"));
    assertThat(first.accepted()).as(first.detail()).isTrue();
    release.approve(ApprovalSignal.of("carol", DIGEST, "ok"));
    ReleaseStatus result = WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);

    assertThat(result.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(result.approvals()).filteredOn(Approval::accepted).extracting(Approval::approver)
        .containsExactly("alice", "carol");
    assertThat(serializedSize(result)).as("the release's result").isLessThan(STATUS_BYTES);
    assertBounded(result);
    assertThat(deployments.calls("deploy", "production")).hasSize(4);

    assertThat(audit.events).as("every message is in the audit trail")
        .filteredOn(e -> "refused".equals(e.outcome())).hasSize(MESSAGES);
    for (AuditEvent event : audit.events) {
      assertOneLine("audit actor", event.actor(), ReleaseProgress.NAME_CHARS);
      assertOneLine("audit detail", event.detail(), ReleaseProgress.EVENT_CHARS);
    }
    System.out.println("[bounded-input] status " + serializedSize(flooded) + " bytes after " + MESSAGES
        + " messages of about 1 MB; result " + serializedSize(result) + " bytes; " + result.omitted());
  }

  @Test
  void aFloodOfRefusalsNeverPushesTheStoryOutOfTheTimeline() {
    ReleaseRequest request = Releases.example();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));

    for (int i = 0; i < 400; i++) {
      release.approve(ApprovalSignal.of("mallory", DIGEST, "attempt " + i));
    }
    ReleaseStatus status = awaitStatus(release, s -> s.omitted().refusedMessages() == 400);

    assertThat(status.timeline()).filteredOn(line -> line.event().startsWith("approval refused"))
        .hasSize(ReleaseProgress.REFUSAL_LINES);
    assertThat(status.timeline().get(0).event()).as("the story's first line is still there")
        .startsWith("release of hello-service 1.4.0");
    assertThat(status.timeline()).extracting(TimelineEntry::number).isSorted().doesNotHaveDuplicates();
    assertThat(status.timeline().get(status.timeline().size() - 1).number())
        .isEqualTo(status.omitted().timelineLines() + status.timeline().size());
    assertThat(status.approvals()).hasSize(ReleaseProgress.REFUSALS_LISTED)
        .last().satisfies(a -> assertThat(a.comment()).isEqualTo("attempt 399"));
    assertThat(status.omitted().refusedApprovals()).isEqualTo(400 - ReleaseProgress.REFUSALS_LISTED);
  }

  /**
   * The largest status messages within the limits can make: accepted pauses and resumes whose reasons are
   * a thousand three-byte characters, and refusals that keep the longest names, summaries and reasons.
   */
  @Test
  void theLargestStatusMessagesCanMakeStaysUnderTheBound() {
    ReleaseRequest request = Releases.withApprovalsDirectory(Releases.example());
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));

    String euros = "\u20ac".repeat(MessageLimits.TEXT);
    String shortEuros = "\u20ac".repeat(64);
    String longest = "m".repeat(64);
    for (int i = 0; i < 200; i++) {
      release.pause(new PauseSignal(longest, euros));
      release.resume(new PauseSignal(longest, euros));
      release.approve(new ApprovalSignal(longest, shortEuros, null, DIGEST));
      release.override(new OverrideSignal(longest, "x".repeat(64), euros, "I".repeat(64)));
    }
    ReleaseStatus status = awaitStatus(release, s -> s.omitted().refusedMessages() == 400
        && s.timeline().stream().filter(line -> line.event().startsWith("resumed")).count() > 1);

    assertThat(status.approvals()).hasSize(ReleaseProgress.REFUSALS_LISTED);
    assertThat(status.overrides()).hasSize(ReleaseProgress.REFUSALS_LISTED);
    assertThat(serializedSize(status)).as("the largest status").isLessThan(STATUS_BYTES);
    assertBounded(status);
    System.out.println("[bounded-input] the largest status: " + serializedSize(status) + " bytes, "
        + status.timeline().size() + " timeline lines; " + status.omitted());
  }

  @Test
  void freezesAddedBySignalAreCappedPerEnvironment() {
    ReleaseRequest request = Releases.example();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));

    for (int day = 1; day <= WindowGate.FREEZES_BY_SIGNAL + 1; day++) {
      String date = "2099-01-" + (day < 10 ? "0" : "") + day;
      release.freeze(new FreezeSignal("production", date, date, "maintenance " + day, "alice"));
    }
    ReleaseStatus status = awaitStatus(release, s -> s.omitted().refusedMessages() == 1);
    assertThat(status.timeline()).filteredOn(line -> line.event().startsWith("freeze added"))
        .hasSize(WindowGate.FREEZES_BY_SIGNAL);
    assertThat(status.timeline()).filteredOn(line -> line.event().startsWith("freeze refused")).singleElement()
        .satisfies(line -> assertThat(line.event()).contains("production already has 20 freezes added by signal"));
  }

  /**
   * The bounds are versioned: the marker is the first command of the release, before any message, and a
   * history with refused and accepted messages replays.
   */
  @Test
  void aReleaseWithTheBoundsReplaysItsHistory() throws Exception {
    ReleaseRequest request = Releases.example();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));
    release.approve(ApprovalSignal.of(FORGED_LINE, DIGEST, "forged"));
    release.approve(ApprovalSignal.of("alice", DIGEST, "c".repeat(MessageLimits.TEXT + 1)));
    release.pause(new PauseSignal(ESCAPES, "stop"));
    release.approve(ApprovalSignal.of("alice", DIGEST, "LGTM"));
    release.approve(ApprovalSignal.of("carol", DIGEST, "ok"));
    assertThat(WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class).state())
        .isEqualTo(ReleaseState.SUCCEEDED);

    var history = client.fetchHistory(request.releaseId());
    var firstCommand = history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        .findFirst().map(e -> history.getEvents().get((int) e.getEventId())).orElseThrow();
    assertThat(firstCommand.getEventType()).isEqualTo(EventType.EVENT_TYPE_MARKER_RECORDED);
    assertThat(firstCommand.getMarkerRecordedEventAttributes().getDetailsMap().toString())
        .contains(VersionMarkers.BOUNDED_INPUT);
    WorkflowReplayer.replayWorkflowExecution(history, ReleaseWorkflowImpl.class);
  }

  /** The i-th hostile message: ten kinds, each sent ten times. */
  private static void send(WorkflowStub release, int i) {
    String megabyte = String.valueOf((char) ('a' + i % 10)).repeat(MEGABYTE);
    switch (i % 10) {
      case 0 -> release.signal("approve", Map.of("approver", "m".repeat(MEGABYTE), "digest", DIGEST));
      case 1 -> release.signal("approve", ApprovalSignal.of("alice", DIGEST, megabyte));
      case 2 -> release.signal("approve", megabyte);
      case 3 -> release.signal("approve", Map.of("approver", List.of(megabyte), "digest", DIGEST));
      case 4 -> release.signal("approve", ApprovalSignal.of(FORGED_LINE, DIGEST, megabyte.substring(0, 100)));
      case 5 -> release.signal("approve", Map.of("approver", ESCAPES, "digest", DIGEST, "token", megabyte));
      case 6 -> release.signal("override", new OverrideSignal("erin", "window", megabyte, "INC-1"));
      case 7 -> release.signal("reject", new RejectionSignal("bob", megabyte));
      case 8 -> release.signal("pause", new PauseSignal(megabyte, "stop"));
      default -> {
        if (i % 20 == 9) {
          release.signal("freeze", new FreezeSignal("production", "2026-12-24", "2026-12-26", megabyte, "alice"));
        } else {
          release.signal("cabDecision", new CabDecisionSignal("production", megabyte, "APPROVED", "cab", null));
        }
      }
    }
  }

  private static int serializedSize(ReleaseStatus status) {
    return DefaultDataConverter.STANDARD_INSTANCE.toPayload(status).orElseThrow().getSerializedSize();
  }

  /** No string the status keeps is longer than its field's limit, and every one is a single line. */
  private static void assertBounded(ReleaseStatus status) {
    for (Approval approval : status.approvals()) {
      assertOneLine("approver", approval.approver(), ReleaseProgress.NAME_CHARS);
      assertOneLine("comment", approval.comment(),
          approval.accepted() ? MessageLimits.TEXT : ReleaseProgress.NAME_CHARS);
      assertOneLine("refusal", approval.reason(), GateBook.REFUSAL_CHARS);
    }
    for (GateOverride override : status.overrides()) {
      assertOneLine("approver", override.approver(), ReleaseProgress.NAME_CHARS);
      assertOneLine("gate", override.gate(), ReleaseProgress.NAME_CHARS);
      assertOneLine("justification", override.justification(), MessageLimits.TEXT);
      assertOneLine("incident", override.incident(), ReleaseProgress.NAME_CHARS);
      assertOneLine("refusal", override.reason(), GateBook.REFUSAL_CHARS);
    }
    for (TimelineEntry line : status.timeline()) {
      assertOneLine("timeline", line.event(), ReleaseProgress.EVENT_CHARS);
    }
    assertThat(status.timeline()).hasSizeLessThanOrEqualTo(ReleaseProgress.TIMELINE_LINES);
    everyString(status, "status", (path, value) -> assertOneLine(path, value, ReleaseProgress.EVENT_CHARS));
  }

  private static void assertOneLine(String what, String value, int limit) {
    if (value == null) {
      return;
    }
    assertThat(value.length()).as(what + " of " + value.length() + " characters").isLessThanOrEqualTo(limit);
    assertThat(MessageLimits.isOneLine(value)).as(what + " on one line: " + Names.shown(value)).isTrue();
  }

  /** Every string in a tree of records and lists, with where it is. */
  private static void everyString(Object node, String path, BiConsumer<String, String> check) {
    if (node instanceof String text) {
      check.accept(path, text);
    } else if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        everyString(item, path + "[" + i++ + "]", check);
      }
    } else if (node != null && node.getClass().isRecord()) {
      for (RecordComponent component : node.getClass().getRecordComponents()) {
        try {
          everyString(component.getAccessor().invoke(node), path + "." + component.getName(), check);
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
    }
  }
}
