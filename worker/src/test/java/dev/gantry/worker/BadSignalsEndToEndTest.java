package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.gantry.activities.audit.HashChainedLog;
import dev.gantry.activities.local.Digests;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.client.WorkflowStub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Garbage sent to a release parked at its approval gate, on the real dev server with the Spring worker:
 * every signal with the wrong JSON (what a person can type in the Temporal UI: strings, numbers, arrays,
 * {@code null}, objects with wrong fields), bytes that are not JSON at all, unknown signal names, a 1.5 MB
 * comment (under the server's 2 MB payload limit) and a 3 MB one (over it). Afterwards: no workflow task
 * failed, the release still waits at its gate, the refusals are in its status and in the audit trail, one
 * proper approval still releases it, and the audit chain verifies.
 */
@RealPeers
class BadSignalsEndToEndTest {
  @TempDir Path dir;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void garbageSignalsAreRefusedAndTheReleaseGoesOnWaiting() throws Exception {
    // the platform's policy: production of garbage-app waits for alice's approval
    TestPolicy policy = TestPolicy.in(dir).application("garbage-app", "production")
        .environment("production", """
            regions: [{name: us-east-1}]
            target: {type: local, root: ../targets}
            healthCheck: {command: "true"}
            approval: {required: true, approvers: [alice], minApprovals: 1, signedApprovals: false}
            verification: {required: false}
            """);
    policy.write();
    Path artifact = policy.artifact("app.txt", "bad input\n");
    String digest = Digests.sha256(artifact);
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir(),
            "--gantry.audit.path=" + dir.resolve("audit/audit.jsonl"),
            "--gantry.audit.signatures-path=" + dir.resolve("audit/signatures.jsonl"),
            "--gantry.signing.store=" + dir.resolve("signatures"),
            "--gantry.reviews.path=" + dir.resolve("reviews"));
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      String id = gantry.startRelease(ReleaseRequest.request("garbage-app", "1.0.0",
          ArtifactRef.file(artifact.toString(), digest), "ci", List.of("production"), "bad-signals-test", null, null));
      awaitStage(gantry, id, "approval:production");
      WorkflowStub release = gantry.workflowClient().newUntypedWorkflowStub(id);

      // what a person could type into the UI's signal box, to every signal the release has
      List<Object> typed = new ArrayList<>(Arrays.asList("approve", 42, -1.5, true, null, List.of(),
          List.of(1, "two"), Map.of(), Map.of("approver", 42), Map.of("approver", List.of("alice")),
          Map.of("approver", Map.of("name", "alice")), Map.of("approver", "alice", "digest", "sha256:0000"),
          Map.of("approver", "mallory", "digest", digest), Map.of("approver", "", "digest", digest),
          Map.of("approver", "\u0000", "digest", digest), Map.of("surprise", "field"),
          // a name is a short handle without control characters: this one is not alice
          Map.of("approver", "alice\u0000", "digest", digest)));
      Map<String, Integer> sent = new LinkedHashMap<>();
      for (String signal : List.of("approve", "reject", "override", "freeze", "cabDecision", "pause", "resume")) {
        for (Object payload : typed) {
          if (signal.equals("pause") && payload instanceof Map<?, ?> m && m.isEmpty()) {
            continue; // an empty object is refused too, but a paused release would not show the gate stage
          }
          release.signal(signal, payload);
          sent.merge(signal, 1, Integer::sum);
        }
      }
      // bytes that are not JSON at all, with the JSON encoding claimed: the SDK cannot decode them
      for (String raw : List.of("{not json", "", "\u00ff\u00fe", "[1,2", "\"unterminated")) {
        rawSignal(gantry, id, "approve", raw);
        rawSignal(gantry, id, "reject", raw);
      }
      // names the release does not know
      for (String name : List.of("aprove", "Approve", "approve ", "submitApproval", "status", "x".repeat(200))) {
        release.signal(name, Map.of("approver", "alice", "digest", digest));
      }
      // a long comment under the payload limit is taken (and refused: over the comment limit) ...
      release.signal("approve", Map.of("approver", "mallory", "digest", digest, "comment", "c".repeat(1_500_000)));
      // ... one over the server's 2 MB limit never reaches the history: the sender gets a clear error
      Throwable tooBig = catchThrowable(() -> release.signal("approve",
          Map.of("approver", "alice", "digest", digest, "comment", "c".repeat(3 * 1024 * 1024))));
      assertThat(tooBig).as("a 3 MB signal").isNotNull();
      assertThat(messages(tooBig)).containsIgnoringCase("size").containsIgnoringCase("limit");

      Thread.sleep(2_000);
      ReleaseStatus waiting = gantry.status(id);
      assertThat(waiting.state()).as("accepted: " + waiting.approvals().stream().filter(Approval::accepted).toList())
          .isEqualTo(ReleaseState.AWAITING_APPROVAL);
      assertThat(waiting.stage()).isEqualTo("approval:production");
      assertThat(waiting.approvals()).as("every approve payload that decoded was refused and recorded")
          .hasSizeGreaterThanOrEqualTo(sent.get("approve") + 1).noneMatch(Approval::accepted);
      assertThat(waiting.approvals()).allSatisfy(a -> assertThat(a.reason()).isNotBlank());
      assertThat(String.valueOf(waiting.approvals())).contains("must be one JSON object")
          .contains("field 'approver' must be a string").contains("mallory");

      ApprovalSignal proper = ApprovalSignal.of("alice", digest, "after the garbage");
      gantry.workflowClient().newWorkflowStub(dev.gantry.workflows.release.ReleaseWorkflow.class, id).approve(proper);
      ReleaseStatus done = gantry.awaitCompletion(id, Duration.ofMinutes(2));
      assertThat(done.state()).isEqualTo(ReleaseState.SUCCEEDED);
      assertThat(done.approvals()).filteredOn(Approval::accepted).singleElement()
          .satisfies(a -> assertThat(a.approver()).isEqualTo("alice"));

      List<HistoryEvent> history = gantry.workflowClient().fetchHistory(id).getEvents();
      assertThat(history).as("no workflow task failed on any payload")
          .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      long signals = history.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).count();
      System.out.println("[bad-signals] " + signals + " signals in the history (" + history.size() + " events), sent "
          + sent + " + 10 raw + 6 unknown names + 1 long + 1 proper; 3 MB refused by the server: " + messages(tooBig));

      Path audit = dir.resolve("audit/audit.jsonl");
      assertThat(HashChainedLog.verify(audit)).isEmpty();
      String trail = Files.readString(audit);
      assertThat(trail).contains("\"kind\":\"approval\"").contains("\"outcome\":\"refused\"")
          .contains("\"kind\":\"pause\"").contains("\"kind\":\"freeze\"");
    }
  }

  private static void rawSignal(GantryClient gantry, String id, String name, String raw) {
    Payload payload = Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom(raw, StandardCharsets.ISO_8859_1)).build();
    gantry.workflowClient().getWorkflowServiceStubs().blockingStub().signalWorkflowExecution(
        SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
            .setSignalName(name).setInput(Payloads.newBuilder().addPayloads(payload)).setIdentity("bad-input-test")
            .build());
  }

  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }

  private static void awaitStage(GantryClient gantry, String id, String stage) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (stage.equals(gantry.status(id).stage())) {
          return;
        }
      } catch (RuntimeException notYet) {
        // the first workflow task has not run yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + " never reached " + stage);
  }
}
