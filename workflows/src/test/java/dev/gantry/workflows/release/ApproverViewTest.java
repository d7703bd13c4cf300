package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.support.Releases;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Temporal UI renders current details as Markdown: outside fenced code, {@code <...>} is HTML and
 * straight quotes turn typographic. Everything a person copies must sit in a fence, verbatim.
 */
class ApproverViewTest {
  private final ReleaseRequest request = Releases.example();

  @Test
  void whatAnApproverCopiesIsFencedAndTheProseHasNoMarkupFromData() throws Exception {
    for (boolean signed : List.of(false, true)) {
      ApprovalPolicy policy = new ApprovalPolicy(true, List.of("carol"), 2, 72, List.of("release-managers"),
          null, null, null, signed, null);
      String details = ApproverView.details(request, status(), new ApproverView.OpenGate("production", policy,
          86_400_000L * 365 * 57, new LinkedHashSet<>(List.of("alice"))));

      List<String> fences = fences(details);
      assertThat(fences).contains(ApproverView.payload(request, "production", policy),
          ApproverView.approveCommand(request, "production", policy), request.artifact().digest());
      assertThat(ApproverView.payload(request, "production", policy)).doesNotContain("<", ">")
          .contains("\"digest\": \"" + request.artifact().digest() + "\"");
      assertThat(String.join("\n", fences).split("\n")).as("the UI cuts long lines of a code block")
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(85));
      assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(ApproverView.payload(request, "production", policy)).get("digest").asText())
          .isEqualTo(request.artifact().digest());
      assertThat(prose(details)).doesNotContain("<", ">", "\"", "'", "\\");
      assertThat(details).contains("Approved so far: **1 of 2** (`alice`)", "Still needed: **1** more",
          "Open until **2026-12-18 00:00 UTC**", "`carol`, members of `release-managers`");
      if (signed) {
        assertThat(fences).anySatisfy(f -> assertThat(f).startsWith("gantry approval-token --key"));
        assertThat(ApproverView.payload(request, "production", policy)).contains(ApproverView.YOUR_TOKEN);
      }
    }
  }

  @Test
  void aCanaryWaitingForAPersonSaysWhatToRun() {
    ReleaseStatus waiting = status();
    List<EnvironmentStatus> envs = List.of(new EnvironmentStatus("production", EnvironmentState.DEPLOYING,
        List.of(new dev.gantry.workflows.api.deploy.RegionStatus("eu-west-1", dev.gantry.workflows.api.deploy.RegionState.DEPLOYING,
            "1.3.0", null, new dev.gantry.workflows.api.rollout.RolloutStatus("canary", "inconclusive", 2, 4, 25,
                "inconclusive: no traffic", "2026-12-05T14:05:00Z",
                "analysis inconclusive at 25% (no traffic): resume (counts as a pass), promote or abort", null))),
        null));
    ReleaseStatus deploying = new ReleaseStatus(waiting.releaseId(), waiting.application(), waiting.version(),
        waiting.artifactDigest(), waiting.requestedBy(), ReleaseState.RUNNING, "deploy:production", envs,
        List.of(), List.of(), waiting.startedAt(), null, null, List.of(), List.of(), List.of());
    String details = ApproverView.details(request, deploying, null);
    assertThat(details).contains("`production/eu-west-1` waits for a person",
        "analysis inconclusive at 25% (no traffic)", "(until 2026-12-05T14:05:00Z)");
    assertThat(fences(details)).contains("gantry canary resume " + request.releaseId()
        + " \\\n  -e production -r eu-west-1 --as YOUR_NAME --reason WHY");
    assertThat(prose(details)).doesNotContain("<", ">", "\"");
  }

  @Test
  void aRequestNotYetCheckedByThePolicyCannotBreakTheDetails() {
    ReleaseRequest hostile = new ReleaseRequest("app```\n<script>", "1.0", null, List.of(), "dana", null, null);
    String details = ApproverView.details(hostile, status(), null);
    assertThat(fences(details)).contains("-").allSatisfy(block -> assertThat(block).doesNotContain("\n<"));
    assertThat(prose(details)).doesNotContain("<", ">");
  }

  @Test
  void hostileWaitingTextLosesItsMarkup() {
    assertThat(ApproverView.plain("<img src=x onerror=alert(1)> **bold** `code` \"q\"\nnext"))
        .isEqualTo("img src=x onerror=alert(1) bold code q next");
  }

  private ReleaseStatus status() {
    List<EnvironmentStatus> envs = new ArrayList<>();
    envs.add(new EnvironmentStatus("production", EnvironmentState.AWAITING_APPROVAL, List.of(),
        "2 approval(s): signal 'approve' with {\"approver\": \"<name>\"}"));
    return new ReleaseStatus(request.releaseId(), request.application(), request.version(),
        request.artifact().digest(), request.requestedBy(), ReleaseState.AWAITING_APPROVAL, "approval:production",
        envs, List.of(), List.of(), "2026-12-05T00:00:00Z", null, null, List.of(), List.of(), List.of());
  }

  static List<String> fences(String markdown) {
    List<String> out = new ArrayList<>();
    String[] parts = markdown.split("```", -1);
    for (int i = 1; i < parts.length; i += 2) {
      String block = parts[i];
      out.add(block.substring(block.indexOf('\n') + 1).stripTrailing());
    }
    return out;
  }

  static String prose(String markdown) {
    StringBuilder out = new StringBuilder();
    String[] parts = markdown.split("```", -1);
    for (int i = 0; i < parts.length; i += 2) {
      out.append(parts[i]);
    }
    return out.toString();
  }
}
